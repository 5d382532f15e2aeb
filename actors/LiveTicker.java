package actors;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import persistence.StoredHit;

/** The ticker entity's live events: its bar as it forms and closes, and its hits. */
public final class LiveTicker {
    private LiveTicker() {
    }

    /**
     * A bar of {@code symbol}: the forming one ({@code closed} false; throttled, the latest state) or one
     * that just closed, with its indicators. {@code bar} is the {@code persistence.BarJson} shape of
     * {@code GET /api/tickers/{symbol}}. {@code accepted} is the ticker's accepted tick count.
     */
    public record Bar(String symbol, boolean closed, Map<String, Object> bar, long accepted) implements LiveEvent {
        @Override
        public String liveType() {
            return "bar";
        }

        @Override
        public Object livePayload() {
            return this;
        }
    }

    /** A hit, in the shape of an element of {@code GET /api/hits}. */
    public record HitFound(String id, String condition, String symbol, String bar, Map<String, Double> values,
                           List<String> sinks, @JsonProperty("bar_start") long barStart) implements LiveEvent {
        static HitFound of(StoredHit h) {
            return new HitFound(h.id(), h.condition(), h.symbol(),
                    persistence.BarJson.time(h.barStart(), conditions.Market.valueOf(h.market())), h.values(),
                    h.sinks(), h.barStart());
        }

        @Override
        public String liveType() {
            return "hit";
        }

        @Override
        public Object livePayload() {
            return this;
        }
    }
}
