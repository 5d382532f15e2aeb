package conditions;

/**
 * The whole state of one symbol as plain values, to store as a snapshot and restore exactly: a
 * restored symbol goes on to build the same bars, indicators and hits as one that never stopped.
 * Arrays are oldest first. Bars holds the shown bars plus the window they need; the recursive
 * indicator arrays cover the shown bars.
 */
public record SymbolSnapshot(
        String symbol, Market market, int intervalMinutes, int history,
        long barCount, long[] barStart, double[] open, double[] high, double[] low, double[] close, long[] volume,
        double[] ema12, double[] ema26, double[] signal, double[] gain, double[] loss,
        long formingStart, double formingOpen, double formingHigh, double formingLow, double formingClose,
        long formingVolume, long lastClosedStart,
        long cumDay, long lastCum,
        long accepted, long rejectedOutsideSession, long rejectedDuplicate, long rejectedLate, long lastTickTime,
        String[] hitConditions, long[] hitBars) {
}
