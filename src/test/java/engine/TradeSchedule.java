package engine;

import java.util.Arrays;
import java.util.Random;

/**
 * Which symbol the {@code n}-th message of {@code bench feeds} goes to, and back: which message was the
 * {@code j}-th of a symbol. A pure function of the symbol count, the skew and a fixed seed, so the
 * fakes' process and the bench's JVM build the same schedule without talking (the bench times each
 * trade from when it was due, {@link FeedFakes#dueNanos}).
 *
 * <p>Skew 0: every symbol in turn, equally often (the hardest case for the sources' per-symbol
 * batching: each trade is an entity ask and a journal write of its own). Skew {@code s} above 0: the
 * {@code k}-th busiest symbol trades in proportion to {@code 1 / k^s} (Zipf), as real markets do, where a
 * few hundred names make most of the trades; the busiest symbols are spread over the list (a seeded
 * shuffle), so they are not all stock codes or all options. A cycle of {@link #CYCLE} slots is repeated;
 * every symbol has at least one slot in it.
 */
final class TradeSchedule {
    /** Slots in one cycle of a skewed schedule. */
    static final int CYCLE = 1 << 20;

    final int symbols;
    final double skew;
    /** Slot -> symbol index, one cycle (null when uniform). */
    private final int[] slots;
    /** Symbol index -> its slots in the cycle, ascending (null when uniform). */
    private final int[][] positions;

    TradeSchedule(int symbols, double skew) {
        if (symbols < 1 || skew < 0) {
            throw new IllegalArgumentException("symbols " + symbols + ", skew " + skew);
        }
        this.symbols = symbols;
        this.skew = skew;
        if (skew == 0) {
            slots = null;
            positions = null;
            return;
        }
        Random random = new Random(20_261_201L);
        int[] rank = new int[symbols]; // symbol index -> its rank (0 busiest)
        for (int i = 0; i < symbols; i++) {
            rank[i] = i;
        }
        for (int i = symbols - 1; i > 0; i--) {
            int k = random.nextInt(i + 1);
            int t = rank[i];
            rank[i] = rank[k];
            rank[k] = t;
        }
        double total = 0;
        for (int k = 1; k <= symbols; k++) {
            total += Math.pow(k, -skew);
        }
        int[] count = new int[symbols];
        int used = 0;
        for (int i = 0; i < symbols; i++) {
            count[i] = Math.max(1, (int) Math.round(CYCLE * Math.pow(rank[i] + 1, -skew) / total));
            used += count[i];
        }
        int[] cycle = new int[used];
        int at = 0;
        for (int i = 0; i < symbols; i++) {
            Arrays.fill(cycle, at, at + count[i], i);
            at += count[i];
        }
        for (int i = used - 1; i > 0; i--) { // interleave: a symbol's trades spread over the cycle
            int k = random.nextInt(i + 1);
            int t = cycle[i];
            cycle[i] = cycle[k];
            cycle[k] = t;
        }
        slots = cycle;
        positions = new int[symbols][];
        int[] filled = new int[symbols];
        for (int i = 0; i < symbols; i++) {
            positions[i] = new int[count[i]];
        }
        for (int p = 0; p < used; p++) {
            int i = cycle[p];
            positions[i][filled[i]++] = p;
        }
    }

    /** The symbol index of message {@code n}. */
    int symbol(long n) {
        return slots == null ? (int) (n % symbols) : slots[(int) (n % slots.length)];
    }

    /** The number {@code n} of symbol {@code i}'s {@code j}-th message (0-based): {@code symbol(n) == i}. */
    long nth(int i, long j) {
        if (positions == null) {
            return i + j * symbols;
        }
        int[] p = positions[i];
        return (j / p.length) * slots.length + p[(int) (j % p.length)];
    }

    /** The share of all messages the busiest {@code top} symbols get. */
    double share(int top) {
        if (slots == null) {
            return (double) Math.min(top, symbols) / symbols;
        }
        int[] counts = new int[symbols];
        for (int i = 0; i < symbols; i++) {
            counts[i] = positions[i].length;
        }
        Arrays.sort(counts);
        long sum = 0;
        for (int k = 0; k < Math.min(top, symbols); k++) {
            sum += counts[symbols - 1 - k];
        }
        return (double) sum / slots.length;
    }
}
