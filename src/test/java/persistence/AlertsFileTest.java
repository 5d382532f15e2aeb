package persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import conditions.Hit;
import conditions.Market;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertsFileTest {
    @TempDir
    Path dir;

    static Hit hit(String cond, long bar) {
        return new Hit(cond, "005930", bar, Market.KRX, Map.of("CLOSE", 70000.0), List.of("file"));
    }

    @Test
    void remembersIdsAndRecentHitsAcrossReopenAndSurvivesACutLine() throws Exception {
        Path f = dir.resolve("a/alerts.jsonl");
        try (AlertsFile a = AlertsFile.open(f, 10, 10)) {
            a.append(hit("up", 1_700_000_100_000L));
            a.append(hit("dip", 1_700_000_400_000L));
        }
        Files.writeString(f, "{\"id\":\"005930/cut", StandardOpenOption.APPEND); // a crash mid-line
        try (AlertsFile a = AlertsFile.open(f, 10, 10)) {
            assertEquals(List.of("005930/up/1700000100000", "005930/dip/1700000400000"), List.copyOf(a.idsAtOpen()));
            Hit back = a.recentAtOpen().get(1);
            assertEquals(hit("dip", 1_700_000_400_000L).id(), back.id());
            assertEquals(Market.KRX, back.market());
            assertEquals(70000.0, back.values().get("CLOSE"));
            a.append(hit("up", 1_700_000_700_000L));
        }
        List<String> lines = Files.readAllLines(f);
        assertEquals(4, lines.size());
        assertEquals(HitJson.line(hit("up", 1_700_000_700_000L)), lines.get(3), "appended on its own line");
        try (AlertsFile a = AlertsFile.open(f, 2, 1)) {
            assertEquals(List.of("005930/dip/1700000400000", "005930/up/1700000700000"), List.copyOf(a.idsAtOpen()));
            assertEquals(1, a.recentAtOpen().size());
        }
    }
}
