package engine;

import conditions.ConditionParser;
import conditions.ConditionSet;
import conditions.Hit;
import conditions.MarketModel;
import conditions.ModelConfig;
import conditions.ModelListener;
import conditions.SymbolState;
import conditions.Tick;
import conditions.TickOutcome;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * {@code bench model}: the market model alone, on one thread, with the ticks already in memory:
 * S KRX symbols trading every 10 s each through the session over several days, 5-minute bars, every
 * indicator, five conditions checked at each bar close.
 */
final class ModelBench {
    static final String CONDITIONS = """
            {
              "dip":          {"when": {"all": [["PSMAR20", "<", -0.01], ["RSI14", "<", 40]]}},
              "macd-cross":   {"when": ["MACD", "crosses_above", "MACD_SIGNAL"]},
              "band-break":   {"when": ["CLOSE", ">", "BBU"], "cooldown": "30m"},
              "volume-spike": {"when": ["VSMAR20", ">", 1.0]},
              "stoch-low":    {"STOCH_K": ["BETWEEN", 0, 20], "CLOSE": ["BIGGER", "PSMA60"]}
            }
            """;

    private ModelBench() {
    }

    static int run(Args a) {
        int ticks = (int) a.number("ticks", 5_000_000);
        int symbols = (int) a.number("symbols", 500);
        int rounds = (int) a.number("rounds", 5);
        Tick[] data = ticks(ticks, symbols, 7);
        ConditionSet conditions = ConditionParser.parseSet(CONDITIONS);
        System.out.printf("bench model: %,d ticks in memory, %d symbols, 5m bars, all indicators, %d conditions%n",
                ticks, symbols, conditions.size());
        double[] rates = new double[rounds];
        for (int r = -1; r < rounds; r++) {
            Counter counter = new Counter();
            MarketModel model = new MarketModel(ModelConfig.DEFAULT, conditions, counter);
            long t0 = System.nanoTime();
            for (Tick t : data) {
                model.onTick(t);
            }
            model.closeAll();
            double s = (System.nanoTime() - t0) / 1e9;
            if (r < 0) {
                System.out.printf("  warm-up: %.3f s, %,d accepted, %,d bars, %,d hits%n", s,
                        model.count(TickOutcome.ACCEPTED), counter.bars, counter.hits);
                continue;
            }
            rates[r] = ticks / s;
            System.out.printf("  round %d: %.3f s, %,.0f ticks/s%n", r + 1, s, rates[r]);
        }
        Arrays.sort(rates);
        System.out.printf("bench model: median %,.0f ticks/s, best %,.0f ticks/s (one thread)%n",
                rates[rounds / 2], rates[rounds - 1]);
        return 0;
    }

    /** Time-ordered ticks: every symbol trades once every 10 s during the KRX session, day after day. */
    static Tick[] ticks(int n, int symbols, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        String[] names = new String[symbols];
        double[] price = new double[symbols];
        long[] cum = new long[symbols];
        for (int i = 0; i < symbols; i++) {
            names[i] = String.format("%06d", i + 1);
            price[i] = 10_000 + rnd.nextInt(90_000) / 10 * 10;
        }
        long firstOpen = LocalDate.of(2026, 11, 2).atTime(9, 0).toEpochSecond(ZoneOffset.ofHours(9)) * 1000;
        long stepsPerDay = 6 * 3600 / 10 + 30 * 6; // 09:00-15:30 every 10 s
        Tick[] out = new Tick[n];
        for (int i = 0; i < n; i++) {
            int s = i % symbols;
            long step = i / symbols;
            long day = step / stepsPerDay;
            long time = firstOpen + day * 86_400_000L + (step % stepsPerDay) * 10_000L + s;
            if (step % stepsPerDay == 0) {
                cum[s] = 0;
            }
            price[s] = Math.max(1000, price[s] + (rnd.nextInt(21) - 10) * 10);
            long volume = 1 + rnd.nextInt(500);
            cum[s] += volume;
            out[i] = new Tick(names[s], time, price[s], volume, cum[s], null);
        }
        return out;
    }

    private static final class Counter implements ModelListener {
        long bars;
        long hits;

        @Override
        public void onBarClosed(SymbolState symbol, long barStart, double[] values) {
            bars++;
        }

        @Override
        public void onHit(Hit hit) {
            hits++;
        }
    }
}
