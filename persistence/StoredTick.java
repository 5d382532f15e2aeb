package persistence;

import conditions.Market;
import conditions.Tick;

/**
 * An accepted tick as stored in {@link TickerEvent.TicksApplied}: the symbol and market are the
 * entity's, so only the four numbers are kept.
 *
 * @param time      exchange time, epoch millis
 * @param price     trade price
 * @param volume    size of the trade
 * @param cumVolume the day's cumulative volume, or {@link Tick#NO_CUM}
 */
public record StoredTick(long time, double price, long volume, long cumVolume) {

    public static StoredTick of(Tick t) {
        return new StoredTick(t.time(), t.price(), t.volume(), t.cumVolume());
    }

    public Tick toTick(String symbol, Market market) {
        return new Tick(symbol, time, price, volume, cumVolume, market);
    }
}
