package engine.sources;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A lifecycle event of a connected source (connected, disconnected, reconnecting, registration
 * refused, token renewed), published on the actor system's event stream so a sink can tell an admin
 * (it is an {@link actors.SourceLifecycle}, which the telegram sink's admin notices listen for),
 * and kept (the latest 100) in the source's health ({@code GET /api/sources}, {@code events}).
 *
 * @param source the configured source name
 * @param time   when it happened
 * @param type   {@code connected}, {@code disconnected}, {@code reconnecting}, {@code registration_refused},
 *               {@code token_renewed}, {@code error_frame}
 * @param symbol the ticker it concerns, or null for the connection
 * @param detail what an operator reads: the reason, the attempt and the next try, the code and message
 */
public record SourceEvent(String source, Instant time, String type, String symbol, String detail)
        implements actors.SourceLifecycle {

    /** The lifecycle kind, as the admin-notice listener reads it ({@link actors.SourceLifecycle}). */
    @Override
    public String kind() {
        return type;
    }

    /** As shown in {@code GET /api/sources}. */
    public Map<String, Object> view() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", time.toString());
        m.put("type", type);
        if (symbol != null) {
            m.put("symbol", symbol);
        }
        m.put("detail", detail);
        return m;
    }
}
