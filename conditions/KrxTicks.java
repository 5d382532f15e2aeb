package conditions;

/**
 * The KRX tick-size bands (KOSPI and KOSDAQ alike since 2023-01-25): the price steps a limit order
 * on a Korean stock may use. A price between two steps is refused by the exchange, so every LS
 * limit price passes through here.
 */
public final class KrxTicks {
    private static final long[] FROM = {0, 2_000, 5_000, 20_000, 50_000, 200_000, 500_000};
    private static final long[] TICK = {1, 5, 10, 50, 100, 500, 1_000};

    private KrxTicks() {
    }

    /** The tick size for a price of {@code price} won. */
    public static long tickAt(long price) {
        for (int i = FROM.length - 1; i > 0; i--) {
            if (price >= FROM[i]) {
                return TICK[i];
            }
        }
        return TICK[0];
    }

    /** {@code price} on the grid, rounded down (a buy never pays more than asked). */
    public static long floor(double price) {
        long p = (long) Math.floor(price);
        return p - Math.floorMod(p, tickAt(p));
    }

    /** {@code price} on the grid, rounded up (a sell never gets less than asked). */
    public static long ceil(double price) {
        long p = (long) Math.ceil(price);
        long down = p - Math.floorMod(p, tickAt(p));
        return down == p ? p : up(down);
    }

    /** The next price on the grid above {@code onGrid}. */
    public static long up(long onGrid) {
        return onGrid + tickAt(onGrid);
    }

    /** The next price on the grid below {@code onGrid} (its band may have a smaller tick), at least 1. */
    public static long down(long onGrid) {
        return Math.max(1, onGrid - tickAt(onGrid - 1));
    }

    /**
     * A limit price from the bar close: on the grid on our side of the close (a buy rounds down, a
     * sell up), then {@code offsetTicks} steps further in our favour (a buy lower, a sell higher;
     * negative steps the other way), crossing bands tick by tick.
     */
    public static long limitPrice(double close, boolean buy, int offsetTicks) {
        long p = buy ? floor(close) : ceil(close);
        int favourable = buy ? -offsetTicks : offsetTicks; // +1 means up
        for (int i = 0; i < Math.abs(favourable); i++) {
            p = favourable > 0 ? up(p) : down(p);
        }
        return p;
    }
}
