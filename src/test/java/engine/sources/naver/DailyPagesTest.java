package engine.sources.naver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import conditions.DailyBar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The daily-price and investor page parsers: the real daily sample in ../shared/wire, both markups
 * of the sign, the investor page's second table, unpublished flows, a halted day, and the pages
 * that are not whole.
 */
class DailyPagesTest {
    static final Path SAMPLE = SiseTimePageTest.SAMPLE.resolveSibling("naver-sise_day-005930-p1.euckr.html");
    static final String URL = "https://finance.naver.com/item/sise_day.naver?code=005930&page=1";
    static final LocalDate D = LocalDate.of(2026, 9, 14);

    static DailyBar bar(LocalDate d, long o, long h, long l, long c, long v, Long inst, Long frgn, Long hold, Double ratio) {
        return new DailyBar(d, o, h, l, c, v, inst, frgn, hold, ratio);
    }

    @Test
    void theRealDailySampleReadsEveryRowWithItsSignAndTheLastPage() throws Exception {
        if (!Files.exists(SAMPLE)) {
            return; // a checkout without the shared folder: the hand-made pages below cover the template
        }
        SiseDayPage.Page p = SiseDayPage.parse(Files.readAllBytes(SAMPLE), URL);
        assertEquals(756, p.lastPage(), "td.pgRR links page 756");
        assertEquals(10, p.rows().size(), "ten rows; the spacer rows are not rows");
        assertEquals(new SiseDayPage.Row(D, 253_000, -6_500, 249_500, 253_500, 249_000, 7_569_375), p.rows().get(0));
        assertEquals(new SiseDayPage.Row(LocalDate.of(2026, 9, 9), 269_500, 0, 269_500, 275_000, 267_500, 16_370_962),
                p.rows().get(3), "보합: no sign");
        assertEquals(new SiseDayPage.Row(LocalDate.of(2026, 9, 7), 270_000, 14_500, 267_000, 270_000, 264_000, 18_314_016),
                p.rows().get(5), "상승 after a spacer block");
        assertEquals(LocalDate.of(2026, 9, 1), p.rows().get(9).date());
    }

    @Test
    void bothMarkupsOfTheDailyPageGiveTheSameRows() throws Exception {
        List<DailyBar> newestFirst = List.of(
                DailyBar.ohlcv(D, 100, 120, 90, 110, 1_000),
                DailyBar.ohlcv(D.minusDays(1), 100, 105, 95, 100, 2_000),
                DailyBar.ohlcv(D.minusDays(2), 120, 125, 100, 105, 3_000));
        for (boolean newMarkup : new boolean[] {true, false}) {
            byte[] page = FakeDailySite.dayHtml("005930", newestFirst, 1, 1, newMarkup).getBytes(FakeNaver.EUC_KR);
            SiseDayPage.Page p = SiseDayPage.parse(page, URL);
            assertEquals(List.of(new SiseDayPage.Row(D, 110, 10, 100, 120, 90, 1_000),
                    new SiseDayPage.Row(D.minusDays(1), 100, -5, 100, 105, 95, 2_000),
                    new SiseDayPage.Row(D.minusDays(2), 105, -15, 120, 125, 100, 3_000)), p.rows(),
                    newMarkup ? "new markup" : "old markup");
            assertEquals(0, p.lastPage(), "no pgRR: one page");
        }
    }

    @Test
    void aHaltedDayTakesItsCloseForOpenHighAndLow() throws Exception {
        String html = FakeDailySite.dayHtml("005930", List.of(DailyBar.ohlcv(D, 0, 0, 0, 5_000, 0)), 1, 1, true);
        SiseDayPage.Row r = SiseDayPage.parse(html.getBytes(FakeNaver.EUC_KR), URL).rows().get(0);
        assertEquals(new SiseDayPage.Row(D, 5_000, 5_000, 5_000, 5_000, 5_000, 0), r);
    }

    @Test
    void theInvestorPageIsTheSecondTableWithSignedFlowsAndUnpublishedCellsUnknown() throws Exception {
        List<DailyBar> newestFirst = List.of(
                bar(D, 100, 120, 90, 110, 1_000, null, null, null, null), // today's figures not out yet
                bar(D.minusDays(1), 100, 105, 95, 100, 2_000, 1_075_301L, -2_166_435L, 2_951_234_567L, 50.12),
                bar(D.minusDays(2), 120, 125, 100, 105, 3_000, 0L, 7L, 2_953_400_002L, 50.16));
        byte[] page = FakeDailySite.flowHtml("005930", newestFirst, 1, 3).getBytes(FakeNaver.EUC_KR);
        FrgnPage.Page p = FrgnPage.parse(page, "https://finance.naver.com/item/frgn.naver?code=005930&page=1");
        assertEquals(3, p.lastPage());
        assertEquals(List.of(new FrgnPage.Row(D, 110, 1_000, null, null, null, null),
                new FrgnPage.Row(D.minusDays(1), 100, 2_000, 1_075_301L, -2_166_435L, 2_951_234_567L, 50.12),
                new FrgnPage.Row(D.minusDays(2), 105, 3_000, 0L, 7L, 2_953_400_002L, 50.16)), p.rows());
    }

    @Test
    void pagesThatAreNotWholeAreMalformed() throws Exception {
        byte[] day = FakeDailySite.dayHtml("005930", List.of(DailyBar.ohlcv(D, 100, 120, 90, 110, 1_000)), 1, 1, true)
                .getBytes(FakeNaver.EUC_KR);
        SiseTimePage.Malformed m = assertThrows(SiseTimePage.Malformed.class,
                () -> SiseDayPage.parse(java.util.Arrays.copyOf(day, day.length / 2), URL));
        assertTrue(m.getMessage().contains("cut off"), m.getMessage());

        String stub = "<html><body><table class=\"type2\"><tr><th>날짜</th></tr><tr><td>&nbsp;</td><td>&nbsp;</td></tr></table></body></html>";
        m = assertThrows(SiseTimePage.Malformed.class, () -> SiseDayPage.parse(stub.getBytes(FakeNaver.EUC_KR), URL));
        assertTrue(m.getMessage().contains("no daily rows"), m.getMessage());

        String broken = new String(day, FakeNaver.EUC_KR).replace("1,000", "1,0OO");
        m = assertThrows(SiseTimePage.Malformed.class, () -> SiseDayPage.parse(broken.getBytes(FakeNaver.EUC_KR), URL));
        assertTrue(m.getMessage().contains("2026-09-14") && m.getMessage().contains("거래량"), m.getMessage());

        // a minute page is not a daily page, and the brokers' table alone is not an investor page
        byte[] minute = FakeNaver.html("005930", "20260914153100", List.of(
                new MinuteRow(java.time.LocalTime.of(15, 30), 1, 0, 1, 1, 1, 1)), 1, 1, 0, true).getBytes(FakeNaver.EUC_KR);
        m = assertThrows(SiseTimePage.Malformed.class, () -> SiseDayPage.parse(minute, URL));
        assertTrue(m.getMessage().contains("체결시각"), m.getMessage());
        m = assertThrows(SiseTimePage.Malformed.class, () -> FrgnPage.parse(day, URL));
        assertTrue(m.getMessage().contains("외국인 기관 순매매"), m.getMessage());

        String badFlow = FakeDailySite.flowHtml("005930", List.of(bar(D, 1, 1, 1, 1, 1, 5L, 6L, 7L, 1.5)), 1, 1)
                .replace("+5<", "+5x<");
        m = assertThrows(SiseTimePage.Malformed.class, () -> FrgnPage.parse(badFlow.getBytes(FakeNaver.EUC_KR), URL));
        assertTrue(m.getMessage().contains("기관 순매매량"), m.getMessage());
    }

    @Test
    void theReaderMergesBothKindsOfPagesByDateOverEveryPageNeeded() throws Exception {
        try (FakeNaver fake = new FakeNaver(D)) {
            List<DailyBar> history = fake.daily().history("005930");
            NaverClient client = new NaverClient(NaverSettings.from(com.typesafe.config.ConfigFactory.parseString(
                    "url = \"" + fake.url() + "\"\nrate = 1000\nbackoff = 1ms\nmax-backoff = 5ms")));
            DailyReader reader = new DailyReader(client);
            fake.failDaily(FakeNaver.DAY_PATH, "005930", 3, FakeNaver.Fault.HTTP_500);
            fake.failDaily(FakeNaver.FLOW_PATH, "005930", 2, FakeNaver.Fault.TRUNCATED);
            TickerHealth health = new TickerHealth();
            List<DailyBar> got = reader.read("005930", 60, null, D, health);
            assertEquals(history.subList(history.size() - 60, history.size()), got, "the newest 60 days, flows and all");
            assertEquals(6, fake.daily().requests(FakeNaver.DAY_PATH, "005930").size() - 1, "six daily pages (one retried)");
            assertEquals(3, fake.daily().requests(FakeNaver.FLOW_PATH, "005930").size() - 1, "three investor pages (one retried)");
            assertEquals(1, health.malformed());

            // since a stored day: from it on, up to a day that excludes today's (still forming) row
            got = reader.read("005930", 60, D.minusDays(7), D.minusDays(1), new TickerHealth());
            assertEquals(history.stream().filter(d -> !d.date().isBefore(D.minusDays(7)) && d.date().isBefore(D)).toList(), got);
        }
    }
}
