package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import conditions.Bar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;
import persistence.bars.BarArchive;

/** {@code backtest --archive}: the bars a backtest builds from tick files land in the node's bar archive, which a node then serves. */
class BacktestArchiveTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void backtestFillsTheArchiveANodeServes() throws Exception {
        Path ticks = DailyKeysNodeTest.tickFile(dir, DailyKeysNodeTest.ticksByDay());
        Path conditions = dir.resolve("cond.json");
        Files.writeString(conditions, "{}");
        TestDb.Db db = TestDb.h2(dir.resolve("data"));
        Path config = dir.resolve("node.conf");
        Files.writeString(config, com.typesafe.config.ConfigFactory.parseString("tickwatch.data-dir = \""
                + dir.resolve("data") + "\"").withFallback(db.overlay()).root()
                .render(com.typesafe.config.ConfigRenderOptions.concise()));
        Path out = dir.resolve("out");
        assertEquals(0, Main.run(new String[] {"backtest", "--ticks", ticks.toString(), "--conditions",
                conditions.toString(), "--out", out.toString(), "--archive", "--config", config.toString()}));

        List<JsonNode> written = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("bars.jsonl"))) {
            written.add(JSON.readTree(line));
        }
        assertEquals(21 * 6, written.size());
        BarArchive archive = new BarArchive(db::connect, db.settings());
        List<Bar> stored = archive.range(DailyKeysNodeTest.SYMBOL, Long.MIN_VALUE, Long.MAX_VALUE, 10_000);
        assertEquals(written.size(), stored.size());
        for (int i = 0; i < stored.size(); i++) {
            assertEquals(written.get(i).get("close").asDouble(), stored.get(i).close());
            assertEquals(written.get(i).get("volume").asLong(), stored.get(i).volume().units());
        }
        // run again: the same bars replace themselves
        assertEquals(0, Main.run(new String[] {"backtest", "--ticks", ticks.toString(), "--conditions",
                conditions.toString(), "--out", out.toString(), "--archive", "--config", config.toString()}));
        assertEquals(stored, archive.range(DailyKeysNodeTest.SYMBOL, Long.MIN_VALUE, Long.MAX_VALUE, 10_000));

        // a node on that database serves them
        Files.writeString(dir.resolve("conditions.json"), "{}");
        try (Node node = Node.start(NodeTest.settings(dir, db))) {
            List<Map<String, Object>> bars = NodeTest.get(node.archivedBars(DailyKeysNodeTest.SYMBOL, 0, Long.MAX_VALUE, 10_000));
            assertEquals(written.size(), bars.size());
            assertEquals(written.get(0).get("start").asText(), bars.get(0).get("start"));
        }
    }
}
