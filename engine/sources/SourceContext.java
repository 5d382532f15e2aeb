package engine.sources;

import actors.TickerEntity.IngestResult;
import com.typesafe.config.Config;
import conditions.Tick;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What a {@link Source} is built with, and its way into the node.
 */
public final class SourceContext {

    /** The node's ingest path for one source (see {@link #ingest(List, String)}). */
    @FunctionalInterface
    public interface Ingest {
        CompletionStage<IngestResult> ingest(String source, List<Tick> ticks, String idempotencyKey);

        /** Ticks numbered by their source (see {@link SourceContext#ingest(List, long[], String)}); a test's ingest may ignore the numbers. */
        default CompletionStage<IngestResult> ingest(String source, List<Tick> ticks, long[] positions,
                                                     String idempotencyKey) {
            return ingest(source, ticks, idempotencyKey);
        }

        /** See {@link SourceContext#position(String)}; 0 (nothing stored) outside a node. */
        default CompletionStage<Long> position(String symbol) {
            return java.util.concurrent.CompletableFuture.completedFuture(0L);
        }

        /** See {@link SourceContext#lastTickTime(String)}; 0 (nothing stored) outside a node. */
        default CompletionStage<Long> lastTickTime(String symbol) {
            return java.util.concurrent.CompletableFuture.completedFuture(0L);
        }

        /** See {@link SourceContext#handedOverAt(String)}; 0 (never) outside a node. */
        default long handedOverAt(String symbol) {
            return 0;
        }
    }

    /** Where a source records rows beside the node's tick files (quotes, member flow): {@code TickRecorder#recordRows}. */
    @FunctionalInterface
    public interface Recorder {
        /** Drops everything: recording is off (or a test without a node). */
        Recorder NONE = (source, kind, header, rows) -> false;

        boolean record(String source, String kind, String header, List<persistence.tickfile.RecordedRow> rows);
    }

    private final String name;
    private final Config config;
    private final ActorSystem<?> system;
    private final Ingest ingest;
    private final Set<String> watched;
    private final Recorder recorder;

    SourceContext(String name, Config config, ActorSystem<?> system, Ingest ingest, Set<String> watched) {
        this(name, config, system, ingest, watched, Recorder.NONE);
    }

    SourceContext(String name, Config config, ActorSystem<?> system, Ingest ingest, Set<String> watched,
                  Recorder recorder) {
        this.name = name;
        this.config = config;
        this.system = system;
        this.ingest = ingest;
        this.watched = watched;
        this.recorder = recorder;
    }

    /**
     * Records rows of this source's {@code kind} file ({@code <dir>/YYYY-MM-DD/<source>-<kind>.csv.gz},
     * beside its trades; each row's trading day by its time and market) without blocking; false when
     * they were not taken (recording off, or its queue full: counted by the recorder).
     */
    public boolean record(String kind, String header, List<persistence.tickfile.RecordedRow> rows) {
        return recorder.record(name, kind, header, rows);
    }

    /** The configured name (the key of {@code tickwatch.sources.<name>}); tickers name their source by it. */
    public String name() {
        return name;
    }

    /** Its block, {@code tickwatch.sources.<name>} (with {@code type}). */
    public Config config() {
        return config;
    }

    /** The node's actor system: streams, the HTTP client, the scheduler, logging. */
    public ActorSystem<?> system() {
        return system;
    }

    /** The symbols this source feeds on this node now (a read-only live view): what to subscribe again after a reconnect. */
    public Set<String> watched() {
        return java.util.Collections.unmodifiableSet(watched);
    }

    /** {@link #ingest(List, String)} without an idempotency key (ticks with {@code cum_volume} need none). */
    public CompletionStage<IngestResult> ingest(List<Tick> ticks) {
        return ingest(ticks, null);
    }

    /**
     * Hands ticks to the node: each symbol's entity gets them in order, and the stage completes when
     * they are stored (or fails: send them again, with the same key). This is the backpressure: a
     * source sends its next batch of a symbol when the previous one completed, never more than a
     * few batches in flight. Ticks of a symbol this source does not feed on this node (unwatched a
     * moment ago, or never watched) are dropped and not counted: no source can feed a ticker it does
     * not own, or add one.
     *
     * @param idempotencyKey names the batch (as the {@code Idempotency-Key} header does); null for none
     */
    public CompletionStage<IngestResult> ingest(List<Tick> ticks, String idempotencyKey) {
        return ingest.ingest(name, ticks, idempotencyKey);
    }

    /**
     * {@link #ingest(List, String)} of ticks the source numbers ({@code positions[i]} is
     * {@code ticks.get(i)}'s number, rising per symbol, positive: Binance's aggregate ids). Each symbol's
     * entity stores the highest with the ticks, in the same write, and drops a tick at or below it as
     * a duplicate: so a symbol that moves to another node goes on exactly after the last stored tick
     * ({@link #position(String)}), whatever the node it left still had in flight.
     */
    public CompletionStage<IngestResult> ingest(List<Tick> ticks, long[] positions, String idempotencyKey) {
        return ingest.ingest(name, ticks, positions, idempotencyKey);
    }

    /**
     * The highest number {@link #ingest(List, long[], String)} stored for {@code symbol}, 0 when none:
     * where a source that starts feeding the symbol on this node goes on from (it moved here from a
     * node that left, was stopped or died), fetching what was published meanwhile. Fails when the
     * symbol's entity does not answer in time.
     */
    public CompletionStage<Long> position(String symbol) {
        return ingest.position(symbol);
    }

    /**
     * The time of the latest tick stored for {@code symbol} (epoch millis), 0 when none: where a
     * crawler that starts feeding the symbol on this node reads on from, instead of reading its day
     * again from the open. Fails when the symbol's entity does not answer in time.
     */
    public CompletionStage<Long> lastTickTime(String symbol) {
        return ingest.lastTickTime(symbol);
    }

    /**
     * When another node handed this symbol's feed over to this one (epoch millis: it stopped taking
     * the symbol's ticks then), or 0 when this node's feed of it did not start with a hand-over (or the
     * registry that knew moved since). A source whose symbol has stored nothing yet
     * ({@link #position(String)} 0) cannot tell the trades published between that hand-over and its
     * own first one from the symbol's start: it fetches them from about this time, where the venue
     * allows (the binance source's catch-up).
     */
    public long handedOverAt(String symbol) {
        return ingest.handedOverAt(symbol);
    }
}
