package persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import conditions.ConditionException;
import conditions.ConditionParser;
import conditions.ConditionSet;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConditionsFileTest {
    @TempDir
    Path dir;

    @Test
    void missingFileIsEmptyAndInvalidFileThrowsTheParserMessages() throws Exception {
        assertEquals(0, ConditionsFile.load(dir.resolve("none.json")).size());
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"dip\": {\"when\": [\"RSI15\", \"<\", 30]}}");
        ConditionException e = assertThrows(ConditionException.class, () -> ConditionsFile.load(bad));
        assertTrue(e.problems().get(0).contains("RSI15"), e.getMessage());
    }

    /** A file holding two documents, or a document and garbage, used to load the first one silently. */
    @Test
    void aFileWithTrailingContentDoesNotLoad() throws Exception {
        for (String text : new String[] {
                "{\"a\": {\"when\": [\"CLOSE\", \">\", 1]}}\n{\"b\": {\"when\": [\"CLOSE\", \">\", 2]}}\n",
                "{\"a\": {\"when\": [\"CLOSE\", \">\", 1]}} garbage",
                "{\"a\": {\"when\": [\"CLOSE\", \">\", 1]}}]"}) {
            Path f = dir.resolve("trailing.json");
            Files.writeString(f, text);
            ConditionException e = assertThrows(ConditionException.class, () -> ConditionsFile.load(f), text);
            assertTrue(e.getMessage().contains("after the JSON value") && e.getMessage().contains("line "), e.getMessage());
        }
    }

    @Test
    void saveWritesWhatLoadReadsBackInBothForms() throws Exception {
        ConditionSet set = ConditionParser.parseSet("""
                {"dip": {"when": {"all": [["RSI14", "<", 30], ["CLOSE", ">", 1000]]}, "sinks": ["file"], "cooldown": "30m"},
                 "jazz": {"PSMAR5": ["BIGGER", 0.02]}}
                """);
        Path f = dir.resolve("sub/conditions.json");
        ConditionsFile.save(f, set);
        ConditionSet back = ConditionsFile.load(f);
        assertEquals(2, back.size());
        assertEquals(ConditionsFile.render(set), ConditionsFile.render(back));
        assertEquals("jazzstock", back.get("jazz").form());
        assertEquals(java.util.List.of("file"), back.get("dip").sinks());
        assertEquals(30 * 60_000L, back.get("dip").cooldownMillis());
        try (var files = Files.list(f.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }
}
