package engine.sources.naver;

import conditions.Market;
import conditions.Tick;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Minute rows as ticks: the minute's last price, its volume as the size, the day's cumulative volume
 * as {@code cum_volume} (so a minute read twice, or after it grew, is never counted twice), stamped
 * at second 59 of the minute ({@code HH:MM:59.000} KST).
 *
 * <p>Why second 59: the row sums trades of {@code [HH:MM:00, HH:MM+1:00)} and its price is the one
 * at the minute's end, so the last second is when that price was true; any second of the minute
 * lands in the same bar, but stamping at the end moves the feed clock to the bar's end as soon as a
 * bar's last minute arrives, so the bar closes after the grace instead of waiting a minute for the
 * next row. The 15:30 row (the closing auction) becomes 15:30:59, which the model puts in the
 * session's last bar (15:25 with 5-minute bars).
 */
public final class MinuteTicks {
    private MinuteTicks() {
    }

    public static Tick tick(String symbol, LocalDate day, MinuteRow r) {
        long at = day.atTime(r.time().withSecond(59)).atZone(KrxCalendar.KST).toInstant().toEpochMilli();
        return new Tick(symbol, at, r.price(), r.volume(), r.cumVolume(), Market.KRX);
    }

    public static List<Tick> ticks(String symbol, LocalDate day, List<MinuteRow> rows) {
        List<Tick> out = new ArrayList<>(rows.size());
        for (MinuteRow r : rows) {
            out.add(tick(symbol, day, r));
        }
        return out;
    }
}
