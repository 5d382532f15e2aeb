package engine.sources.naver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The minute page parser against the sample in ../shared/wire and pages in both markups. */
class SiseTimePageTest {
    /** The shared folder beside the checkout (as CI lays it), else where the workplace keeps it. */
    static final Path SAMPLE = Path.of(System.getProperty("tickwatch.wire",
                    Files.isDirectory(Path.of("../shared/wire")) ? "../shared/wire" : "/work/shared/wire"),
            "naver-sise_time-005930-constructed.euckr.html");
    static final String URL = "https://finance.naver.com/item/sise_time.naver?code=005930&thistime=20210104180000&page=1";

    static byte[] sample() throws Exception {
        if (Files.exists(SAMPLE)) {
            return Files.readAllBytes(SAMPLE);
        }
        // the same template, for a checkout without the shared folder
        return FakeNaver.html("005930", "20210104180000", List.of(
                new MinuteRow(LocalTime.of(15, 58), 63200, 2200, 63200, 63100, 31309570, 915)), 1, 41, 41, true)
                .getBytes(FakeNaver.EUC_KR);
    }

    @Test
    void theSampleReadsRowByRowWithSpacersSkippedAndTheLastPage() throws Exception {
        SiseTimePage.Page p = SiseTimePage.parse(sample(), URL);
        assertEquals(41, p.lastPage(), "td.pgRR links page 41");
        assertEquals(new MinuteRow(LocalTime.of(15, 58), 63200, 2200, 63200, 63100, 31309570, 915), p.rows().get(0));
        if (Files.exists(SAMPLE)) {
            assertEquals(10, p.rows().size(), "ten rows; the spacer rows are not rows");
            assertEquals(new MinuteRow(LocalTime.of(15, 49), 63200, 2200, 63200, 63100, 31301923, 1210), p.rows().get(9));
            assertEquals(LocalTime.of(15, 49), p.oldest());
        }
    }

    @Test
    void bothMarkupsGiveTheSameRowsAndTheSignOfTheChange() throws Exception {
        List<MinuteRow> rows = List.of(
                new MinuteRow(LocalTime.of(9, 2), 70_100, 1_100, 70_200, 70_100, 12_345_678, 2_500),
                new MinuteRow(LocalTime.of(9, 1), 68_500, -500, 68_600, 68_500, 12_343_178, 0),
                new MinuteRow(LocalTime.of(9, 0), 69_000, 0, 69_100, 69_000, 12_343_178, 12_343_178));
        for (boolean newMarkup : new boolean[] {true, false}) {
            byte[] page = FakeNaver.html("005930", "20261120090300", rows, 1, 1, 0, newMarkup).getBytes(FakeNaver.EUC_KR);
            SiseTimePage.Page p = SiseTimePage.parse(page, URL);
            assertEquals(rows, p.rows(), newMarkup ? "new markup" : "old markup");
            assertEquals(0, p.lastPage(), "no pgRR: one page");
        }
    }

    @Test
    void theBytesAreDecodedAsEucKrWhateverTheyLookLike() throws Exception {
        // without the meta charset the bytes would read as Latin-1 or UTF-8; the Korean alt texts then fail to match
        String html = FakeNaver.html("005930", "20261120090300", List.of(
                new MinuteRow(LocalTime.of(9, 0), 69_000, -100, 69_100, 69_000, 10, 10)), 1, 1, 0, false)
                .replace("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=euc-kr\">", "");
        SiseTimePage.Page p = SiseTimePage.parse(html.getBytes(FakeNaver.EUC_KR), URL);
        assertEquals(-100, p.rows().get(0).change(), "the old markup's alt=\"하락\" read from EUC-KR bytes");
    }

    @Test
    void aCutOffPageAStubAndABrokenNumberAreMalformed() throws Exception {
        byte[] whole = sample();
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length / 2);
        SiseTimePage.Malformed m = assertThrows(SiseTimePage.Malformed.class, () -> SiseTimePage.parse(cut, URL));
        assertTrue(m.getMessage().contains("cut off"), m.getMessage());

        String stub = "<html><body><table class=\"type2\"><tr><td>&nbsp;</td><td>&nbsp;</td></tr></table></body></html>";
        m = assertThrows(SiseTimePage.Malformed.class, () -> SiseTimePage.parse(stub.getBytes(FakeNaver.EUC_KR), URL));
        assertTrue(m.getMessage().contains("no minute rows"), m.getMessage());

        String broken = new String(whole, FakeNaver.EUC_KR).replace("31,309,570", "31,3O9,570");
        m = assertThrows(SiseTimePage.Malformed.class, () -> SiseTimePage.parse(broken.getBytes(FakeNaver.EUC_KR), URL));
        assertTrue(m.getMessage().contains("15:58") && m.getMessage().contains("거래량"), m.getMessage());

        String daily = new String(whole, FakeNaver.EUC_KR).replace("<th>체결시각</th>", "<th>날짜</th>");
        m = assertThrows(SiseTimePage.Malformed.class, () -> SiseTimePage.parse(daily.getBytes(FakeNaver.EUC_KR), URL));
        assertTrue(m.getMessage().contains("날짜"), m.getMessage());

        m = assertThrows(SiseTimePage.Malformed.class,
                () -> SiseTimePage.parse("<html><body>점검 중</body></html>".getBytes(FakeNaver.EUC_KR), URL));
        assertTrue(m.getMessage().contains("table.type2"), m.getMessage());
    }

    @Test
    void minutesBecomeTicksAtSecond59WithTheirCumulativeVolume() {
        conditions.Tick t = MinuteTicks.tick("005930", java.time.LocalDate.of(2026, 11, 20),
                new MinuteRow(LocalTime.of(15, 30), 63_200, 0, 63_200, 63_100, 31_309_570, 915));
        assertEquals(java.time.Instant.parse("2026-11-20T06:30:59Z").toEpochMilli(), t.time());
        assertEquals(915, t.volume());
        assertEquals(31_309_570, t.cumVolume());
        assertEquals(63_200.0, t.price());
        assertEquals(conditions.Market.KRX, t.market());
    }
}
