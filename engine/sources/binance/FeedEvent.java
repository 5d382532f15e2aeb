package engine.sources.binance;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A connection's lifecycle event, published on the actor system's event stream (so a sink can tell
 * an admin chat) and listed in the source's health.
 *
 * @param source     the configured source name
 * @param time       when it happened
 * @param kind       {@code connected}, {@code disconnected}, {@code reconnecting}, {@code renewed}, {@code error}
 * @param connection the connection's number within the source (1, 2, ...)
 * @param reason     why (a disconnect's cause, an error frame's text), or null
 * @param attempt    a reconnect's attempt number, or 0
 * @param nextTry    when a reconnect will be tried, or null
 */
public record FeedEvent(String source, Instant time, String kind, int connection, String reason, int attempt,
                        Instant nextTry) {

    public Map<String, Object> view() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", time.toString());
        m.put("kind", kind);
        m.put("connection", connection);
        if (reason != null) {
            m.put("reason", reason);
        }
        if (attempt > 0) {
            m.put("attempt", attempt);
        }
        if (nextTry != null) {
            m.put("next_try", nextTry.toString());
        }
        return m;
    }
}
