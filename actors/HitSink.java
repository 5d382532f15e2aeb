package actors;

import conditions.Hit;
import java.util.Collection;
import java.util.List;

/**
 * Somewhere hits go ({@code log}, {@code file}; Telegram, webhooks and brokers later). Each sink
 * runs in its own actor on the blocking dispatcher ({@link HitRouter}), one hit at a time, so a slow
 * or failing sink delays nobody else. The actor drops ids the sink has already handled.
 */
public interface HitSink extends AutoCloseable {

    /** The name conditions use in their {@code sinks}. */
    String name();

    /**
     * Handles one hit durably before returning (written, flushed, sent and confirmed). Throwing
     * means "not handled": the sink's actor restarts and the hit comes again later.
     */
    void deliver(Hit hit) throws Exception;

    /** Ids handled before this process started (e.g. read back from the sink's file), oldest first. */
    default Collection<String> handledBefore() {
        return List.of();
    }

    @Override
    default void close() throws java.io.IOException {
    }
}
