package engine.sources.naver;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Set;

/**
 * The KRX trading calendar as far as the crawler needs it: weekdays that are not in
 * {@code tickwatch.market.holidays}, the regular session 09:00-15:30 KST, and which day's minutes
 * a crawl reads.
 */
public record KrxCalendar(Set<LocalDate> holidays) {
    public static final ZoneId KST = ZoneId.of("Asia/Seoul");
    public static final LocalTime OPEN = LocalTime.of(9, 0);
    /** The closing-auction print's minute: the last row of the session. */
    public static final LocalTime CLOSE = LocalTime.of(15, 30);

    public KrxCalendar {
        holidays = Set.copyOf(holidays);
    }

    public boolean isTradingDay(LocalDate d) {
        return d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY && !holidays.contains(d);
    }

    /** The trading day on or before {@code d}. */
    public LocalDate onOrBefore(LocalDate d) {
        LocalDate x = d;
        for (int i = 0; i < 60 && !isTradingDay(x); i++) {
            x = x.minusDays(1);
        }
        return x;
    }

    /**
     * The day of the first session that opens at or after {@code t} (KST): {@code t}'s own day when it
     * is a trading day and {@code t} is not after 09:00, otherwise the next trading day.
     */
    public LocalDate firstOpenFrom(LocalDateTime t) {
        LocalDate d = t.toLocalDate();
        if (!isTradingDay(d) || t.toLocalTime().isAfter(OPEN)) {
            d = d.plusDays(1);
        }
        for (int i = 0; i < 60 && !isTradingDay(d); i++) {
            d = d.plusDays(1);
        }
        return d;
    }

    /** The day a crawl at {@code now} (KST) reads: today from 09:00 on a trading day, otherwise the last trading day. */
    public LocalDate sessionDay(LocalDateTime now) {
        LocalDate today = now.toLocalDate();
        if (isTradingDay(today) && !now.toLocalTime().isBefore(OPEN)) {
            return today;
        }
        return onOrBefore(today.minusDays(1));
    }

    /**
     * The newest minute of {@code day} that is complete at {@code now}: its row no longer changes.
     * A minute is complete once the next one began; the 15:30 row (the closing print) at 15:31.
     * Null when none is (before 09:01).
     */
    public static LocalTime lastCompleteMinute(LocalDate day, LocalDateTime now) {
        if (now.toLocalDate().isAfter(day)) {
            return CLOSE;
        }
        if (now.toLocalDate().isBefore(day)) {
            return null;
        }
        LocalTime t = now.toLocalTime().withSecond(0).withNano(0).minusMinutes(1);
        if (now.toLocalTime().isBefore(OPEN.plusMinutes(1))) {
            return null;
        }
        return t.isAfter(CLOSE) ? CLOSE : t;
    }

    /** Whether {@code now} is in the polling window: a minute of 09:01-15:31 on a trading day. */
    public boolean pollsAt(LocalDateTime now) {
        LocalTime t = now.toLocalTime();
        return isTradingDay(now.toLocalDate()) && !t.isBefore(OPEN.plusMinutes(1)) && t.isBefore(CLOSE.plusMinutes(2));
    }

    /**
     * The newest trading day whose figures are final at {@code now}: today when it is a trading day
     * and {@code finalAt} (the daily refresh, after the close and the site's revision of the day's
     * flows) has passed, otherwise the trading day before.
     */
    public LocalDate completedDay(LocalDateTime now, LocalTime finalAt) {
        LocalDate today = now.toLocalDate();
        if (isTradingDay(today) && !now.toLocalTime().isBefore(finalAt)) {
            return today;
        }
        return onOrBefore(today.minusDays(1));
    }
}
