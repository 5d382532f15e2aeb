package actors;

import actors.TickerEntity.Bars;
import actors.TickerEntity.TickerStatus;
import conditions.Bar;
import conditions.BarHistory;
import conditions.ConditionSet;
import conditions.Field;
import conditions.Market;
import conditions.ModelListener;
import conditions.SymbolState;
import conditions.Tick;
import conditions.TickOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import persistence.BarJson;
import persistence.Json;
import persistence.StoredHit;
import persistence.StoredTick;
import persistence.TickerEvent.TicksApplied;
import persistence.TickerSnapshot;

/**
 * What a {@link TickerEntity} knows: the symbol's model state (bars, indicators, counters), the
 * hits not yet confirmed by every sink, and the client batch ids applied lately. Changed only by
 * the entity's event handler, through the {@code apply...}/{@code record...} methods below; the
 * command handler reads it and tries commands on a {@link #workCopy}. Stored as a
 * {@link TickerSnapshot}.
 */
public final class TickerState {
    static final long NONE = Long.MIN_VALUE;

    private final String ticker;
    private final TickerSettings settings;
    /** The symbol's model state, or {@code null} before its first stored batch. */
    private SymbolState symbol;
    /** Hits recorded and not yet confirmed by every sink, oldest first, by id. */
    private final LinkedHashMap<String, StoredHit> pending = new LinkedHashMap<>();
    /** Made on the first batch with an id: tickers fed without ids never pay for it. */
    private RecentBatches batches;
    /**
     * The highest source sequence number stored (Binance's aggregate id; 0: none): a tick at or below
     * it is a duplicate, and the node that feeds the symbol next goes on after it. One number, not one
     * per source: a symbol has one sequenced source at a time (only {@code binance} numbers its ticks).
     */
    private long position;

    TickerState(String ticker, TickerSettings settings) {
        this.ticker = ticker;
        this.settings = settings;
    }

    /**
     * Back to the empty state, for the next incarnation's recovery. Pekko hands every incarnation of
     * an entity (a restart after a failed write) the same {@code emptyState()} object, and this state
     * is changed in place: without this, recovery would replay the stored events on top of what the
     * failed incarnation had built.
     */
    void reset() {
        symbol = null;
        pending.clear();
        batches = null;
        position = 0;
    }

    // ---- snapshots ----

    static TickerState fromSnapshot(String ticker, TickerSettings settings, TickerSnapshot snap) {
        TickerState s = new TickerState(ticker, settings);
        if (snap.symbol() != null) {
            s.symbol = SymbolState.restore(snap.symbol(), settings.model());
            s.symbol.countRejected(TickOutcome.FUTURE, snap.rejectedFuture());
        }
        for (StoredHit h : snap.pending()) {
            s.pending.put(h.id(), h);
        }
        if (!snap.batches().isEmpty()) {
            s.batches = RecentBatches.of(snap.batches(), settings.rememberedBatches());
        }
        s.position = snap.position();
        return s;
    }

    TickerSnapshot toSnapshot() {
        return new TickerSnapshot(symbol == null ? null : symbol.snapshot(), pending(),
                batches == null ? List.of() : batches.oldestFirst(),
                symbol == null ? 0 : symbol.rejected(TickOutcome.FUTURE), position);
    }

    // ---- reading ----

    /** The symbol's model state, or {@code null} before its first tick. */
    public SymbolState symbol() {
        return symbol;
    }

    /** Bars closed since the symbol's first bar. */
    long barsClosed() {
        return symbol == null ? 0 : symbol.history().count();
    }

    /** Hits not yet confirmed by every sink, oldest first. */
    public List<StoredHit> pending() {
        return List.copyOf(pending.values());
    }

    /** The pending hit of that id, or {@code null} when it is confirmed (or unknown). */
    StoredHit pendingHit(String hitId) {
        return pending.get(hitId);
    }

    boolean isPending(String hitId) {
        return pending.containsKey(hitId);
    }

    /** The highest source sequence number stored, 0 when none ({@link #position}). */
    long position() {
        return position;
    }

    /** Whether the client batch {@code id} (not 0) was applied lately. */
    boolean applied(long batch) {
        return batch != 0 && batches != null && batches.contains(batch);
    }

    /** The market the symbol's bars are built in, or {@code null} before its first stored batch. */
    Market market() {
        return symbol == null ? null : symbol.market();
    }

    /**
     * The market to try a batch in. Once the ticker has accepted a tick its market is fixed (its
     * bars are cut in that market's clock and session; to change it, purge the ticker). Before
     * that: the market the ticker was added with ({@code explicit}) wins; else the first usable
     * tick's (a tick that names none carries its symbol's, {@link Market#forSymbol}); else the one
     * tried last. So a first batch that was wholly rejected no longer fixes the market.
     *
     * @return the market, or {@code null} when nothing decides it (no usable tick and no state)
     */
    Market marketFor(Market explicit, List<Tick> ticks) {
        if (symbol != null && symbol.accepted() > 0) {
            return symbol.market();
        }
        if (explicit != null) {
            return explicit;
        }
        for (Tick t : ticks) {
            if (ticker.equals(t.symbol()) && t.problem() == null) {
                return t.market();
            }
        }
        return market();
    }

    /** Exchange time of the latest accepted tick, or {@link #NONE}. */
    long lastTickTime() {
        return symbol == null ? NONE : symbol.lastTickTime();
    }

    /** The end (epoch millis) of the forming bar, or {@link #NONE} when no bar is forming. */
    long formingEnd() {
        return symbol == null ? NONE : symbol.formingEnd();
    }

    /** Start of the forming bar; only when {@link #formingEnd()} is not {@link #NONE}. */
    long formingStart() {
        return symbol.formingBar().start();
    }

    /**
     * A copy of the symbol to try a command on ({@code market} is used only when there is no
     * symbol yet). Restoring from a snapshot is exact (that is its contract); it costs one pass over
     * the kept bars, a few microseconds for 120 bars, which is small next to the journal write each
     * command waits for.
     */
    SymbolState workCopy(Market market) {
        return symbol == null || symbol.market() != market ? new SymbolState(ticker, market, settings.model())
                : SymbolState.restore(symbol.snapshot(), settings.model());
    }

    // ---- changing (the event handler only) ----

    /**
     * Offers a stored batch's accepted ticks to the symbol, without conditions (hits come only from
     * their own events), adds its reject counts and remembers its batch id.
     */
    void applyTicks(TicksApplied e, Logger log) {
        Market m = Market.valueOf(e.market());
        if (symbol == null) {
            symbol = new SymbolState(ticker, m, settings.model());
        } else if (symbol.market() != m) {
            // Only before the first accepted tick (see marketFor): nothing but counters to carry over.
            SymbolState moved = new SymbolState(ticker, m, settings.model());
            for (TickOutcome o : TickOutcome.values()) {
                if (o != TickOutcome.ACCEPTED) {
                    moved.countRejected(o, symbol.rejected(o));
                }
            }
            symbol = moved;
        }
        for (StoredTick t : e.ticks()) {
            TickOutcome o = symbol.offer(t.toTick(ticker, m), ConditionSet.EMPTY, ModelListener.NONE);
            if (o != TickOutcome.ACCEPTED) {
                // Cannot happen: the same ticks were accepted on an exact copy of this state.
                log.error("{}: stored tick at {} replayed as {}; bars may differ from the original run",
                        ticker, t.time(), o);
            }
        }
        symbol.countRejected(TickOutcome.OUTSIDE_SESSION, e.outsideSession());
        symbol.countRejected(TickOutcome.DUPLICATE, e.duplicate());
        symbol.countRejected(TickOutcome.LATE, e.late());
        symbol.countRejected(TickOutcome.FUTURE, e.future());
        position = Math.max(position, e.position());
        if (e.batch() != 0) {
            if (batches == null) {
                batches = new RecentBatches(settings.rememberedBatches());
            }
            batches.add(e.batch());
        }
    }

    /** Closes the forming bar if it is still the one that starts at {@code barStart}. */
    void closeByClock(long barStart) {
        Bar forming = symbol == null ? null : symbol.formingBar();
        if (forming != null && forming.start() == barStart) {
            symbol.closeForming(ConditionSet.EMPTY, ModelListener.NONE);
        }
    }

    /** A hit was found: its condition's gate closes for that bar, and it waits for the sinks. */
    void recordHit(StoredHit hit) {
        if (symbol != null) {
            symbol.recordHit(hit.condition(), hit.barStart());
        }
        pending.put(hit.id(), hit);
    }

    /** Every sink has the hit. */
    void delivered(String hitId) {
        pending.remove(hitId);
    }

    // ---- what the API shows ----

    TickerStatus status() {
        SymbolState st = symbol;
        if (st == null) {
            return new TickerStatus(ticker, null, 0, rejectedMap(null), null, null, null, 0, pending());
        }
        Market m = st.market();
        String lastTick = st.lastTickTime() == NONE ? null : BarJson.time(st.lastTickTime(), m);
        return new TickerStatus(ticker, m.name(), st.accepted(), rejectedMap(st), lastTick, formingJson(),
                lastBarJson(), barsClosed(), pending());
    }

    /** The forming bar (start, open, high, low, close, volume), or null when none is forming. */
    Map<String, Object> formingJson() {
        Bar f = symbol == null ? null : symbol.formingBar();
        if (f == null) {
            return null;
        }
        Market m = symbol.market();
        Map<String, Object> forming = new LinkedHashMap<>();
        forming.put("start", BarJson.time(f.start(), m));
        forming.put("open", Json.numberValue(f.open()));
        forming.put("high", Json.numberValue(f.high()));
        forming.put("low", Json.numberValue(f.low()));
        forming.put("close", Json.numberValue(f.close()));
        forming.put("volume", Json.volumeValue(f.volume()));
        return forming;
    }

    /** The last closed bar with its indicators ({@link BarJson}), or null before the first. */
    Map<String, Object> lastBarJson() {
        if (symbol == null || symbol.history().count() == 0) {
            return null;
        }
        BarHistory h = symbol.history();
        return BarJson.map(ticker, symbol.market(), symbol.lastClosedStart(), symbol.lastValues(),
                h.bar(h.count() - 1).volume());
    }

    String symbolName() {
        return ticker;
    }

    /** How many ticks were accepted. */
    long accepted() {
        return symbol == null ? 0 : symbol.accepted();
    }

    /** What {@code c} would have hit over the kept bars ({@link SymbolState#preview}). */
    List<StoredHit> preview(conditions.Condition c) {
        return symbol == null ? List.of() : symbol.preview(c).stream().map(StoredHit::of).toList();
    }

    private static Map<String, Long> rejectedMap(SymbolState st) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (TickOutcome o : TickOutcome.values()) {
            if (o != TickOutcome.ACCEPTED && o != TickOutcome.MALFORMED) {
                m.put(o.key(), st == null ? 0L : st.rejected(o));
            }
        }
        return m;
    }

    /** The last {@code limit} closed bars (all that are kept when {@code limit <= 0}), oldest first. */
    Bars bars(int limit) {
        if (symbol == null) {
            return new Bars(List.of());
        }
        BarHistory h = symbol.history();
        long from = h.firstShown();
        if (limit > 0) {
            from = Math.max(from, h.count() - limit);
        }
        List<Map<String, Object>> out = new ArrayList<>((int) (h.count() - from));
        double[] values = new double[Field.COUNT];
        for (long seq = from; seq < h.count(); seq++) {
            h.compute(seq, values);
            out.add(BarJson.map(ticker, symbol.market(), h.start(seq), values, h.bar(seq).volume()));
        }
        return new Bars(out);
    }
}
