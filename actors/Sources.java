package actors;

import conditions.Tick;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import persistence.WatchedTicker;

/**
 * Where a watched ticker's ticks come from, by name. Only {@code push} exists now (ticks arrive
 * through the ingest API, nothing to start); crawlers and websocket feeds plug in here later.
 */
public final class Sources {
    public static final String PUSH = "push";

    /** Hands ticks to the node (what a source calls with what it fetched). */
    @FunctionalInterface
    public interface Feed {
        CompletionStage<?> ingest(List<Tick> ticks);
    }

    /** One kind of source. Start and stop are called on the registry's node and must not block. */
    public interface Source {
        String name();

        /** Starts fetching {@code ticker}'s ticks into {@code feed}; called again after a restart. */
        void start(WatchedTicker ticker, Feed feed);

        /** Stops fetching {@code ticker}. */
        void stop(WatchedTicker ticker);
    }

    /** The {@code push} source: the ticks are pushed to the ingest API; nothing to start. */
    public static final Source PUSH_SOURCE = new Source() {
        @Override
        public String name() {
            return PUSH;
        }

        @Override
        public void start(WatchedTicker ticker, Feed feed) {
        }

        @Override
        public void stop(WatchedTicker ticker) {
        }
    };

    private final Map<String, Source> byName = new TreeMap<>();
    private final Feed feed;

    public Sources(Feed feed, List<Source> sources) {
        this.feed = feed;
        for (Source s : sources) {
            byName.put(s.name(), s);
        }
    }

    /** Only {@code push}. */
    public static Sources defaults(Feed feed) {
        return new Sources(feed, List.of(PUSH_SOURCE));
    }

    /** The source names a ticker may use, sorted. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    public boolean has(String name) {
        return byName.containsKey(name);
    }

    void start(WatchedTicker t) {
        Source s = byName.get(t.source());
        if (s != null) {
            s.start(t, feed);
        }
    }

    void stop(WatchedTicker t) {
        Source s = byName.get(t.source());
        if (s != null) {
            s.stop(t);
        }
    }
}
