package engine.sources.naver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which day a crawl reads, up to which minute, and when the crawler polls. */
class KrxCalendarTest {
    static final LocalDate FRI = LocalDate.of(2026, 11, 20);
    static final LocalDate MON = LocalDate.of(2026, 11, 23);
    final KrxCalendar cal = new KrxCalendar(Set.of(MON));

    @Test
    void todayFrom0900OnATradingDayOtherwiseTheLastTradingDay() {
        assertEquals(FRI, cal.sessionDay(FRI.atTime(11, 0)));
        assertEquals(FRI, cal.sessionDay(FRI.atTime(16, 0)));
        assertEquals(LocalDate.of(2026, 11, 19), cal.sessionDay(FRI.atTime(8, 59)), "before the open: yesterday");
        assertEquals(FRI, cal.sessionDay(LocalDate.of(2026, 11, 22).atTime(12, 0)), "Sunday: Friday");
        assertEquals(FRI, cal.sessionDay(MON.atTime(11, 0)), "a holiday Monday: Friday");
        assertEquals(MON.plusDays(1), cal.sessionDay(MON.plusDays(1).atTime(9, 0)));
    }

    @Test
    void theFirstSessionOpeningAfterAMomentSkipsWeekendsAndHolidays() {
        LocalDate tue = MON.plusDays(1);
        assertEquals(tue, cal.firstOpenFrom(FRI.atTime(16, 20)), "after Friday's close: Tuesday, Monday a holiday");
        assertEquals(tue, cal.firstOpenFrom(FRI.atTime(11, 0)), "during the session: it opened already");
        assertEquals(tue, cal.firstOpenFrom(LocalDate.of(2026, 11, 22).atTime(12, 0)), "Sunday");
        assertEquals(tue, cal.firstOpenFrom(MON.atTime(8, 0)), "the holiday's morning");
        assertEquals(tue, cal.firstOpenFrom(tue.atTime(8, 59)), "before the open: the same day");
        assertEquals(tue, cal.firstOpenFrom(tue.atTime(9, 0)), "at the open: the same day");
        assertEquals(tue.plusDays(1), cal.firstOpenFrom(tue.atTime(9, 0, 1)));
    }

    @Test
    void aMinuteIsTakenOnceTheNextBeganAndTheCloseIsTheLast() {
        assertNull(KrxCalendar.lastCompleteMinute(FRI, FRI.atTime(9, 0, 30)));
        assertEquals(LocalTime.of(9, 0), KrxCalendar.lastCompleteMinute(FRI, FRI.atTime(9, 1, 3)));
        assertEquals(LocalTime.of(10, 59), KrxCalendar.lastCompleteMinute(FRI, FRI.atTime(11, 0, 3)));
        assertEquals(LocalTime.of(15, 30), KrxCalendar.lastCompleteMinute(FRI, FRI.atTime(15, 31, 3)));
        assertEquals(LocalTime.of(15, 30), KrxCalendar.lastCompleteMinute(FRI, FRI.atTime(18, 0)));
        assertEquals(LocalTime.of(15, 30), KrxCalendar.lastCompleteMinute(FRI, MON.atTime(10, 0)));
    }

    @Test
    void pollsRunFrom0901To1531OnTradingDaysOnly() {
        assertFalse(cal.pollsAt(FRI.atTime(9, 0, 5)));
        assertTrue(cal.pollsAt(FRI.atTime(9, 1, 5)));
        assertTrue(cal.pollsAt(FRI.atTime(15, 31, 5)), "one poll after the close for the closing print");
        assertFalse(cal.pollsAt(FRI.atTime(15, 32, 5)));
        assertFalse(cal.pollsAt(MON.atTime(11, 0, 5)), "holiday");
        assertFalse(cal.pollsAt(LocalDate.of(2026, 11, 21).atTime(11, 0, 5)), "Saturday");
    }
}
