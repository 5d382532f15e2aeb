package engine;

import com.typesafe.config.Config;
import conditions.Market;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;

/**
 * {@code tickwatch.market}: the configurable sessions of KRX derivatives ({@code krx-derivatives.open},
 * {@code .close}) and the trading-day start of overseas futures ({@code overseas-futures.day-start}),
 * applied to {@link Market} once when a node's settings or {@code backtest} load, before any tick is
 * read (so a node and a backtest with the same config build the same bars).
 */
public final class MarketSettings {
    private MarketSettings() {
    }

    /**
     * @throws IllegalArgumentException naming the key that is not a time {@code HH:MM} or is out of order
     */
    public static void apply(Config root) {
        if (!root.hasPath("tickwatch.market")) {
            return;
        }
        Config m = root.getConfig("tickwatch.market");
        if (m.hasPath("krx-derivatives")) {
            Market.KRX_DERIVATIVES.configure(minute(m, "krx-derivatives.open"), minute(m, "krx-derivatives.close"), 0);
        }
        if (m.hasPath("overseas-futures")) {
            Market.OVERSEAS_FUTURES.configure(-1, -1, minute(m, "overseas-futures.day-start"));
        }
    }

    private static int minute(Config m, String key) {
        String v = m.getString(key);
        try {
            return LocalTime.parse(v.trim()).toSecondOfDay() / 60;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("tickwatch.market." + key + " must be a time of day HH:MM, got \"" + v + "\"");
        }
    }
}
