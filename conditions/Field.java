package conditions;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Everything a condition can read off a bar: the bar's own fields and the indicators. The names
 * are the public contract of conditions, {@code bars.jsonl} and the API; definitions in README.
 */
public enum Field {
    OPEN, HIGH, LOW, CLOSE, VOLUME,
    PSMA5, PSMA20, PSMA60, PSMAR5, PSMAR20, PSMAR60,
    VSMA5, VSMA20, VSMA60, VSMAR5, VSMAR20, VSMAR60,
    EMA12, EMA26, MACD, MACD_SIGNAL, MACD_HIST,
    BBU, BBL, BBW, BBP,
    STOCH_FASTK, STOCH_K, STOCH_D,
    RSI14,
    VALUE, TRADINGVALUE;

    public static final int COUNT = values().length;
    private static final Field[] ALL = values();
    private static final Map<String, Field> BY_NAME = new HashMap<>();

    static {
        for (Field f : ALL) {
            BY_NAME.put(f.name(), f);
        }
    }

    /** The field of that exact name, or {@code null}. */
    public static Field byName(String name) {
        return BY_NAME.get(name);
    }

    public static Field at(int ordinal) {
        return ALL[ordinal];
    }

    public static String validNames() {
        return Arrays.stream(ALL).map(Enum::name).collect(Collectors.joining(", "));
    }

    /** The indicators, in output order (everything but the bar's own fields). */
    public static List<Field> indicators() {
        return Arrays.asList(ALL).subList(PSMA5.ordinal(), COUNT);
    }
}
