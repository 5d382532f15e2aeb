package persistence;

import java.util.List;

/** What one ticker entity stores in the journal. Each record is small and explicit. */
public sealed interface TickerEvent extends CborSerializable {

    /**
     * The accepted ticks of one command, in order, and how many it rejected by reason. Replaying it
     * offers the ticks to the symbol without conditions and adds the counts, which rebuilds exactly
     * the same bars whatever the conditions are now.
     *
     * @param market the symbol's market (decides the symbol's session when it has no state yet)
     * @param batch  the id of the client's batch these ticks came in (from its {@code Idempotency-Key}),
     *               so a batch sent again is recognised; 0 when the client gave none (and in events
     *               written before batch ids existed)
     * @param future ticks rejected as stamped too far ahead of the wall clock (0 in events written
     *               before that reason existed)
     * @param position the highest source sequence number among the batch's ticks (Binance's aggregate
     *                 id), stored in the same write as the ticks: where the node that feeds the symbol
     *                 next goes on from; 0 for ticks without one (and in events written before it existed)
     */
    record TicksApplied(String market, List<StoredTick> ticks, long outsideSession, long duplicate, long late,
                        long batch, long future, long position) implements TickerEvent {
        public TicksApplied {
            ticks = List.copyOf(ticks);
        }

        public TicksApplied(String market, List<StoredTick> ticks, long outsideSession, long duplicate, long late,
                            long batch, long future) {
            this(market, ticks, outsideSession, duplicate, late, batch, future, 0);
        }

        public TicksApplied(String market, List<StoredTick> ticks, long outsideSession, long duplicate, long late,
                            long batch) {
            this(market, ticks, outsideSession, duplicate, late, batch, 0);
        }
    }

    /** The feed clock passed the end of the forming bar that starts at {@code barStart}: it closed. */
    record BarClosedByClock(long barStart) implements TickerEvent {
    }

    /** A condition hit; stays pending until {@link HitDelivered}. */
    record HitRecorded(StoredHit hit) implements TickerEvent {
    }

    /** Every sink the hit names has durably handled it. */
    record HitDelivered(String hitId) implements TickerEvent {
    }
}
