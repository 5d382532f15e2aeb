package actors.sinks;

import actors.ConfigBlocks;
import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The kinds of sink a {@code type} may name: the one place a new sink class is registered
 * ({@link #builtIn()}). Tests and tools add their own with {@link #with}.
 */
public final class SinkTypes {
    public static final String SECTION = "tickwatch.sinks";

    private final Map<String, SinkFactory> byType;

    private SinkTypes(Map<String, SinkFactory> byType) {
        this.byType = Map.copyOf(byType);
    }

    /** {@code log} and {@code file}: every sink type tickwatch ships. */
    public static SinkTypes builtIn() {
        return new SinkTypes(Map.of(
                LogSink.TYPE, LogSink::open,
                FileSink.TYPE, FileSink::open));
    }

    /** These types and {@code type} (replacing one of that name). */
    public SinkTypes with(String type, SinkFactory factory) {
        Map<String, SinkFactory> m = new TreeMap<>(byType);
        m.put(type, factory);
        return new SinkTypes(m);
    }

    public Set<String> types() {
        return byType.keySet();
    }

    /**
     * The enabled sink blocks of {@code root} ({@value #SECTION}), checked.
     *
     * @throws IllegalArgumentException for a block that is not an object or names an unknown type
     */
    public List<ConfigBlocks.Block> configured(Config root) {
        return ConfigBlocks.read(root, SECTION, "sink", byType.keySet());
    }

    /**
     * Opens every configured sink, in name order. When one fails, those opened are closed again.
     *
     * @param context the context of each block
     * @throws IllegalStateException naming the sink that failed
     */
    public List<HitSink> open(List<ConfigBlocks.Block> blocks, Function<ConfigBlocks.Block, SinkContext> context) {
        List<HitSink> opened = new ArrayList<>();
        for (ConfigBlocks.Block b : blocks) {
            try {
                HitSink s = byType.get(b.type()).open(context.apply(b));
                opened.add(s);
                if (!b.name().equals(s.name())) {
                    throw new IllegalStateException("its " + b.type() + " sink calls itself \"" + s.name() + "\"");
                }
            } catch (Exception e) {
                opened.forEach(SinkTypes::closeQuietly);
                throw new IllegalStateException("sink \"" + b.name() + "\" (type " + b.type() + "): " + e.getMessage(), e);
            }
        }
        return List.copyOf(opened);
    }

    /** Closes a sink, logging instead of throwing (shutdown and failed starts). */
    public static void closeQuietly(HitSink s) {
        try {
            s.close();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(SinkTypes.class).warn("closing sink {}: {}", s.name(), e.toString());
        }
    }
}
