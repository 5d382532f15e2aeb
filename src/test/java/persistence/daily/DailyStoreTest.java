package persistence.daily;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import conditions.DailyBar;
import java.time.LocalDate;
import java.util.List;
import persistence.EachDb;
import persistence.TestDb;

/** Daily bars and flows round-trip on H2 and PostgreSQL; a later fetch of a day replaces it. */
class DailyStoreTest {
    @EachDb("daily")
    void roundTrip(TestDb.Db db) {
        DailyStore s = new DailyStore(db::connect, db.settings()).createTable().createTable();
        LocalDate d1 = LocalDate.of(2026, 11, 26);
        LocalDate d2 = LocalDate.of(2026, 11, 27);
        LocalDate d3 = LocalDate.of(2026, 11, 30);
        assertTrue(s.latestDay("005930").isEmpty());
        s.upsert("005930", List.of(
                new DailyBar(d1, 100, 110, 95, 105, 1_000, 50L, -20L, 123_456L, 50.5),
                DailyBar.ohlcv(d2, 105, 106, 100, 101, 2_000),
                new DailyBar(d3, 101, 120, 101, 119, 3_000, -7L, 8L, 123_464L, 50.51)));
        s.upsert("000660", List.of(DailyBar.ohlcv(d2, 1, 1, 1, 1, 1)));
        // a later fetch corrects the middle day and adds its flows
        s.upsert("005930", List.of(new DailyBar(d2, 105, 107, 100, 102, 2_100, 1L, 2L, 123_458L, 50.6)));

        List<DailyBar> all = s.recent("005930", 10);
        assertEquals(List.of(d1, d2, d3), all.stream().map(DailyBar::date).toList(), "oldest first");
        assertEquals(new DailyBar(d2, 105, 107, 100, 102, 2_100, 1L, 2L, 123_458L, 50.6), all.get(1));
        assertEquals(-20L, all.get(0).foreignNet());
        assertEquals(List.of(d2, d3), s.recent("005930", 2).stream().map(DailyBar::date).toList());
        assertEquals(List.of(d1, d2), s.before("005930", d3, 5).stream().map(DailyBar::date).toList());
        assertEquals(d3, s.latestDay("005930").orElseThrow());
        assertNull(s.recent("000660", 1).get(0).instNet(), "a day without flows reads as such");
    }
}
