package persistence;

import conditions.SymbolSnapshot;
import java.util.List;

/**
 * A ticker entity's snapshot: the symbol's whole model state and the hits not yet delivered (so
 * they survive when events older than the snapshot are deleted).
 *
 * @param symbol  the model state, or {@code null} before the first tick
 * @param pending undelivered hits, oldest first
 * @param batches ids of the latest client batches applied, oldest first (empty in snapshots written
 *                before batch ids existed)
 * @param rejectedFuture ticks rejected as {@code future} so far (kept here, not in the model's
 *                {@link SymbolSnapshot}: only live ingest rejects them); 0 in older snapshots
 * @param position the highest source sequence number stored ({@code TickerEvent.TicksApplied#position});
 *                 0 when none (and in older snapshots)
 */
public record TickerSnapshot(SymbolSnapshot symbol, List<StoredHit> pending, List<Long> batches, long rejectedFuture,
                             long position) implements CborSerializable {
    public TickerSnapshot {
        pending = pending == null ? List.of() : List.copyOf(pending);
        batches = batches == null ? List.of() : List.copyOf(batches);
    }

    public TickerSnapshot(SymbolSnapshot symbol, List<StoredHit> pending, List<Long> batches) {
        this(symbol, pending, batches, 0, 0);
    }

    public TickerSnapshot(SymbolSnapshot symbol, List<StoredHit> pending, List<Long> batches, long rejectedFuture) {
        this(symbol, pending, batches, rejectedFuture, 0);
    }
}
