package engine;

/**
 * What {@link FeedScaleBench} asks of its venues, wherever they run: {@link FeedFakes} in the bench's
 * JVM, or {@link FeedFakesProcess} in a process of their own.
 */
interface FeedVenues extends AutoCloseable {
    /** Where the fakes listen. */
    record Urls(String ls, String lsWs, String binance, String binanceRest) {
    }

    Urls urls();

    /** Whether every ticker is registered (trades, and quotes when {@code quotes}) or subscribed. */
    boolean allRegistered(boolean quotes);

    /** "LS connections, Binance connections". */
    String connections() throws Exception;

    /**
     * Starts publishing at these rates a second, the symbols chosen by a {@link TradeSchedule} of this
     * skew; returns the start, System.nanoTime() (one clock for the machine's processes on Linux).
     */
    long start(int lsRate, int binanceRate, int quotes, double skew) throws Exception;

    /** Published so far: LS trades, Binance trades, LS quote frames. */
    long[] published() throws Exception;

    void stop() throws Exception;
}
