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
    /** The key of a block whose sinks are endpoints ({@code webhook:desk}). */
    public static final String ENDPOINTS = "endpoints";

    private final Map<String, SinkFactory> byType;

    private SinkTypes(Map<String, SinkFactory> byType) {
        this.byType = Map.copyOf(byType);
    }

    /** {@code log}, {@code file}, {@code webhook}, {@code telegram} and {@code orders}: every sink type tickwatch ships. */
    public static SinkTypes builtIn() {
        return new SinkTypes(Map.of(
                LogSink.TYPE, LogSink::open,
                FileSink.TYPE, FileSink::open,
                WebhookSink.TYPE, WebhookSink::open,
                actors.sinks.telegram.TelegramSink.TYPE, actors.sinks.telegram.TelegramSink::open,
                actors.sinks.orders.OrderSink.TYPE, actors.sinks.orders.OrderSink::open));
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
     * The enabled sinks of {@code root} ({@value #SECTION}), checked, one block per sink. A block with
     * an {@code endpoints} object is one sink per endpoint, named {@code <block>:<endpoint>}
     * ({@code tickwatch.sinks.webhook.endpoints.desk} is the sink {@code webhook:desk}), whose config
     * is the endpoint's keys over the block's other keys (so {@code max-retries} set on the block
     * applies to every endpoint that does not set its own).
     *
     * @throws IllegalArgumentException for a block that is not an object or names an unknown type
     */
    public List<ConfigBlocks.Block> configured(Config root) {
        List<ConfigBlocks.Block> out = new ArrayList<>();
        for (ConfigBlocks.Block b : ConfigBlocks.read(root, SECTION, "sink", byType.keySet())) {
            out.addAll(endpoints(b));
        }
        return List.copyOf(out);
    }

    /** {@code b} itself, or one block per endpoint of {@code b.endpoints}. */
    static List<ConfigBlocks.Block> endpoints(ConfigBlocks.Block b) {
        if (!b.config().hasPath(ENDPOINTS)) {
            return List.of(b);
        }
        String where = SECTION + "." + b.name() + "." + ENDPOINTS;
        if (b.config().getValue(ENDPOINTS).valueType() != com.typesafe.config.ConfigValueType.OBJECT) {
            throw new IllegalArgumentException(where + " must be an object of named endpoints");
        }
        Config shared = b.config().withoutPath(ENDPOINTS);
        List<ConfigBlocks.Block> out = new ArrayList<>();
        for (String e : new java.util.TreeSet<>(b.config().getObject(ENDPOINTS).keySet())) {
            String key = "\"" + e + "\"";
            if (b.config().getConfig(ENDPOINTS).getValue(key).valueType() != com.typesafe.config.ConfigValueType.OBJECT) {
                throw new IllegalArgumentException(where + "." + e + " must be an object (the endpoint's settings)");
            }
            Config ec = b.config().getConfig(ENDPOINTS).getConfig(key);
            if (ec.hasPath("enabled") && !ec.getBoolean("enabled")) {
                continue;
            }
            out.add(new ConfigBlocks.Block(b.name() + ":" + e, b.type(), ec.withFallback(shared)));
        }
        return out;
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
