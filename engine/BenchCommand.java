package engine;

import java.util.List;
import java.util.Set;

/**
 * {@code bench model}: the model alone. {@code bench node}: a running node's full path.
 * {@code bench tickers}: how many watched tickers a node holds ({@link TickersBench}).
 */
final class BenchCommand {
    private BenchCommand() {
    }

    static int run(List<String> args) throws Exception {
        String what = args.isEmpty() ? "" : args.get(0);
        List<String> rest = args.isEmpty() ? args : args.subList(1, args.size());
        return switch (what) {
            case "model" -> ModelBench.run(new Args(rest, Set.of("ticks", "symbols", "rounds"), Set.of()));
            case "node" -> NodeBench.run(new Args(rest, Set.of("db", "symbols", "seconds", "rate", "tickers", "clients", "warmup"), Set.of()));
            case "tickers" -> TickersBench.run(new Args(rest, Set.of("tickers", "wave", "passivate-after"), Set.of()));
            default -> throw new Args.UsageException("bench needs what to measure: model, node or tickers");
        };
    }
}
