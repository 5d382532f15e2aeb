package actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import conditions.ConditionException;
import conditions.ConditionSet;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConditionRegistryTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void changesApplyAtOnceAndSurviveAReload() throws Exception {
        Path f = dir.resolve("conditions.json");
        ConditionRegistry reg = ConditionRegistry.load(f);
        assertEquals(0, reg.current().size());

        reg.put("dip", JSON.readTree("{\"when\": [\"RSI14\", \"<\", 30], \"sinks\": [\"file\"]}"));
        reg.put("jazz", JSON.readTree("{\"jazz\": {\"PSMAR5\": [\"BIGGER\", 0.02]}}"));
        assertEquals(2, reg.current().size());
        assertEquals(2, ConditionRegistry.load(f).current().size(), "written through");

        ConditionSet before = reg.current();
        ConditionException bad = assertThrows(ConditionException.class,
                () -> reg.put("bad", JSON.readTree("{\"when\": [\"NOPE\", \">\", 1]}")));
        assertTrue(bad.getMessage().contains("NOPE"));
        assertSame(before, reg.current(), "an invalid condition changes nothing");

        assertTrue(reg.delete("dip"));
        assertFalse(reg.delete("dip"));
        assertEquals(1, ConditionRegistry.load(f).current().size());
        assertTrue(Files.readString(f).contains("PSMAR5"));
    }

    @Test
    void takesOnlyNewerSetsFromOtherNodes() throws Exception {
        Path f = dir.resolve("c.json");
        ConditionRegistry reg = ConditionRegistry.load(f);
        reg.put("dip", JSON.readTree("{\"when\": [\"RSI14\", \"<\", 30]}"));
        long v = reg.versioned().version();
        assertEquals(v, Files.getLastModifiedTime(f).toMillis(), "the version is the file's time");

        ConditionRegistry other = ConditionRegistry.inMemory(ConditionSet.EMPTY);
        other.put("up", JSON.readTree("{\"when\": [\"CLOSE\", \">\", 0]}"));
        assertFalse(reg.offer(other.versioned().json(), v - 1), "older: ignored");
        assertEquals(1, reg.current().size());
        assertTrue(reg.current().get("dip") != null);

        assertTrue(reg.offer(other.versioned().json(), v + 5), "newer: taken");
        assertTrue(reg.current().get("up") != null && reg.current().get("dip") == null);
        assertEquals(v + 5, ConditionRegistry.load(f).versioned().version(), "and kept across a reload");
        assertFalse(reg.offer(other.versioned().json(), v + 5), "the same again: nothing to do");
        assertThrows(ConditionException.class, () -> reg.offer("{\"x\": {\"when\": 1}}", v + 9));
        assertTrue(reg.current().get("up") != null, "an invalid set changes nothing");
    }
}
