package conditions;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The daily context keys of conditions, by their jazzstock names ({@code 01D_CLOSE}, {@code 05D_HIGH},
 * {@code 20D_85QTILE_VOL}, ...): fixed for a whole trading day, computed from completed days by
 * {@link DailyContext}. A Java name cannot start with a digit, so each constant carries its key.
 */
public enum DailyKey {
    D01_OPEN("01D_OPEN", 1), D01_HIGH("01D_HIGH", 1), D01_LOW("01D_LOW", 1), D01_CLOSE("01D_CLOSE", 1),
    D01_VOLUME("01D_VOLUME", 1),
    D01_BBU("01D_BBU", 20), D01_BBL("01D_BBL", 20), D01_BBP("01D_BBP", 20), D01_BBW("01D_BBW", 20),
    D01_K("01D_K", 16), D01_D("01D_D", 20), D01_J("01D_J", 20),
    D01_RSI("01D_RSI", 15),
    D01_I1("01D_I1", 1), D01_I5("01D_I5", 5), D01_I20("01D_I20", 20), D01_I60("01D_I60", 60),
    D01_F1("01D_F1", 1), D01_F5("01D_F5", 5), D01_F20("01D_F20", 20), D01_F60("01D_F60", 60),
    D05_HIGH("05D_HIGH", 5), D05_LOW("05D_LOW", 5), D60_HIGH("60D_HIGH", 60), D60_LOW("60D_LOW", 60),
    D20_85QTILE_VOL("20D_85QTILE_VOL", 20),
    D20_TOP20_MEAN_VOL("20D_TOP20_MEAN_VOL", 20), D20_TOP20_MEAN_CLOSE("20D_TOP20_MEAN_CLOSE", 20),
    D20_TOP20_MEAN_FLUCT("20D_TOP20_MEAN_FLUCT", 20);

    public static final int COUNT = values().length;
    private static final DailyKey[] ALL = values();
    private static final Map<String, DailyKey> BY_KEY = new HashMap<>();

    static {
        for (DailyKey k : ALL) {
            BY_KEY.put(k.key, k);
        }
    }

    private final String key;
    private final int days;

    DailyKey(String key, int days) {
        this.key = key;
        this.days = days;
    }

    /** The name conditions, hits and the README use. */
    public String key() {
        return key;
    }

    /**
     * How many completed trading days the key needs: daily bars (with investor flows on each of them
     * for {@code 01D_I*} / {@code 01D_F*}), or, for the {@code 20D_} keys, days of 5-minute bars.
     */
    public int days() {
        return days;
    }

    /** Whether the key is computed from 5-minute bars of earlier days rather than daily bars. */
    public boolean fromIntradayBars() {
        return key.startsWith("20D_");
    }

    /** The key of that exact name, or {@code null}. */
    public static DailyKey byKey(String key) {
        return BY_KEY.get(key);
    }

    public static DailyKey at(int ordinal) {
        return ALL[ordinal];
    }

    public static String validKeys() {
        return Arrays.stream(ALL).map(DailyKey::key).collect(Collectors.joining(", "));
    }
}
