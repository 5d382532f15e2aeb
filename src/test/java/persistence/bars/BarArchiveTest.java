package persistence.bars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import conditions.Bar;
import conditions.Market;
import conditions.Volume;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.EachDb;
import persistence.TestDb;
import testkit.Await;

/** The bar archive on H2 and PostgreSQL: bars round-trip exactly, a bar written again replaces itself, ranges and limits. */
class BarArchiveTest {
    private static final long T0 = 1_795_000_000_000L - 1_795_000_000_000L % 300_000; // a 5-minute boundary

    static BarArchive open(TestDb.Db d) {
        return new BarArchive(d::connect, d.settings()).createTable().createTable();
    }

    @Test
    void theWriterWritesOffTheCallersThreadInBatches(@TempDir Path dir) throws Exception {
        BarArchive a = open(TestDb.h2(dir));
        try (BarArchiveWriter w = BarArchiveWriter.start(a, 10_000)) {
            List<Bar> bars = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                bars.add(new Bar(T0 + i * 300_000L, 10, 11, 9, 10.5, i));
            }
            w.closed("BTCUSDT", bars.subList(0, 250));
            w.closed("BTCUSDT", bars.subList(250, 500));
            Await.until(() -> w.written() == 500, java.time.Duration.ofSeconds(20), "500 bars written");
            assertEquals(bars, a.range("BTCUSDT", Long.MIN_VALUE, Long.MAX_VALUE, 1000));
            assertEquals(0, w.dropped());
        }
    }

    @EachDb("bars")
    void roundTrip(TestDb.Db db) {
        BarArchive a = open(db);
        List<BarArchive.SymbolBar> bars = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            bars.add(new BarArchive.SymbolBar("005930", new Bar(T0 + i * 300_000L, 100 + i, 101 + i, 99 + i,
                    100.5 + i, new Volume(1000 + i, i == 3 ? 12_345_678 : 0))));
        }
        bars.add(new BarArchive.SymbolBar("000660", new Bar(T0, 1, 1, 1, 1, 1)));
        a.write(bars);
        // a bar written again (a replay) replaces the stored one
        a.write(List.of(new BarArchive.SymbolBar("005930", new Bar(T0 + 5 * 300_000L, 1, 2, 0.5, 1.5, 7))));

        List<Bar> all = a.range("005930", Long.MIN_VALUE, Long.MAX_VALUE, 1000);
        assertEquals(100, all.size());
        assertEquals(T0, all.get(0).start(), "oldest first");
        assertEquals(new Volume(1003, 12_345_678), all.get(3).volume(), "decimal volumes exactly");
        assertEquals(new Bar(T0 + 5 * 300_000L, 1, 2, 0.5, 1.5, 7), all.get(5));
        // [from, to) and the newest `limit` of them
        List<Bar> some = a.range("005930", T0 + 10 * 300_000L, T0 + 20 * 300_000L, 4);
        assertEquals(List.of(T0 + 16 * 300_000L, T0 + 17 * 300_000L, T0 + 18 * 300_000L, T0 + 19 * 300_000L),
                some.stream().map(Bar::start).toList());
        assertEquals(1, a.range("000660", Long.MIN_VALUE, Long.MAX_VALUE, 10).size());

        // as JSON with indicators computed over the bars before the range too
        List<Map<String, Object>> json = a.rangeAsJson("005930", Market.KRX, T0 + 90 * 300_000L, Long.MAX_VALUE, 100);
        assertEquals(10, json.size());
        assertEquals("005930", json.get(0).get("symbol"));
        assertTrue(json.get(0).containsKey("PSMA60"), "60 bars before the range warm it up");
        assertFalse(a.rangeAsJson("005930", Market.KRX, T0, T0 + 300_000L, 10).get(0).containsKey("PSMA5"));
    }
}
