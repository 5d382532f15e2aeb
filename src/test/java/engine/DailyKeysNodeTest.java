package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import conditions.DailyBar;
import conditions.Hit;
import conditions.ModelConfig;
import conditions.Tick;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;
import persistence.bars.BarArchive;
import persistence.daily.DailyCsv;
import persistence.daily.DailyStore;
import persistence.tickfile.TickFileWriter;
import testkit.Await;

/**
 * A jazzstock condition on {@code 05D_HIGH}/{@code 05D_LOW} and {@code 20D_85QTILE_VOL} hits where it
 * should in {@code backtest --daily}, and a live node fed the same ticks, with the same days in its
 * daily table, gives the same hits (its {@code 20D_} keys come from its bar archive).
 */
class DailyKeysNodeTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SYMBOL = "005930";
    static final String CONDITION = """
            {"jazz": {"CLOSE": ["BETWEEN", "05D_LOW", "05D_HIGH"], "VOLUME": ["BIGGER", "20D_85QTILE_VOL"]}}""";

    @TempDir
    Path dir;

    /** 21 weekdays from 2026-10-01. */
    static List<LocalDate> days() {
        List<LocalDate> out = new ArrayList<>();
        for (LocalDate d = LocalDate.of(2026, 10, 1); out.size() < 21; d = d.plusDays(1)) {
            if (d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY) {
                out.add(d);
            }
        }
        return out;
    }

    static long at(LocalDate day, int minute, int millis) {
        return LocalDateTime.of(day, java.time.LocalTime.of(9, 0)).plusMinutes(minute)
                .toInstant(ZoneOffset.ofHours(9)).toEpochMilli() + millis;
    }

    /**
     * Six 5-minute bars a day from 09:00, each an opening and a closing tick (the closing one 0.1 s
     * before the bar ends, so a node's feed clock closes a day's last bar at once). Days 0..19:
     * volume 100 + 10·d + b, close 1000 + d. Day 20: volumes 50, 1000, 1000, 50, 1000, 50 with closes
     * 1015, 1015, 1100, 1015, 1015, 1015: the 1000s are above every earlier bar, the 1100 is above 05D_HIGH.
     */
    static List<List<Tick>> ticksByDay() {
        List<List<Tick>> out = new ArrayList<>();
        List<LocalDate> days = days();
        long[] last = {50, 1000, 1000, 50, 1000, 50};
        double[] lastClose = {1015, 1015, 1100, 1015, 1015, 1015};
        for (int d = 0; d < days.size(); d++) {
            List<Tick> day = new ArrayList<>();
            for (int b = 0; b < 6; b++) {
                long volume = d < 20 ? 100 + 10L * d + b : last[b];
                double close = d < 20 ? 1000 + d : lastClose[b];
                day.add(new Tick(SYMBOL, at(days.get(d), 5 * b, 10_000), close - 1, volume / 2));
                day.add(new Tick(SYMBOL, at(days.get(d), 5 * b + 5, -100), close, volume - volume / 2));
            }
            out.add(day);
        }
        return out;
    }

    /** The ticks in one tick file, day after day. */
    static Path tickFile(Path dir, List<List<Tick>> byDay) throws java.io.IOException {
        Path ticks = dir.resolve("ticks.csv.gz");
        try (TickFileWriter w = new TickFileWriter(ticks)) {
            for (List<Tick> day : byDay) {
                for (Tick t : day) {
                    w.append(t);
                }
            }
        }
        return ticks;
    }

    /** Daily bars of days 0..19: high close + 5, low close - 5 (so on day 20, 05D_LOW 1010 and 05D_HIGH 1024). */
    static List<DailyBar> dailyBars() {
        List<DailyBar> out = new ArrayList<>();
        List<LocalDate> days = days();
        for (int d = 0; d < 20; d++) {
            double c = 1000 + d;
            out.add(new DailyBar(days.get(d), c - 1, c + 5, c - 5, c, 3_000, 10L, -10L, null, null));
        }
        return out;
    }

    @Test
    void backtestAndALiveNodeHitTheSameBars() throws Exception {
        List<List<Tick>> byDay = ticksByDay();
        Path ticks = tickFile(dir, byDay);
        Path daily = dir.resolve("daily.csv");
        try (Writer w = Files.newBufferedWriter(daily)) {
            DailyCsv.write(w, Map.of(SYMBOL, dailyBars()));
        }
        Path conditions = dir.resolve("cond.json");
        Files.writeString(conditions, CONDITION);

        // backtest --daily
        Path out = dir.resolve("out");
        assertEquals(0, Main.run(new String[] {"backtest", "--ticks", ticks.toString(), "--conditions",
                conditions.toString(), "--out", out.toString(), "--daily", daily.toString()}));
        List<JsonNode> expected = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("hits.jsonl"))) {
            expected.add(JSON.readTree(line));
        }
        LocalDate last = days().get(20);
        // where it should: the two bars with volume 1000 and a close inside the 5-day range
        assertEquals(List.of(SYMBOL + "/jazz/" + at(last, 5, 0), SYMBOL + "/jazz/" + at(last, 20, 0)),
                expected.stream().map(h -> h.get("id").asText()).toList());
        assertEquals(1024, expected.get(0).get("values").get("05D_HIGH").asDouble());
        assertEquals(1010, expected.get(0).get("values").get("05D_LOW").asDouble());

        // without --daily the 05D_ keys are absent: nothing hits
        Path bare = dir.resolve("bare");
        assertEquals(0, Main.run(new String[] {"backtest", "--ticks", ticks.toString(), "--conditions",
                conditions.toString(), "--out", bare.toString()}));
        assertEquals(List.of(), Files.readAllLines(bare.resolve("hits.jsonl")));

        // the live node: the same days in its daily table, the same ticks day by day
        Files.writeString(dir.resolve("conditions.json"), CONDITION);
        TestDb.Db db = TestDb.h2(dir.resolve("data"));
        NodeSettings s = NodeSourcesTest.settings(dir, db, "tickwatch.clock.grace = 200ms");
        try (Node node = Node.start(s)) {
            new DailyStore(db::connect, db.settings()).upsert(SYMBOL, dailyBars());
            BarArchive archive = new BarArchive(db::connect, db.settings());
            for (int d = 0; d < 20; d++) {
                NodeTest.get(node.ingest(byDay.get(d)));
            }
            // every bar of the 20 days archived (each day's last closes by the feed clock)
            Await.until(() -> archive.range(SYMBOL, Long.MIN_VALUE, Long.MAX_VALUE, 1000).size() == 120,
                    Duration.ofSeconds(30), "120 bars archived");
            List<Tick> today = byDay.get(20);
            NodeTest.get(node.ingest(today.subList(0, 1)));
            // the day's context is computed off the entity and shown in the ticker's status
            Await.until(() -> daily(node) != null && daily(node).containsKey("20D_85QTILE_VOL"),
                    Duration.ofSeconds(30), "the day's context");
            assertEquals(last.toString(), daily(node).get("day"));
            NodeTest.get(node.ingest(today.subList(1, today.size())));
            Await.until(() -> hits(node).size() == expected.size(), Duration.ofSeconds(30), "the node's hits");
            List<Hit> got = hits(node);
            for (int i = 0; i < expected.size(); i++) {
                JsonNode want = expected.get(i);
                Hit h = got.get(i);
                assertEquals(want.get("id").asText(), h.id());
                Map<String, Double> wantValues = new TreeMap<>();
                want.get("values").fields().forEachRemaining(e -> wantValues.put(e.getKey(), e.getValue().asDouble()));
                assertEquals(wantValues, new TreeMap<>(h.values()), "the same keys and values");
            }
            // and the archive serves the dashboard's range
            List<Map<String, Object>> bars = NodeTest.get(node.archivedBars(SYMBOL, at(days().get(0), 0, 0),
                    at(days().get(0), 30, 0), 100));
            assertEquals(6, bars.size());
            assertEquals("2026-10-01T09:00:00+09:00", bars.get(0).get("start"));
        }
    }

    private static Map<String, Object> daily(Node node) {
        try {
            return NodeTest.get(node.status(SYMBOL)).map(st -> st.daily()).orElse(null);
        } catch (Exception e) {
            return null;
        }
    }

    private static List<Hit> hits(Node node) {
        try {
            List<Hit> h = new ArrayList<>(NodeTest.get(node.clusterHits(SYMBOL, 100)));
            h.sort(Comparator.comparingLong(Hit::barStart));
            return h;
        } catch (Exception e) {
            return List.of();
        }
    }
}
