package conditions;

/** A closed bar: named by its start (epoch millis), OHLC from accepted ticks, summed counted volume. */
public record Bar(long start, double open, double high, double low, double close, long volume) {
}
