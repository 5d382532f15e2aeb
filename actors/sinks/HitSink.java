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

    /**
     * Whether the node keeps this direct sink's hits in the cluster's delivery ledger
     * ({@code persistence.DeliveryLedger}): a hit any node has marked {@code sent} there is not
     * delivered again, here or on another node, and each delivery runs as "record the hit
     * {@code queued}, deliver, mark it {@code sent}" ({@code actors.SinkActor}). Right for a sink
     * whose output must hold each hit once across the nodes ({@code file}); off by default, as for
     * {@code log}, which then costs no database write per hit. Queued sinks always use the ledger.
     */
    default boolean ledgered() {
        return false;
    }

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

    /**
     * The node is up: what the sink may ask of it from now on (called once, after every sink has
     * opened and before the node serves requests). Most sinks need nothing.
     */
    default void nodeStarted(NodeFacts facts) {
    }

    /**
     * The sink's own figures, shown beside the node's counts in {@code GET /api/sinks} as
     * {@code "details"} (a record the API writes as JSON; Telegram: messages sent per chat, the
     * outbox, polling); null when it has none. Called by the HTTP layer: must not block long.
     */
    default Object details() {
        return null;
    }

    @Override
    default void close() throws java.io.IOException {
    }
}
