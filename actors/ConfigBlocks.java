package actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a section of named blocks, {@code tickwatch.sinks.<name>} or {@code tickwatch.sources.<name>}:
 * each block is one sink or source, its {@code type} names the class that builds it (a missing
 * {@code type} means the block's own name, so {@code tickwatch.sinks.log {}} is a log sink), and
 * {@code enabled = false} leaves it out. Every problem is found at start, before anything runs.
 */
public final class ConfigBlocks {
    private ConfigBlocks() {
    }

    /**
     * One enabled block.
     *
     * @param name   the key under the section: what conditions (sinks) and tickers (sources) refer to
     * @param type   the kind that builds it
     * @param config the block itself (its {@code type} and {@code enabled} keys included)
     */
    public record Block(String name, String type, Config config) {
    }

    /**
     * The enabled blocks under {@code path}, sorted by name.
     *
     * @param what       "sink" or "source", for the messages
     * @param knownTypes the types that exist
     * @throws IllegalArgumentException naming the block and the problem (an unknown type lists the known ones)
     */
    public static List<Block> read(Config root, String path, String what, Set<String> knownTypes) {
        if (!root.hasPath(path)) {
            return List.of();
        }
        if (root.getValue(path).valueType() != ConfigValueType.OBJECT) {
            throw new IllegalArgumentException(path + " must be an object of named " + what + "s");
        }
        Config section = root.getConfig(path);
        List<Block> out = new ArrayList<>();
        for (String name : new TreeSet<>(root.getObject(path).keySet())) {
            String key = path + ".\"" + name + "\"";
            if (section.getValue("\"" + name + "\"").valueType() != ConfigValueType.OBJECT) {
                throw new IllegalArgumentException(key + " must be an object (" + what + " settings, with a type)");
            }
            Config block = section.getConfig("\"" + name + "\"");
            if (block.hasPath("enabled") && !block.getBoolean("enabled")) {
                continue;
            }
            String type = block.hasPath("type") ? block.getString("type") : name;
            if (!knownTypes.contains(type)) {
                throw new IllegalArgumentException(key + ": unknown " + what + " type \"" + type + "\" (known: "
                        + String.join(", ", new TreeSet<>(knownTypes)) + ")");
            }
            out.add(new Block(name, type, block));
        }
        return List.copyOf(out);
    }
}
