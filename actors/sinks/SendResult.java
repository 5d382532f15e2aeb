package actors.sinks;

import java.time.Duration;

/** The outcome of one {@link QueuedSink#send} attempt. */
public sealed interface SendResult {

    /** The service has the hit. */
    record Sent() implements SendResult {
    }

    /**
     * Worth another attempt (timeout, 5xx, 429, network).
     *
     * @param error what went wrong, for health and the dead letters (no secrets, no tokens in URLs)
     * @param after how long the service asked us to wait (Retry-After), or null for the usual backoff
     */
    record Retry(String error, Duration after) implements SendResult {
    }

    /** The service refuses this hit for good (4xx other than 408, 409, 425 and 429): a dead letter now. */
    record Dead(String error) implements SendResult {
    }

    /**
     * The service is gone (HTTP 410): the sink switches itself off and says so; this hit and every
     * later one go to the dead letters until a redeliver switches it on again.
     */
    record Off(String error) implements SendResult {
    }

    static SendResult sent() {
        return new Sent();
    }
}
