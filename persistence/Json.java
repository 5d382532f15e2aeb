package persistence;

import com.fasterxml.jackson.core.io.schubfach.DoubleToDecimal;

/** Small, fast JSON writing helpers for the line-oriented files tickwatch writes. */
public final class Json {
    private Json() {
    }

    // Up to two fraction digits (prices); longer decimals cost less through Schubfach than through more tries.
    private static final double[] POW10 = {1, 1e1, 1e2};

    /**
     * Appends a number that parses back to exactly {@code v}: whole values without a fraction
     * ({@code 70000}), short decimals directly ({@code 4.437796}), the rest as Java prints a double.
     * JDK 17's {@link Double#toString} is slow (~1 us), and bars are mostly prices and means of
     * integers, so the short form is tried first: {@code m / 10^k}, both exact doubles, is the
     * correctly rounded quotient, hence the double nearest the decimal m·10^-k; when that equals
     * {@code v}, the decimal round-trips.
     */
    public static void number(StringBuilder sb, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            sb.append("null");
            return;
        }
        double a = Math.abs(v);
        if (a < 1e15) {
            if (v == Math.rint(v)) {
                sb.append((long) v);
                return;
            }
            for (int k = 1; k < POW10.length; k++) {
                double scaled = a * POW10[k];
                if (scaled >= 9e15) {
                    break;
                }
                long m = Math.round(scaled);
                if (m / POW10[k] == a) {
                    decimal(sb, v < 0, m, k);
                    return;
                }
            }
        }
        // Schubfach (R. Giulietti, the algorithm of JDK 19+'s Double.toString), shipped in jackson-core:
        // the same shortest round-trip digits as Double.toString, several times faster on JDK 17.
        sb.append(DoubleToDecimal.toString(v));
    }

    /** Appends m·10^-k with exactly k fraction digits (the caller tried smaller k first). */
    private static void decimal(StringBuilder sb, boolean negative, long m, int k) {
        if (negative) {
            sb.append('-');
        }
        long scale = (long) POW10[k];
        sb.append(m / scale).append('.');
        long frac = m % scale;
        for (long d = scale / 10; d > 0; d /= 10) {
            sb.append((char) ('0' + frac / d % 10));
        }
    }

    /** Appends a volume exactly: {@code 51234}, {@code 0.158} (never an exponent, never {@code .0}). */
    public static void volume(StringBuilder sb, long units, int fraction) {
        conditions.Volume.appendTo(sb, units, fraction);
    }

    /**
     * A volume for Jackson, written exactly as {@link #volume} writes it: a {@code Long} when whole,
     * else a {@code BigDecimal} built from its text (plain notation, no trailing zeros).
     */
    public static Object volumeValue(conditions.Volume v) {
        return v.isWhole() ? (Object) v.units() : new java.math.BigDecimal(v.toString());
    }

    /** The value as written by {@link #number}: a {@code Long} when whole, else the {@code Double}. */
    public static Object numberValue(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return null;
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return (long) v;
        }
        return v;
    }

    /** Appends a quoted, escaped JSON string. */
    public static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
