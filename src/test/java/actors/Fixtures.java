package actors;

import actors.sinks.HitSink;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import conditions.ConditionSet;
import conditions.Hit;
import conditions.MarketModel;
import conditions.ModelConfig;
import conditions.ModelListener;
import conditions.SymbolState;
import conditions.Tick;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import persistence.BarJson;
import persistence.TestDb;

/** Ticks, reference runs and test sinks shared by the actor tests. */
final class Fixtures {
    private Fixtures() {
    }

    /** Test config: no cluster (entities are spawned directly), quiet logs, the given database. */
    static Config config(TestDb.Db db) {
        Config base = ConfigFactory.parseString("""
                pekko.actor.provider = local
                pekko.loglevel = INFO
                pekko.jvm-exit-on-fatal-error = off
                """).withFallback(ConfigFactory.load());
        return db.applyTo(base);
    }

    static TickerSettings settings(Duration grace, int snapshotEvery) {
        return new TickerSettings(ModelConfig.DEFAULT, grace, snapshotEvery, Duration.ofSeconds(1),
                Duration.ofMillis(200), 64);
    }

    static long krx(String local) {
        return LocalDateTime.parse(local).toInstant(ZoneOffset.ofHours(9)).toEpochMilli();
    }

    static long utc(String local) {
        return LocalDateTime.parse(local).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    /**
     * About {@code n} KRX ticks of one symbol on one day, in time order, with a few of every kind
     * of reject: outside the session, duplicate cumulative volume, and late (stamped before the
     * current bar).
     */
    static List<Tick> krxDay(String symbol, String day, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long open = krx(day + "T09:00");
        long session = 6 * 3_600_000L + 30 * 60_000L;
        List<Tick> out = new ArrayList<>(n + 10);
        out.add(new Tick(symbol, open - 600_000, 70_000, 5, 5, null)); // pre-market: outside session
        double price = 70_000;
        long cum = 0;
        long t = open;
        for (int i = 0; i < n; i++) {
            t += 1 + r.nextLong(2 * session / n);
            if (t >= open + session) {
                break;
            }
            price = Math.max(100, price + (r.nextInt(7) - 3) * 50);
            long v = 1 + r.nextInt(300);
            int kind = r.nextInt(100);
            if (kind == 0 && cum > 0) {
                out.add(new Tick(symbol, t, price, v, cum, null)); // duplicate cumulative volume
                continue;
            }
            if (kind == 1 && t - open > 20 * 60_000L) {
                out.add(new Tick(symbol, t - 15 * 60_000L, price, v, Tick.NO_CUM, null)); // late
                continue;
            }
            cum += v;
            out.add(new Tick(symbol, t, price, v, cum, null));
        }
        out.add(new Tick(symbol, krx(day + "T15:45"), price, 5, cum + 5, null)); // after the close
        return out;
    }

    /** {@code n} CRYPTO ticks, one every {@code stepMs}, from {@code start}. */
    static List<Tick> crypto(String symbol, long start, int n, long stepMs, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Tick> out = new ArrayList<>(n);
        double price = 30_000;
        for (int i = 0; i < n; i++) {
            price = Math.max(1, price + (r.nextInt(11) - 5) * 0.5);
            out.add(new Tick(symbol, start + i * stepMs, price, 1 + r.nextInt(50)));
        }
        return out;
    }

    /** What {@code backtest} makes of the same ticks: every closed bar in the BarJson shape, and the hits. */
    static final class Reference implements ModelListener {
        final List<Map<String, Object>> bars = new ArrayList<>();
        final List<Hit> hits = new ArrayList<>();
        final MarketModel model;

        Reference(ConditionSet conditions) {
            model = new MarketModel(ModelConfig.DEFAULT, conditions, this);
        }

        static Reference of(List<Tick> ticks, ConditionSet conditions) {
            Reference ref = new Reference(conditions);
            ticks.forEach(ref.model::onTick);
            return ref;
        }

        @Override
        public void onBarClosed(SymbolState s, long barStart, double[] values) {
            bars.add(BarJson.map(s.symbol(), s.market(), barStart, values, s.history().bar(s.history().count() - 1).volume()));
        }

        @Override
        public void onHit(Hit hit) {
            hits.add(hit);
        }

        /** The last {@code n} bars (the entity keeps {@code history} of them). */
        List<Map<String, Object>> lastBars(int n) {
            return bars.subList(Math.max(0, bars.size() - n), bars.size());
        }
    }

    /** A sink that hands every hit to a queue; can be switched to fail. */
    static class ProbeSink implements HitSink {
        final String name;
        final BlockingQueue<Hit> delivered = new LinkedBlockingQueue<>();
        final AtomicBoolean failing = new AtomicBoolean();
        final AtomicInteger attempts = new AtomicInteger();

        ProbeSink(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void deliver(Hit hit) {
            attempts.incrementAndGet();
            if (failing.get()) {
                throw new IllegalStateException(name + " is down (test)");
            }
            delivered.add(hit);
        }
    }
}
