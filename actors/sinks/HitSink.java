package actors.sinks;

import conditions.Hit;
import java.util.Collection;
import java.util.List;

/**
 * Somewhere hits go ({@code log}, {@code file}; Telegram, webhooks and brokers later). A sink is
 * built from its configuration block {@code tickwatch.sinks.<name>} by the factory its
 * {@code type} names ({@link SinkTypes}). Each sink runs in its own actor on the sink dispatcher
 * ({@code actors.HitRouter}), one hit at a time, so a slow or failing sink delays nobody else.
 * The actor drops ids the sink has already handled.
 */
public interface HitSink extends AutoCloseable {

    /** The name conditions use in their {@code sinks}: the configured name ({@link SinkContext#name()}). */
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

    /**
     * Hits this sink recorded before this process started, oldest first (the {@code file} sink reads
     * them back): the node shows them among its recent hits. Most sinks cannot read their output back.
     */
    default List<Hit> recentAtOpen() {
        return List.of();
    }

    @Override
    default void close() throws java.io.IOException {
    }
}
