package conditions;

/**
 * How ticks become bars.
 *
 * @param interval    bar length
 * @param sessionOnly ticks outside the regular session make no bar (KRX; other markets never close)
 * @param history     closed bars kept per symbol with their indicators
 */
public record ModelConfig(BarInterval interval, boolean sessionOnly, int history) {
    public static final ModelConfig DEFAULT = new ModelConfig(BarInterval.DEFAULT, true, 120);

    public ModelConfig {
        if (history < 2) {
            throw new IllegalArgumentException("history must keep at least 2 bars, got " + history);
        }
    }

    public ModelConfig withInterval(BarInterval i) {
        return new ModelConfig(i, sessionOnly, history);
    }
}
