package actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigBlocksTest {
    static final Set<String> TYPES = Set.of("log", "file", "webhook");

    static List<ConfigBlocks.Block> read(String hocon) {
        return ConfigBlocks.read(ConfigFactory.parseString(hocon), "tickwatch.sinks", "sink", TYPES);
    }

    @Test
    void eachEnabledBlockWithItsTypeDefaultingToItsName() {
        List<ConfigBlocks.Block> blocks = read("""
                tickwatch.sinks {
                  log {}
                  file { path = "/tmp/a.jsonl" }
                  "ops hook" { type = webhook, url = "http://127.0.0.1:9/x" }
                  old { type = file, enabled = false }
                }
                """);
        assertEquals(List.of("file", "log", "ops hook"), blocks.stream().map(ConfigBlocks.Block::name).toList());
        assertEquals(List.of("file", "log", "webhook"), blocks.stream().map(ConfigBlocks.Block::type).toList());
        Config hook = blocks.get(2).config();
        assertEquals("http://127.0.0.1:9/x", hook.getString("url"));
        assertEquals(List.of(), read("tickwatch.other = 1"), "no section: none");
    }

    @Test
    void problemsNameTheBlock() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> read("tickwatch.sinks.tg.type = telegram"));
        assertEquals("tickwatch.sinks.\"tg\": unknown sink type \"telegram\" (known: file, log, webhook)",
                unknown.getMessage());
        IllegalArgumentException noName = assertThrows(IllegalArgumentException.class,
                () -> read("tickwatch.sinks.mail {}"));
        assertTrue(noName.getMessage().contains("unknown sink type \"mail\""), noName.getMessage());
        IllegalArgumentException notObject = assertThrows(IllegalArgumentException.class,
                () -> read("tickwatch.sinks.log = true"));
        assertTrue(notObject.getMessage().startsWith("tickwatch.sinks.\"log\" must be an object"), notObject.getMessage());
        IllegalArgumentException section = assertThrows(IllegalArgumentException.class,
                () -> read("tickwatch.sinks = [log]"));
        assertEquals("tickwatch.sinks must be an object of named sinks", section.getMessage());
    }
}
