package conditions;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Shared helpers for the conditions tests: clocks, a recording listener and a bar feeder. */
final class TestSupport {
    private TestSupport() {
    }

    static final long MIN = 60_000L;
    static final long SEC = 1_000L;

    /** Epoch millis of a Seoul wall-clock time, e.g. {@code krx("2024-03-04T09:00")}. */
    static long krx(String localDateTime) {
        return LocalDateTime.parse(localDateTime).toInstant(ZoneOffset.ofHours(9)).toEpochMilli();
    }

    /** Epoch millis of a UTC wall-clock time. */
    static long utc(String localDateTime) {
        return LocalDateTime.parse(localDateTime).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    static Tick tick(String symbol, long time, double price, long volume) {
        return new Tick(symbol, time, price, volume);
    }

    static Tick cumTick(String symbol, long time, double price, long volume, long cum) {
        return new Tick(symbol, time, price, volume, cum, null);
    }

    static ModelConfig config(int minutes, boolean sessionOnly, int history) {
        return new ModelConfig(new BarInterval(minutes), sessionOnly, history);
    }

    /** One closed bar as the listener saw it, values copied. */
    record Closed(long start, double[] values) {
        double get(Field f) {
            return values[f.ordinal()];
        }

        Bar bar() {
            return new Bar(start, get(Field.OPEN), get(Field.HIGH), get(Field.LOW), get(Field.CLOSE),
                    Volume.parse(java.math.BigDecimal.valueOf(get(Field.VOLUME)).toPlainString()));
        }
    }

    /** Records every closed bar (with a copy of its values) and every hit, in order. */
    static final class Recorder implements ModelListener {
        final List<Closed> bars = new ArrayList<>();
        final List<Hit> hits = new ArrayList<>();

        @Override
        public void onBarClosed(SymbolState symbol, long barStart, double[] values) {
            bars.add(new Closed(barStart, values.clone()));
        }

        @Override
        public void onHit(Hit hit) {
            hits.add(hit);
        }

        Closed last() {
            return bars.get(bars.size() - 1);
        }

        /** Value of a field at the k-th closed bar, 1-based (the spec counts bars that way). */
        double at(int k, Field f) {
            return bars.get(k - 1).get(f);
        }

        List<Long> barStarts() {
            return bars.stream().map(Closed::start).toList();
        }
    }

    /**
     * Drives a real {@link SymbolState}: every {@link #bar} sends the ticks of the next bar (the
     * first of them closes the bar before), {@link #finish()} closes the last one.
     */
    static final class Feeder {
        final SymbolState state;
        final Recorder rec = new Recorder();
        ConditionSet set;
        final long t0;
        final long interval;
        int n;
        /** For each recorded hit, which tick of its bar (1-based) produced it. */
        final List<Integer> hitTick = new ArrayList<>();
        private int tickInBar;

        Feeder(String symbol, ModelConfig config, ConditionSet set, long t0) {
            this.state = new SymbolState(symbol, Market.forSymbol(symbol), config);
            this.set = set;
            this.t0 = t0;
            this.interval = config.interval().millis();
        }

        /** A CRYPTO symbol with 5-minute bars, keeping 120, from 2024-01-01 00:00 UTC. */
        static Feeder crypto(ConditionSet set) {
            return new Feeder("BTCUSDT", ModelConfig.DEFAULT, set, utc("2024-01-01T00:00"));
        }

        static Feeder crypto() {
            return crypto(ConditionSet.EMPTY);
        }

        long barStart(int index) {
            return t0 + index * interval;
        }

        /** Ticks open, high, low, close (in that order) into the next bar; the first carries the volume. */
        Feeder bar(double o, double h, double l, double c, long v) {
            long s = barStart(n++);
            tickInBar = 0;
            offerOk(s, o, v);
            offerOk(s + SEC, h, 0);
            offerOk(s + 2 * SEC, l, 0);
            offerOk(s + 3 * SEC, c, 0);
            return this;
        }

        /** A bar of one tick: open = high = low = close. */
        Feeder close(double c, long v) {
            tickInBar = 0;
            offerOk(barStart(n++), c, v);
            return this;
        }

        Feeder closes(double... cs) {
            for (double c : cs) {
                close(c, 100);
            }
            return this;
        }

        private void offerOk(long t, double price, long v) {
            tickInBar++;
            int hitsBefore = rec.hits.size();
            TickOutcome o = state.offer(new Tick(state.symbol(), t, price, v), set, rec);
            while (hitTick.size() < rec.hits.size()) {
                hitTick.add(hitTick.size() < hitsBefore ? 0 : tickInBar);
            }
            if (o != TickOutcome.ACCEPTED) {
                throw new AssertionError("feeder tick at " + t + " was " + o);
            }
        }

        Feeder finish() {
            state.closeForming(set, rec);
            return this;
        }

        /** 1-based index of the bar that starts at {@code start}. */
        int indexOf(long start) {
            return (int) ((start - t0) / interval) + 1;
        }

        List<Integer> hitBars(String condition) {
            return rec.hits.stream().filter(h -> h.condition().equals(condition))
                    .map(h -> indexOf(h.barStart())).toList();
        }
    }
}
