package engine.sources.naver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reading a day page by page from the fake Naver, through faults. */
class DayReaderTest {
    static final LocalDate DAY = LocalDate.of(2026, 11, 20);
    FakeNaver fake;
    NaverClient client;
    DayReader reader;

    static NaverSettings settings(String url) {
        return NaverSettings.from(ConfigFactory.parseString("""
                rate = 1000
                read-timeout = 300ms
                connect-timeout = 300ms
                retries = 3
                backoff = 5ms
                max-backoff = 20ms
                """).withFallback(ConfigFactory.parseMap(java.util.Map.of("url", url))));
    }

    @BeforeEach
    void start() throws Exception {
        fake = new FakeNaver(DAY);
        client = new NaverClient(settings(fake.url()));
        reader = new DayReader(client);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    List<MinuteRow> readDay(String code, LocalDateTime now, LocalTime after, TickerHealth h) throws Exception {
        return reader.read(code, DAY, DayReader.thistime(DAY, now), after,
                KrxCalendar.lastCompleteMinute(DAY, now), h);
    }

    @Test
    void afterTheCloseTheWholeDayComesPageByPageWithBothMarkupsAndPoliteHeaders() throws Exception {
        TickerHealth h = new TickerHealth();
        List<MinuteRow> rows = readDay("005930", DAY.atTime(16, 0), null, h);
        assertEquals(fake.session("005930", KrxCalendar.CLOSE), rows, "09:00-15:30, 391 minutes, oldest first");
        assertEquals(391, rows.size());
        assertEquals(40, h.pages(), "ten rows a page (394 with the after-hours rows, which are left out)");
        for (FakeNaver.Request r : fake.requests()) {
            assertEquals("20261120160000", r.thistime(), "thistime is the current KST time");
            assertTrue(r.userAgent().contains("Windows NT"), r.userAgent());
            assertEquals("https://finance.naver.com/", r.referer());
        }
    }

    @Test
    void aPagePastTheLastEndsTheReadEvenWhenPgRRPointsFurther() throws Exception {
        // halted until 09:04: no 09:00 row to stop at, so the read ends at the last page
        fake.firstMinute("005930", LocalTime.of(9, 4));
        TickerHealth h = new TickerHealth();
        assertEquals(fake.session("005930", KrxCalendar.CLOSE), readDay("005930", DAY.atTime(16, 0), null, h));
        assertEquals(39, h.pages(), "pgRR names page 39");
        fake.overstateLastPage(5);
        h = new TickerHealth();
        List<MinuteRow> rows = readDay("005930", DAY.atTime(16, 0), null, h);
        assertEquals(fake.session("005930", KrxCalendar.CLOSE), rows);
        assertEquals(387, rows.size());
        assertEquals(40, h.pages(), "pgRR says 44, but page 40 repeats page 39: nothing older, so the read stops there");
        // and a page past the last, asked for directly, is the last one
        assertEquals(SiseTimePage.parse(fake.page("005930", 40, "20261120160000"), "x").rows(),
                SiseTimePage.parse(fake.page("005930", 99, "20261120160000"), "x").rows());
    }

    @Test
    void http500ATimeoutAndATruncatedPageMidBackfillAreRetriedAndTheDayComesOutWhole() throws Exception {
        fake.timeoutMillis(1000);
        fake.fail("000660", 3, FakeNaver.Fault.HTTP_500);
        fake.fail("000660", 5, FakeNaver.Fault.TIMEOUT);
        fake.fail("000660", 7, FakeNaver.Fault.TRUNCATED);
        fake.fail("000660", 7, FakeNaver.Fault.STUB);
        TickerHealth h = new TickerHealth();
        List<MinuteRow> rows = readDay("000660", DAY.atTime(16, 0), null, h);
        assertEquals(fake.session("000660", KrxCalendar.CLOSE), rows);
        assertEquals(2, h.malformed(), "the cut-off page and the stub are counted");
        assertEquals(4, h.retries.get());
        assertEquals(44, fake.requests("000660").size(), "40 pages and 4 retries");
    }

    @Test
    void aPageThatKeepsFailingFailsTheReadSoNothingIsTakenWithAGap() throws Exception {
        for (int i = 0; i < 4; i++) {
            fake.fail("000660", 2, FakeNaver.Fault.HTTP_500);
        }
        NaverClient.PageFailed f = assertThrows(NaverClient.PageFailed.class,
                () -> readDay("000660", DAY.atTime(16, 0), null, new TickerHealth()));
        assertTrue(f.getMessage().contains("page=2") && f.getMessage().contains("HTTP 500"), f.getMessage());
    }

    @Test
    void duringTheSessionOnlyCompleteMinutesAreTakenAndAPollWithoutAGapReadsOnePage() throws Exception {
        TickerHealth h = new TickerHealth();
        List<MinuteRow> rows = readDay("005930", DAY.atTime(11, 0, 3), null, h);
        assertEquals(fake.session("005930", LocalTime.of(10, 59)), rows, "the forming 11:00 row is left for later");
        long pages = h.pages();
        List<MinuteRow> next = readDay("005930", DAY.atTime(11, 1, 3), LocalTime.of(10, 59), h);
        assertEquals(List.of(fake.rows("005930").get(120)), next, "the 11:00 row, whole");
        assertEquals(pages + 1, h.pages(), "page 1 only");
        List<MinuteRow> gap = readDay("005930", DAY.atTime(11, 30, 3), LocalTime.of(11, 0), h);
        assertEquals(29, gap.size(), "11:01-11:29 after a gap");
        assertEquals(pages + 1 + 3, h.pages(), "three pages to reach the row held");
    }
}
