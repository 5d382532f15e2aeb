package conditions;

/**
 * The whole state of one symbol as plain values, to store as a snapshot and restore exactly: a
 * restored symbol goes on to build the same bars, indicators and hits as one that never stopped.
 * Arrays are oldest first. Bars holds the shown bars plus the window they need; the recursive
 * indicator arrays cover the shown bars. A volume is a whole part and a fraction in 10^-8 (see
 * {@link Volume}): {@code volume} with {@code volumeFraction}, {@code formingVolume} with {@code
 * formingVolumeFraction}, {@code lastCum} with {@code lastCumFraction}.
 */
public record SymbolSnapshot(
        String symbol, Market market, int intervalMinutes, int history,
        long barCount, long[] barStart, double[] open, double[] high, double[] low, double[] close, long[] volume,
        double[] ema12, double[] ema26, double[] signal, double[] gain, double[] loss,
        long formingStart, double formingOpen, double formingHigh, double formingLow, double formingClose,
        long formingVolume, long lastClosedStart,
        long cumDay, long lastCum,
        long accepted, long rejectedOutsideSession, long rejectedDuplicate, long rejectedLate, long lastTickTime,
        String[] hitConditions, long[] hitBars,
        int[] volumeFraction, int formingVolumeFraction, int lastCumFraction, long rejectedMalformed) {

    /**
     * The fractions (10^-8) of the bar volumes; all zero in snapshots written before volumes had
     * decimals, which stored none ({@code volumeFraction} then reads as {@code null}).
     */
    public SymbolSnapshot {
        if (volumeFraction == null) {
            volumeFraction = new int[barStart.length];
        }
    }
}
