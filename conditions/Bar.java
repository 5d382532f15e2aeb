package conditions;

/**
 * A closed (or forming) bar: named by its start (epoch millis), OHLC from accepted ticks, and the
 * exact sum of the counted volumes.
 */
public record Bar(long start, double open, double high, double low, double close, Volume volume) {

    /** A bar with a whole volume. */
    public Bar(long start, double open, double high, double low, double close, long volume) {
        this(start, open, high, low, close, Volume.of(volume));
    }
}
