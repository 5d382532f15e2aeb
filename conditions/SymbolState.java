package conditions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Everything tickwatch knows about one symbol: the forming bar, the closed bars with their
 * indicators, the cumulative-volume watermark, counters, and when each condition last hit.
 *
 * <p>Not thread-safe: one owner feeds it (the backtest loop, or the symbol's actor). Work per tick
 * is a few comparisons and additions; indicators are computed once per closed bar.
 */
public final class SymbolState {
    static final long NONE = Long.MIN_VALUE;

    private final String symbol;
    private final Market market;
    private final long offset;
    /** When the market's trading day starts (0: midnight): the day's cumulative volume starts again then. */
    private final long tradingDayStart;
    private final long intervalMillis;
    private final boolean sessionOnly;
    private final BarHistory history;

    // The forming bar; formingStart == NONE when there is none.
    private long formingStart = NONE;
    /** Ticks in [formingStart, fastEnd) belong to the forming bar and to the session; see offer. */
    private long fastEnd = NONE;
    private double fOpen;
    private double fHigh;
    private double fLow;
    private double fClose;
    // The forming bar's volume: whole part and fraction in 10^-8 (see Volume).
    private long fVolume;
    private int fVolumeFraction;
    private long lastClosedStart = NONE;

    // Cumulative volume watermark of the current trading day (local epoch day).
    private long cumDay = NONE;
    private long lastCum = Tick.NO_CUM;
    private int lastCumFraction;

    private long accepted;
    private final long[] rejected = new long[TickOutcome.values().length];
    private long lastTickTime = NONE;

    private final HitGates gates = new HitGates();

    // Values of the last closed bar and the one before it (for crosses); NaN-filled until known.
    private double[] current = nanArray();
    private double[] previous = nanArray();
    private double[] scratch;

    // The daily context keys (null until one is given); see daily(..).
    private DailyContext daily;
    private DailyContext.Provider dailyProvider;

    // Conditions applying to this symbol, cached per condition set.
    private ConditionSet cachedSet;
    private Condition[] closeConditions;
    private Condition[] updateConditions;

    public SymbolState(String symbol, Market market, ModelConfig config) {
        this.symbol = symbol;
        this.market = market;
        this.offset = market.offsetMillis();
        this.tradingDayStart = market.dayStartMillis();
        this.intervalMillis = config.interval().millis();
        this.sessionOnly = config.sessionOnly() && market.hasSession();
        this.history = new BarHistory(config.history());
    }

    private static double[] nanArray() {
        double[] a = new double[Field.COUNT];
        Arrays.fill(a, Double.NaN);
        return a;
    }

    /**
     * Applies one tick: rejects it with a reason, or folds it into the forming bar, first closing
     * that bar when the tick belongs to a later one. Closed bars and hits go to the listener.
     */
    public TickOutcome offer(Tick tick, ConditionSet conditions, ModelListener listener) {
        long time = tick.time();
        long local = time + offset;
        long bar;
        if (time >= formingStart && time < fastEnd) {
            // Most ticks land in the forming bar, which lies inside the session: skip the arithmetic.
            bar = formingStart;
        } else {
            if (sessionOnly && !market.inSession(local)) {
                return reject(TickOutcome.OUTSIDE_SESSION);
            }
            bar = barStart(local);
            if (formingStart != NONE ? bar < formingStart : bar <= lastClosedStart) {
                return reject(TickOutcome.LATE);
            }
        }
        long counted = tick.volume();
        int countedFraction = tick.volumeFraction();
        long cum = tick.cumVolume();
        int cumFraction = tick.cumVolumeFraction();
        long day = NONE;
        if (cum >= 0) {
            day = Math.floorDiv(local - tradingDayStart, Market.DAY);
            if (day == cumDay) {
                if (cum < lastCum || cum == lastCum && cumFraction <= lastCumFraction) {
                    return reject(TickOutcome.DUPLICATE);
                }
                // cum - lastCum, exactly: borrow a unit when the fraction goes below zero
                counted = cum - lastCum;
                countedFraction = cumFraction - lastCumFraction;
                if (countedFraction < 0) {
                    countedFraction += Volume.SCALE;
                    counted--;
                }
            }
        }
        long sum = counted;
        int sumFraction = countedFraction;
        if (bar == formingStart) {
            sum += fVolume;
            sumFraction += fVolumeFraction;
            if (sumFraction >= Volume.SCALE) {
                sumFraction -= Volume.SCALE;
                sum++;
            }
            // Each volume is at most 10^15, so only thousands of absurd ticks in one bar get here:
            // refuse the tick that would wrap the bar's volume, before it changes anything.
            if (sum < 0) {
                return reject(TickOutcome.MALFORMED);
            }
        }
        if (cum >= 0) {
            cumDay = day;
            lastCum = cum;
            lastCumFraction = cumFraction;
        }
        accepted++;
        if (time > lastTickTime) {
            lastTickTime = time;
        }
        double price = tick.price();
        if (bar != formingStart) {
            if (formingStart != NONE) {
                closeForming(conditions, listener);
            }
            startForming(bar);
            fOpen = fHigh = fLow = fClose = price;
        } else {
            if (price > fHigh) {
                fHigh = price;
            }
            if (price < fLow) {
                fLow = price;
            }
            fClose = price;
        }
        fVolume = sum;
        fVolumeFraction = sumFraction;
        if (conditions.hasUpdateConditions()) {
            checkForming(conditions, listener);
        }
        return TickOutcome.ACCEPTED;
    }

    private void startForming(long bar) {
        formingStart = bar;
        long end = bar + intervalMillis;
        long close = market.closeMillisOfDay();
        if (sessionOnly && close >= 0) {
            long local = bar + offset;
            long closeAt = local - Math.floorMod(local, Market.DAY) + close - offset;
            if (bar < closeAt && closeAt < end) {
                end = closeAt; // a 60m bar from 15:00 must not take after-hours ticks
            }
        }
        fastEnd = end;
    }

    private TickOutcome reject(TickOutcome why) {
        rejected[why.ordinal()]++;
        return why;
    }

    /** Start (epoch millis) of the bar that holds a tick at local time {@code local}. */
    private long barStart(long local) {
        long msOfDay = Math.floorMod(local, Market.DAY);
        long close = market.closeMillisOfDay();
        if (close >= 0 && msOfDay >= close && msOfDay < close + Market.MINUTE) {
            msOfDay = close - 1; // the closing-auction print joins the session's last bar
        }
        long dayStart = local - Math.floorMod(local, Market.DAY);
        return dayStart + msOfDay - msOfDay % intervalMillis - offset;
    }

    /**
     * When the forming bar ends (epoch millis), or {@link Long#MIN_VALUE} with no forming bar: its
     * start plus the interval, except that the session's last bar runs to the end of the closing
     * auction minute.
     */
    public long formingEnd() {
        if (formingStart == NONE) {
            return NONE;
        }
        long end = formingStart + intervalMillis;
        long close = market.closeMillisOfDay();
        // Not only with sessionOnly: barStart() puts the 15:30 auction print into the session's
        // last bar either way, so that bar must not end before the auction minute does (before,
        // with sessionOnly off the 15:25 bar ended at 15:30 and a clock close made the print LATE).
        if (close >= 0) {
            long local = formingStart + offset;
            long closeAt = local - Math.floorMod(local, Market.DAY) + close - offset;
            if (formingStart < closeAt && closeAt <= end) {
                // the session's last bar waits for the closing auction; without the session filter
                // a 60m 15:00 bar also holds after-hours ticks and keeps its full hour
                end = sessionOnly ? closeAt + Market.MINUTE : Math.max(end, closeAt + Market.MINUTE);
            }
        }
        return end;
    }

    /** Closes the forming bar, if any (end of input, or the clock passed its end). */
    public boolean closeForming(ConditionSet conditions, ModelListener listener) {
        if (formingStart == NONE) {
            return false;
        }
        long bar = formingStart;
        history.append(bar, fOpen, fHigh, fLow, fClose, fVolume, fVolumeFraction);
        lastClosedStart = bar;
        formingStart = NONE;
        fastEnd = NONE;
        double[] t = previous;
        previous = current;
        current = t;
        history.compute(history.count() - 1, current);
        listener.onBarClosed(this, bar, current);
        Condition[] close = conditionsFor(conditions, false);
        if (close.length > 0) {
            double[] day = dailyValues(bar);
            for (Condition c : close) {
                evaluate(c, bar, current, previous, day, listener);
            }
        }
        return true;
    }

    private void checkForming(ConditionSet conditions, ModelListener listener) {
        Condition[] update = conditionsFor(conditions, true);
        if (update.length == 0) {
            return;
        }
        if (scratch == null) {
            scratch = new double[Field.COUNT];
        }
        // Read the forming bar's indicators as if it closed now, then take it back.
        history.append(formingStart, fOpen, fHigh, fLow, fClose, fVolume, fVolumeFraction);
        history.compute(history.count() - 1, scratch);
        history.retract();
        double[] day = dailyValues(formingStart);
        for (Condition c : update) {
            evaluate(c, formingStart, scratch, current, day, listener);
        }
    }

    private void evaluate(Condition c, long bar, double[] now, double[] before, double[] day, ModelListener listener) {
        evaluate(c, bar, now, before, day, gates, listener);
    }

    private void evaluate(Condition c, long bar, double[] now, double[] before, double[] day, HitGates gates,
                          ModelListener listener) {
        if (!gates.allows(c.name(), bar, c.cooldownMillis())) {
            return;
        }
        if (c.test(now, before, day)) {
            gates.record(c.name(), bar);
            listener.onHit(new Hit(c.name(), symbol, bar, market, c.read(now, day), c.sinks(),
                    now[Field.CLOSE.ordinal()], bar + intervalMillis, c.order()));
        }
    }

    /**
     * What {@code c} would have hit over the kept closed bars, oldest first: each bar evaluated as
     * at its close (with the bar before it as "before"), under the condition's cooldown, by the
     * same code live evaluation uses. Nothing of this state changes. A {@code check: update}
     * condition is evaluated at the closes only (the forming states in between are not kept).
     */
    public List<Hit> preview(Condition c) {
        List<Hit> hits = new ArrayList<>();
        if (!c.appliesTo(symbol)) {
            return hits;
        }
        HitGates fresh = new HitGates();
        ModelListener collect = new ModelListener() {
            @Override
            public void onHit(Hit hit) {
                hits.add(hit);
            }
        };
        double[] now = new double[Field.COUNT];
        double[] before = new double[Field.COUNT];
        Arrays.fill(before, Double.NaN);
        for (long seq = history.firstShown(); seq < history.count(); seq++) {
            history.compute(seq, now);
            evaluate(c, history.start(seq), now, before, dailyValues(history.start(seq)), fresh, collect);
            double[] t = before;
            before = now;
            now = t;
        }
        return hits;
    }

    /**
     * The daily keys of the trading day of the bar starting at {@code bar}: the context given for
     * that day, else the provider's (asked once per day, at the day's first evaluation, so never per
     * tick), else every key absent.
     */
    private double[] dailyValues(long bar) {
        long localDay = Math.floorDiv(bar + offset, Market.DAY);
        if ((daily == null || daily.day().toEpochDay() != localDay) && dailyProvider != null) {
            DailyContext c = dailyProvider.contextFor(this, java.time.LocalDate.ofEpochDay(localDay));
            if (c != null) {
                daily = c;
            }
        }
        return daily == null ? DailyContext.ABSENT : daily.valuesFor(localDay);
    }

    /**
     * Gives the daily context keys (the live node computes them off the entity's thread and hands
     * them over); they apply to the bars of {@code context.day()} only.
     */
    public void daily(DailyContext context) {
        this.daily = context;
    }

    /** The daily context held, or {@code null}. */
    public DailyContext daily() {
        return daily;
    }

    /** Where the daily context of a day is computed on demand (the backtest); null: only {@link #daily(DailyContext)}. */
    public void dailyProvider(DailyContext.Provider provider) {
        this.dailyProvider = provider;
    }

    private Condition[] conditionsFor(ConditionSet set, boolean onUpdate) {
        if (set != cachedSet) {
            cachedSet = set;
            // EMPTY is what recovery replays stored ticks with: the gates must survive it, or a
            // condition could hit again inside its cooldown after a restart.
            if (set != ConditionSet.EMPTY) {
                gates.retainOnly(set);
            }
            closeConditions = set.forSymbol(symbol, false);
            updateConditions = set.forSymbol(symbol, true);
        }
        return onUpdate ? updateConditions : closeConditions;
    }

    /** Marks a condition as having hit at a bar (replaying a recorded hit). */
    public void recordHit(String condition, long barStart) {
        gates.record(condition, barStart);
    }

    /** The whole state as plain values (see {@link SymbolSnapshot}). */
    public SymbolSnapshot snapshot() {
        BarHistory.Exported e = new BarHistory.Exported();
        history.exportTo(e);
        return new SymbolSnapshot(symbol, market, (int) (intervalMillis / Market.MINUTE), history.keep(),
                history.count(), e.start, e.open, e.high, e.low, e.close, e.volume,
                e.ema12, e.ema26, e.signal, e.gain, e.loss,
                formingStart, fOpen, fHigh, fLow, fClose, fVolume, lastClosedStart,
                cumDay, lastCum,
                accepted, rejected[TickOutcome.OUTSIDE_SESSION.ordinal()], rejected[TickOutcome.DUPLICATE.ordinal()],
                rejected[TickOutcome.LATE.ordinal()], lastTickTime,
                gates.names(), gates.bars(),
                e.volumeFraction, fVolumeFraction, lastCumFraction, rejected[TickOutcome.MALFORMED.ordinal()]);
    }

    /** A symbol in exactly the state {@code snap} was taken in; {@code config} must match its interval. */
    public static SymbolState restore(SymbolSnapshot snap, ModelConfig config) {
        if (snap.intervalMinutes() != config.interval().minutes()) {
            throw new IllegalArgumentException("snapshot of " + snap.symbol() + " has " + snap.intervalMinutes()
                    + "m bars; configured " + config.interval());
        }
        SymbolState s = new SymbolState(snap.symbol(), snap.market(), config);
        s.history.restore(snap.barCount(), snap.barStart(), snap.open(), snap.high(), snap.low(), snap.close(),
                snap.volume(), snap.volumeFraction(), snap.ema12(), snap.ema26(), snap.signal(), snap.gain(), snap.loss());
        if (snap.formingStart() != NONE) {
            s.startForming(snap.formingStart());
        }
        s.fOpen = snap.formingOpen();
        s.fHigh = snap.formingHigh();
        s.fLow = snap.formingLow();
        s.fClose = snap.formingClose();
        s.fVolume = snap.formingVolume();
        s.fVolumeFraction = snap.formingVolumeFraction();
        s.lastClosedStart = snap.lastClosedStart();
        s.cumDay = snap.cumDay();
        s.lastCum = snap.lastCum();
        s.lastCumFraction = snap.lastCumFraction();
        s.accepted = snap.accepted();
        s.rejected[TickOutcome.OUTSIDE_SESSION.ordinal()] = snap.rejectedOutsideSession();
        s.rejected[TickOutcome.DUPLICATE.ordinal()] = snap.rejectedDuplicate();
        s.rejected[TickOutcome.LATE.ordinal()] = snap.rejectedLate();
        s.rejected[TickOutcome.MALFORMED.ordinal()] = snap.rejectedMalformed();
        s.lastTickTime = snap.lastTickTime();
        for (int i = 0; i < snap.hitConditions().length; i++) {
            s.gates.record(snap.hitConditions()[i], snap.hitBars()[i]);
        }
        long n = s.history.count();
        if (n >= 1) {
            s.history.compute(n - 1, s.current);
        }
        if (n >= 2) {
            s.history.compute(n - 2, s.previous);
        }
        return s;
    }

    /** Start (epoch millis) of the last closed bar, or {@link Long#MIN_VALUE}. */
    public long lastClosedStart() {
        return lastClosedStart;
    }

    /** Counts a tick rejected before it reached this state (for counters kept in one place). */
    public void countRejected(TickOutcome why, long n) {
        rejected[why.ordinal()] += n;
    }

    public String symbol() {
        return symbol;
    }

    public Market market() {
        return market;
    }

    public BarHistory history() {
        return history;
    }

    public long accepted() {
        return accepted;
    }

    public long rejected(TickOutcome why) {
        return rejected[why.ordinal()];
    }

    /** Exchange time of the latest accepted tick, or {@link Long#MIN_VALUE}. */
    public long lastTickTime() {
        return lastTickTime;
    }

    /** The forming bar, or {@code null}. */
    public Bar formingBar() {
        return formingStart == NONE ? null : new Bar(formingStart, fOpen, fHigh, fLow, fClose, new Volume(fVolume, fVolumeFraction));
    }

    /** Values of the last closed bar by {@link Field#ordinal()} (all NaN before the first). */
    public double[] lastValues() {
        return current.clone();
    }
}
