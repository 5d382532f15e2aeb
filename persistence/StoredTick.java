package persistence;

import com.fasterxml.jackson.annotation.JsonInclude;
import conditions.Market;
import conditions.Tick;

/**
 * An accepted tick as stored in {@link TickerEvent.TicksApplied}: the symbol and market are the
 * entity's, so only the numbers are kept.
 *
 * <p>The fractions (10^-8, see {@link conditions.Volume}) came with decimal volumes: they are left
 * out when zero, so a whole-volume (KRX) tick is stored exactly as before, and events written
 * before them read with fractions 0.
 *
 * @param time              exchange time, epoch millis
 * @param price             trade price
 * @param volume            whole part of the size of the trade
 * @param cumVolume         whole part of the day's cumulative volume, or {@link Tick#NO_CUM}
 * @param volumeFraction    the size's fraction
 * @param cumVolumeFraction the cumulative volume's fraction
 */
public record StoredTick(long time, double price, long volume, long cumVolume,
                         @JsonInclude(JsonInclude.Include.NON_DEFAULT) int volumeFraction,
                         @JsonInclude(JsonInclude.Include.NON_DEFAULT) int cumVolumeFraction) {

    public StoredTick(long time, double price, long volume, long cumVolume) {
        this(time, price, volume, cumVolume, 0, 0);
    }

    public static StoredTick of(Tick t) {
        return new StoredTick(t.time(), t.price(), t.volume(), t.cumVolume(), t.volumeFraction(), t.cumVolumeFraction());
    }

    public Tick toTick(String symbol, Market market) {
        return new Tick(symbol, time, price, volume, volumeFraction, cumVolume, cumVolumeFraction, market);
    }
}
