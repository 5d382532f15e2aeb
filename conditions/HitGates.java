package conditions;

import java.util.Arrays;

/**
 * When each condition last hit one symbol: a condition hits at most once per bar, and not again
 * until its cooldown has passed. A few conditions per symbol, so parallel arrays and a linear scan
 * beat a map in both speed and memory.
 */
final class HitGates {
    private String[] names = new String[0];
    private long[] bars = new long[0];

    boolean allows(String condition, long bar, long cooldownMillis) {
        int i = indexOf(condition);
        if (i < 0) {
            return true;
        }
        long last = bars[i];
        return bar != last && (bar < last || bar >= last + cooldownMillis);
    }

    void record(String condition, long bar) {
        int i = indexOf(condition);
        if (i < 0) {
            i = names.length;
            names = Arrays.copyOf(names, i + 1);
            bars = Arrays.copyOf(bars, i + 1);
            names[i] = condition;
        }
        bars[i] = bar;
    }

    /**
     * Forgets the conditions that {@code set} no longer holds, so a symbol does not carry (and
     * snapshot) the name of every condition that ever hit it.
     */
    void retainOnly(ConditionSet set) {
        int kept = 0;
        for (int i = 0; i < names.length; i++) {
            if (set.get(names[i]) != null) {
                names[kept] = names[i];
                bars[kept] = bars[i];
                kept++;
            }
        }
        if (kept < names.length) {
            names = Arrays.copyOf(names, kept);
            bars = Arrays.copyOf(bars, kept);
        }
    }

    long lastHit(String condition) {
        int i = indexOf(condition);
        return i < 0 ? SymbolState.NONE : bars[i];
    }

    long[] bars() {
        return bars.clone();
    }

    String[] names() {
        return names.clone();
    }

    private int indexOf(String condition) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(condition)) {
                return i;
            }
        }
        return -1;
    }
}
