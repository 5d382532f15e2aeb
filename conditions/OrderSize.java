package conditions;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * How many units an {@link OrderIntent} buys or sells at a price: its quantity, or its amount
 * divided by the price, rounded down to the venue's step (1 share on KRX; {@code LOT_SIZE.stepSize}
 * on Binance). Rounding down means an order never exceeds the amount asked for; a size that rounds
 * to 0 is {@link #ZERO} and must be refused, never sent.
 */
public final class OrderSize {
    public static final BigDecimal ZERO = BigDecimal.ZERO;

    private OrderSize() {
    }

    /**
     * @param price the price the amount converts at (the bar close, or the limit price)
     * @param step  the venue's quantity step (1 for whole shares)
     */
    public static BigDecimal of(OrderIntent intent, double price, BigDecimal step) {
        BigDecimal raw;
        if (intent.quantity() != null) {
            raw = intent.quantity();
        } else {
            if (!(price > 0) || Double.isInfinite(price)) {
                return ZERO;
            }
            raw = intent.amount().divide(BigDecimal.valueOf(price), 12, RoundingMode.DOWN);
        }
        return floorToStep(raw, step);
    }

    /** {@code value} rounded down to a multiple of {@code step}, without trailing zeros beyond the step's scale. */
    public static BigDecimal floorToStep(BigDecimal value, BigDecimal step) {
        if (step.signum() <= 0) {
            throw new IllegalArgumentException("step must be positive: " + step);
        }
        BigDecimal steps = value.divide(step, 0, RoundingMode.DOWN);
        BigDecimal out = steps.multiply(step);
        return out.signum() == 0 ? ZERO : out.setScale(Math.max(0, step.stripTrailingZeros().scale()), RoundingMode.DOWN);
    }

    /** {@code value} rounded to a multiple of {@code step}, down or up. */
    public static BigDecimal toStep(BigDecimal value, BigDecimal step, boolean up) {
        BigDecimal steps = value.divide(step, 0, up ? RoundingMode.CEILING : RoundingMode.FLOOR);
        return steps.multiply(step).setScale(Math.max(0, step.stripTrailingZeros().scale()), RoundingMode.DOWN);
    }
}
