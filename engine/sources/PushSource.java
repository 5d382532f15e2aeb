package engine.sources;

import persistence.WatchedTicker;

/**
 * The {@code push} source type: ticks are pushed to the node ({@code POST /api/ticks}); nothing to
 * fetch, nothing to start. A symbol the API has not seen is added with source {@code push}.
 */
public final class PushSource implements Source {
    public static final String TYPE = "push";

    /** The factory {@link SourceTypes} registers for {@value #TYPE}. */
    public static Source create(SourceContext ctx) {
        return new PushSource();
    }

    @Override
    public void watch(WatchedTicker ticker) {
    }

    @Override
    public void unwatch(WatchedTicker ticker) {
    }
}
