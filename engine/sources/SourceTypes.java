package engine.sources;

import actors.ConfigBlocks;
import com.typesafe.config.Config;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The kinds of source a {@code type} may name: the one place a new source class is registered
 * ({@link #builtIn()}). Tests and tools add their own with {@link #with}.
 */
public final class SourceTypes {
    public static final String SECTION = "tickwatch.sources";

    private final Map<String, SourceFactory> byType;

    private SourceTypes(Map<String, SourceFactory> byType) {
        this.byType = Map.copyOf(byType);
    }

    /** Every source type tickwatch ships: {@code push}, {@code naver}, {@code ls}, {@code binance}. */
    public static SourceTypes builtIn() {
        return new SourceTypes(Map.of(PushSource.TYPE, PushSource::create,
                engine.sources.naver.NaverSource.TYPE, engine.sources.naver.NaverSource::create,
                engine.sources.ls.LsSource.TYPE, engine.sources.ls.LsSource::create,
                engine.sources.binance.BinanceSource.TYPE, engine.sources.binance.BinanceSource::create));
    }

    /** These types and {@code type} (replacing one of that name). */
    public SourceTypes with(String type, SourceFactory factory) {
        Map<String, SourceFactory> m = new TreeMap<>(byType);
        m.put(type, factory);
        return new SourceTypes(m);
    }

    public Set<String> types() {
        return byType.keySet();
    }

    /**
     * The enabled source blocks of {@code root} ({@value #SECTION}), checked.
     *
     * @throws IllegalArgumentException for a block that is not an object or names an unknown type
     */
    public List<ConfigBlocks.Block> configured(Config root) {
        return ConfigBlocks.read(root, SECTION, "source", byType.keySet());
    }

    SourceFactory factory(String type) {
        return byType.get(type);
    }
}
