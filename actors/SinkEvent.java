package actors;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * What a queued sink did with a hit, on the live stream as a {@code sink} event: {@code sent},
 * {@code retry} (with the error), {@code dead} (a dead letter) or {@code off} (the service is gone).
 * Published by {@link SinkQueue} after the outcome is in the delivery ledger.
 */
public record SinkEvent(String sink, String kind, @JsonProperty("hit_id") String hitId, String error, String time)
        implements LiveEvent {
    static SinkEvent of(String sink, String kind, String hitId, String error) {
        return new SinkEvent(sink, kind, hitId, error, Instant.now().toString());
    }

    @Override
    public String liveType() {
        return "sink";
    }

    @Override
    public Object livePayload() {
        return this;
    }
}
