package conditions;

import java.util.List;

/** A bar length that divides the hour, so bars align to 09:00, 09:05, ... */
public record BarInterval(int minutes) {

    public static final List<Integer> ALLOWED = List.of(1, 3, 5, 10, 15, 30, 60);
    public static final BarInterval DEFAULT = new BarInterval(5);

    public BarInterval {
        if (!ALLOWED.contains(minutes)) {
            throw new IllegalArgumentException("bar interval must be one of " + ALLOWED + " minutes, got " + minutes);
        }
    }

    public long millis() {
        return minutes * Market.MINUTE;
    }

    /** Parses {@code 5m}, {@code 5} or {@code 1h}. */
    public static BarInterval parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.endsWith("h")) {
                return new BarInterval(Integer.parseInt(t.substring(0, t.length() - 1)) * 60);
            }
            if (t.endsWith("m")) {
                t = t.substring(0, t.length() - 1);
            }
            return new BarInterval(Integer.parseInt(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bar interval \"" + text + "\" is not one of 1m, 3m, 5m, 10m, 15m, 30m, 60m");
        }
    }

    @Override
    public String toString() {
        return minutes + "m";
    }
}
