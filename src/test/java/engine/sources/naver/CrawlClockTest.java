package engine.sources.naver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** {@code clock-start}: the crawler's clock reads a session's time, at the real clock's pace. */
class CrawlClockTest {
    private static final Instant REAL = Instant.parse("2026-11-30T18:00:00Z"); // 03:00 KST: no session

    @Test
    void unsetIsTheSystemClock() {
        Clock system = Clock.fixed(REAL, ZoneOffset.UTC);
        assertSame(system, CrawlClock.of(ConfigFactory.parseString("clock-start = \"\""), system));
        assertSame(system, CrawlClock.of(ConfigFactory.empty(), system));
    }

    @Test
    void readsTheStartInKstAtTheAnchorAndRunsOnInRealTime() {
        String block = "clock-start = \"2026-11-20T10:00\", clock-start-at = \"2026-11-30T18:00:00Z\"";
        // 90 s of real time after the anchor, the crawler sees 10:01:30 KST of the session day
        Clock later = Clock.fixed(REAL.plusSeconds(90), ZoneOffset.UTC);
        assertEquals(LocalDateTime.parse("2026-11-20T10:01:30"),
                LocalDateTime.ofInstant(CrawlClock.of(ConfigFactory.parseString(block), later).instant(), KrxCalendar.KST));
        // an explicit offset is taken as given
        Clock offset = CrawlClock.of(ConfigFactory.parseString(
                "clock-start = \"2026-11-20T01:00:00Z\", clock-start-at = \"2026-11-30T18:00:00Z\""), later);
        assertEquals(LocalDateTime.parse("2026-11-20T10:01:30"), LocalDateTime.ofInstant(offset.instant(), KrxCalendar.KST));
    }

    @Test
    void withoutAnAnchorItStartsAtTheStart() {
        Clock system = Clock.fixed(REAL, ZoneOffset.UTC);
        Clock c = CrawlClock.of(ConfigFactory.parseString("clock-start = \"2026-11-20T15:29\""), system);
        assertEquals(LocalDateTime.parse("2026-11-20T15:29"), LocalDateTime.ofInstant(c.instant(), KrxCalendar.KST));
    }

    @Test
    void aValueThatIsNoTimeIsRefusedWithTheKeyNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CrawlClock.of(
                ConfigFactory.parseString("clock-start = \"yesterday 10:00\""), Clock.systemUTC()));
        assertTrue(e.getMessage().contains("clock-start") && e.getMessage().contains("yesterday"), e.getMessage());
    }
}
