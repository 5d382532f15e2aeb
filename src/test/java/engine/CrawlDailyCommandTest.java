package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import conditions.DailyBar;
import engine.sources.naver.FakeNaver;
import engine.sources.naver.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.daily.DailyCsv;

/** {@code crawl-daily}: symbols' last trading days as the daily file, a failing symbol left out loudly, usage errors. */
class CrawlDailyCommandTest {
    static final LocalDate DAY = LocalDate.of(2026, 11, 20);

    @TempDir
    Path dir;

    static int crawl(MutableClock clock, Config root, String... args) throws Exception {
        return CrawlDailyCommand.run(new Args(List.of(args), Set.of("symbols", "days", "out", "url"), Set.of()), clock, root);
    }

    static Config root(String url) {
        return ConfigFactory.parseString("tickwatch.sources.naver { url = \"" + url + "\", read-timeout = 300ms,"
                + " retries = 2, backoff = 5ms, max-backoff = 10ms }\ntickwatch.daily.rate = 1000")
                .withFallback(ConfigFactory.load());
    }

    static List<DailyBar> last(List<DailyBar> days, int n, LocalDate upTo) {
        List<DailyBar> upto = days.stream().filter(d -> !d.date().isAfter(upTo)).toList();
        return upto.subList(upto.size() - n, upto.size());
    }

    @Test
    void theLastSixtyCompletedDaysOfEachSymbolBecomeTheDailyFile() throws Exception {
        try (FakeNaver fake = new FakeNaver(DAY)) {
            Path out = dir.resolve("daily.csv");
            // after the refresh time the day counts
            assertEquals(0, crawl(new MutableClock(DAY.atTime(17, 0)), root("http://127.0.0.1:1"), "--symbols",
                    "005930,000660", "--days", "60", "--out", out.toString(), "--url", fake.url()));
            assertTrue(Files.readAllLines(out).get(0).equals(DailyCsv.HEADER));
            Map<String, List<DailyBar>> file = DailyCsv.read(out);
            assertEquals(Set.of("005930", "000660"), file.keySet());
            assertEquals(last(fake.daily().history("005930"), 60, DAY), file.get("005930"));
            assertEquals(last(fake.daily().history("000660"), 60, DAY), file.get("000660"));

            // during the session today's row is still forming: the file ends the day before
            assertEquals(0, crawl(new MutableClock(DAY.atTime(11, 0)), root(fake.url()), "--symbols", "005930",
                    "--days", "20", "--out", out.toString()));
            assertEquals(last(fake.daily().history("005930"), 20, DAY.minusDays(1)), DailyCsv.read(out).get("005930"));
        }
    }

    @Test
    void aSymbolThatKeepsFailingIsLeftOutAndTheExitSaysSo() throws Exception {
        try (FakeNaver fake = new FakeNaver(DAY)) {
            for (int i = 0; i < 3; i++) {
                fake.failDaily(FakeNaver.FLOW_PATH, "000660", 1, FakeNaver.Fault.HTTP_500);
            }
            Path out = dir.resolve("d.csv");
            assertEquals(1, crawl(new MutableClock(DAY.atTime(17, 0)), root(fake.url()), "--symbols", "005930,000660",
                    "--days", "5", "--out", out.toString()));
            Map<String, List<DailyBar>> file = DailyCsv.read(out);
            assertEquals(Set.of("005930"), file.keySet(), "000660 failed and is not in the file");
        }
    }

    @Test
    void usageErrorsSayWhatAndFetchNothing() throws Exception {
        try (FakeNaver fake = new FakeNaver(DAY)) {
            MutableClock clock = new MutableClock(DAY.atTime(17, 0));
            Config root = root(fake.url());
            String out = dir.resolve("x.csv").toString();
            assertTrue(assertThrows(Args.UsageException.class, () -> crawl(clock, root, "--symbols", "5930&x=1",
                    "--out", out)).getMessage().contains("not a KRX code"));
            assertTrue(assertThrows(Args.UsageException.class, () -> crawl(clock, root, "--symbols", "005930",
                    "--days", "0", "--out", out)).getMessage().contains("--days"));
            assertTrue(assertThrows(Args.UsageException.class, () -> crawl(clock, root, "--symbols", "005930",
                    "--days", "sixty", "--out", out)).getMessage().contains("whole number"));
            assertTrue(assertThrows(Args.UsageException.class, () -> crawl(clock, root, "--symbols", "005930",
                    "--out", dir.resolve("x.json").toString())).getMessage().contains(".csv"));
            assertTrue(assertThrows(Args.UsageException.class, () -> crawl(clock, root, "--symbols", "005930"))
                    .getMessage().contains("--out"));
            assertTrue(fake.daily().requests().isEmpty(), "nothing was fetched");
            assertFalse(Files.exists(Path.of(out)));
        }
    }
}
