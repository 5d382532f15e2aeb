package conditions;

/**
 * An exact, non-negative trade quantity with up to 8 decimal places, as exchanges quote them
 * (Binance's {@code "q":"0.003"}, a KRX share count {@code 51234}).
 *
 * <p>Held as two primitives: {@code units}, the whole part, and {@code fraction}, the rest in
 * hundred-millionths (0 to 99,999,999). Why not a {@code double}: ten trades of 0.1 must make a bar
 * volume of exactly 1, and a repeated cumulative volume must compare equal however many decimals it
 * has. Why not one {@code long} of hundred-millionths: that ends at 92 billion, and meme-coin
 * volumes pass that in a day. Why not {@code BigDecimal}: the per-tick path sums volumes ten
 * million times a second, so it works on the two primitives with the static methods here and this
 * record is only the value handed around off that path (bars in the API, snapshots, tests).
 *
 * @param units    the whole part, 0 or more
 * @param fraction the fractional part in units of 10^-8, 0 to 99,999,999
 */
public record Volume(long units, int fraction) implements Comparable<Volume> {
    /** Fraction units in one whole unit. */
    public static final int SCALE = 100_000_000;
    /** Decimal places a quantity may have. */
    public static final int DECIMALS = 8;
    /** The largest quantity a tick may carry: anything above is an error in the feed, never a trade. */
    public static final long MAX_UNITS = 1_000_000_000_000_000L;

    public static final Volume ZERO = new Volume(0, 0);

    public Volume {
        if (units < 0 || fraction < 0 || fraction >= SCALE) {
            throw new IllegalArgumentException("not a volume: units " + units + ", fraction " + fraction);
        }
    }

    public static Volume of(long units) {
        return units == 0 ? ZERO : new Volume(units, 0);
    }

    /** Parses a decimal as {@link #parse(CharSequence, int, int, Parsed)} does; throws with the reason. */
    public static Volume parse(String text) {
        Parsed p = new Parsed();
        if (!parse(text, 0, text.length(), p)) {
            throw new IllegalArgumentException(p.error);
        }
        return new Volume(p.units, p.fraction);
    }

    public double toDouble() {
        return toDouble(units, fraction);
    }

    public boolean isWhole() {
        return fraction == 0;
    }

    @Override
    public int compareTo(Volume o) {
        return compare(units, fraction, o.units, o.fraction);
    }

    /** The decimal text: {@code 51234}, {@code 0.158}; never an exponent, never trailing zeros. */
    @Override
    public String toString() {
        return format(units, fraction);
    }

    // ---------------------------------------------------------------------------------------------
    // Arithmetic on (units, fraction) pairs, for the per-tick path

    /**
     * The nearest double to {@code units + fraction / 10^8}. For the indicators (VSMA, VALUE); a whole
     * number converts exactly, as a {@code long} volume did before decimals.
     */
    public static double toDouble(long units, int fraction) {
        if (fraction == 0) {
            return units;
        }
        // Below 2^53 / 10^8 the scaled value is an exact double, so one division rounds once.
        if (units < 90_000_000L) {
            return (double) (units * SCALE + fraction) / SCALE;
        }
        return Double.parseDouble(format(units, fraction));
    }

    public static int compare(long aUnits, int aFraction, long bUnits, int bFraction) {
        int c = Long.compare(aUnits, bUnits);
        return c != 0 ? c : Integer.compare(aFraction, bFraction);
    }

    /** Writes the decimal text of a pair: whole numbers as integers, fractions without trailing zeros. */
    public static void appendTo(StringBuilder sb, long units, int fraction) {
        sb.append(units);
        if (fraction != 0) {
            sb.append('.');
            int digits = DECIMALS;
            int f = fraction;
            while (f % 10 == 0) {
                f /= 10;
                digits--;
            }
            String s = Integer.toString(f);
            for (int i = s.length(); i < digits; i++) {
                sb.append('0');
            }
            sb.append(s);
        }
    }

    public static String format(long units, int fraction) {
        if (fraction == 0) {
            return Long.toString(units);
        }
        StringBuilder sb = new StringBuilder(28);
        appendTo(sb, units, fraction);
        return sb.toString();
    }

    // ---------------------------------------------------------------------------------------------
    // Parsing: one rule for every way a tick enters (CSV, JSON Lines, the API, sources)

    /** Where {@link #parse(CharSequence, int, int, Parsed)} leaves its result, reused per parser. */
    public static final class Parsed {
        public long units;
        public int fraction;
        /** Why the text is not a volume, when parse returned false. */
        public String error;
    }

    /**
     * Parses {@code text[from, to)} as a volume: digits with an optional decimal point and an
     * optional exponent ({@code 10}, {@code 10.0}, {@code 0.003}, {@code .5}, {@code 1e3}, {@code
     * 1.5E-2}), at most 8 decimal places once trailing zeros are dropped, at most 10^15. Negative
     * numbers, NaN, infinities and anything else are refused with a reason in {@code out.error}.
     */
    public static boolean parse(CharSequence text, int from, int to, Parsed out) {
        out.units = 0;
        out.fraction = 0;
        out.error = null;
        int i = from;
        if (from == to) {
            return fail(out, "is empty");
        }
        if (i < to && text.charAt(i) == '-') {
            return fail(out, "must not be negative, got " + text.subSequence(from, to));
        }
        if (i < to && text.charAt(i) == '+') {
            i++;
        }
        // The mantissa's digits, with the decimal point's position among them.
        int mantissaStart = i;
        int digits = 0;
        int pointAt = -1;
        for (; i < to; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (c == '.' && pointAt < 0) {
                pointAt = digits;
            } else {
                break;
            }
        }
        int mantissaEnd = i;
        if (digits == 0) {
            return fail(out, "is not a number: " + quote(text, from, to));
        }
        long exponent = 0;
        if (i < to && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            boolean negative = false;
            if (i < to && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                negative = text.charAt(i) == '-';
                i++;
            }
            int expStart = i;
            for (; i < to && text.charAt(i) >= '0' && text.charAt(i) <= '9'; i++) {
                if (exponent < 10_000) {
                    exponent = exponent * 10 + (text.charAt(i) - '0');
                }
            }
            if (i == expStart) {
                return fail(out, "is not a number: " + quote(text, from, to));
            }
            if (negative) {
                exponent = -exponent;
            }
        }
        if (i != to) {
            return fail(out, "is not a number: " + quote(text, from, to));
        }
        // Digit k (0-based among the mantissa's digits) stands for 10^(point - 1 - k).
        long point = (pointAt < 0 ? digits : pointAt) + exponent;
        long units = 0;
        long fraction = 0;
        int k = 0;
        for (int j = mantissaStart; j < mantissaEnd; j++) {
            char c = text.charAt(j);
            if (c == '.') {
                continue;
            }
            int d = c - '0';
            long power = point - 1 - k;
            k++;
            if (d == 0) {
                continue;
            }
            if (power >= 0) {
                if (power > 15) {
                    return tooLarge(out, text, from, to);
                }
                units += d * pow10((int) power);
                if (units > MAX_UNITS) {
                    return tooLarge(out, text, from, to);
                }
            } else if (power >= -DECIMALS) {
                fraction += d * pow10((int) (DECIMALS + power));
            } else {
                return fail(out, "has more than 8 decimal places: " + quote(text, from, to));
            }
        }
        if (units == MAX_UNITS && fraction != 0) {
            return tooLarge(out, text, from, to);
        }
        out.units = units;
        out.fraction = (int) fraction;
        return true;
    }

    private static boolean tooLarge(Parsed out, CharSequence text, int from, int to) {
        return fail(out, "is larger than 10^15: " + quote(text, from, to));
    }

    private static boolean fail(Parsed out, String why) {
        out.error = why;
        return false;
    }

    private static String quote(CharSequence text, int from, int to) {
        CharSequence s = text.subSequence(from, Math.min(to, from + 40));
        return "\"" + s + (to - from > 40 ? "..." : "") + "\"";
    }

    private static final long[] POW10 = {
        1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L,
        10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L, 100_000_000_000_000L,
        1_000_000_000_000_000L
    };

    private static long pow10(int n) {
        return POW10[n];
    }
}
