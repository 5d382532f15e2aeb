package conditions;

/** What became of one tick. The reject reasons are the keys of {@code summary.json} and the API. */
public enum TickOutcome {
    ACCEPTED("accepted"),
    /** Stamped outside the market's regular session (KRX 09:00-15:30). */
    OUTSIDE_SESSION("outside_session"),
    /** Carries a cumulative volume not larger than the last accepted one of that day. */
    DUPLICATE("duplicate"),
    /** Stamped before the start of the symbol's current bar. */
    LATE("late"),
    /**
     * Not a usable tick: refused by a parser (bad field, absurd number), or, in the model, one whose
     * volume would overflow its bar's.
     */
    MALFORMED("malformed"),
    /**
     * Stamped further ahead of the node's wall clock than {@code tickwatch.ingest.max-future}. Only
     * live ingest (the ticker entity) gives it; the model itself never does, so backtest cannot.
     */
    FUTURE("future");

    private final String key;

    TickOutcome(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
