package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import engine.sources.naver.FakeNaver;
import engine.sources.naver.KrxCalendar;
import engine.sources.naver.MutableClock;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.tickfile.TickFileReader;

/** {@code crawl}: a day's minutes as a tick file, its usage errors, and a symbol that keeps failing. */
class CrawlCommandTest {
    static final LocalDate DAY = LocalDate.of(2026, 11, 20);

    @TempDir
    Path dir;

    static int crawl(MutableClock clock, Config root, String... args) throws Exception {
        return CrawlCommand.run(new Args(List.of(args), Set.of("symbols", "date", "out", "url"), Set.of()), clock, root);
    }

    static Config root(FakeNaver fake) {
        return ConfigFactory.parseString("tickwatch.sources.naver { url = \"" + fake.url() + "\", rate = 1000,"
                + " read-timeout = 300ms, retries = 2, backoff = 5ms, max-backoff = 10ms }\n"
                + "tickwatch.market.holidays = [\"2026-11-19\"]").withFallback(ConfigFactory.load());
    }

    @Test
    void aDayBecomesATickFileInTimeOrderAndAFailingSymbolIsLeftOutLoudly() throws Exception {
        MutableClock clock = new MutableClock(DAY.atTime(20, 0));
        try (FakeNaver fake = new FakeNaver(DAY)) {
            for (int i = 0; i < 3; i++) {
                fake.fail("000660", 1, FakeNaver.Fault.HTTP_500);
            }
            Path out = dir.resolve("day.csv");
            assertEquals(1, crawl(clock, root(fake), "--symbols", "005930,000660", "--date", "2026-11-20", "--out",
                    out.toString()), "000660 failed: exit 1");
            List<conditions.Tick> ticks = new ArrayList<>();
            TickFileReader.read(List.of(out), ticks::add, (f, l, why) -> {
                throw new AssertionError(why);
            });
            assertEquals(391, ticks.size(), "005930 only");
            assertTrue(ticks.stream().allMatch(t -> t.symbol().equals("005930")));
            assertEquals(fake.session("005930", KrxCalendar.CLOSE).get(390).cumVolume(), ticks.get(390).cumVolume());
        }
    }

    @Test
    void usageErrorsSayWhat() throws Exception {
        MutableClock clock = new MutableClock(DAY.atTime(10, 0));
        try (FakeNaver fake = new FakeNaver(DAY)) {
            Config root = root(fake);
            String out = dir.resolve("t.csv.gz").toString();
            assertTrue(assertThrows(Args.UsageException.class, () -> crawl(clock, root, "--symbols", "005930",
                    "--date", "2026-11-21", "--out", out)).getMessage().contains("not a trading day"));
            assertTrue(assertThrows(Args.UsageException.class, () -> crawl(clock, root, "--symbols", "005930",
                    "--date", "2026-11-19", "--out", out)).getMessage().contains("not a trading day"), "a holiday");
            assertTrue(assertThrows(Args.UsageException.class, () -> crawl(clock, root, "--symbols", "005930",
                    "--date", "2026-11-23", "--out", out)).getMessage().contains("no complete minute yet"));
            assertTrue(assertThrows(Args.UsageException.class, () -> crawl(clock, root, "--symbols", "5930&x=1",
                    "--date", "2026-11-20", "--out", out)).getMessage().contains("not a KRX code"));
            assertTrue(assertThrows(Args.UsageException.class, () -> crawl(clock, root, "--symbols", "005930",
                    "--date", "20.11.2026", "--out", out)).getMessage().contains("ISO date"));
            assertTrue(assertThrows(Args.UsageException.class, () -> crawl(clock, root, "--symbols", "005930",
                    "--date", "2026-11-20", "--out", dir.resolve("t.json").toString())).getMessage().contains(".csv"));
            assertEquals(0, fake.requests().size(), "nothing was fetched");
            // during the day, the minutes so far
            assertEquals(0, crawl(clock, root, "--symbols", "005930", "--date", "2026-11-20", "--out", out));
            List<conditions.Tick> ticks = new ArrayList<>();
            TickFileReader.read(List.of(Path.of(out)), ticks::add, (f, l, why) -> {
                throw new AssertionError(why);
            });
            assertEquals(60, ticks.size(), "09:00-09:59 at 10:00");
        }
    }
}
