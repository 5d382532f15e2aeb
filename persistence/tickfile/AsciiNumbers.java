package persistence.tickfile;

import static persistence.tickfile.FieldText.quote;
import static persistence.tickfile.FieldText.trimEnd;
import static persistence.tickfile.FieldText.trimStart;

import java.nio.charset.StandardCharsets;

/**
 * ASCII decimal and integer numbers straight from bytes, with the reason when one does not parse,
 * and the word-at-a-time digit tricks the CSV fast path uses (8 bytes per {@code long}).
 */
final class AsciiNumbers {

    private AsciiNumbers() {
    }

    /** What {@link #parseInteger} returns for text that is not an integer in range. */
    static final long BAD_LONG = Long.MIN_VALUE;

    /** {@code '0'} in every byte. */
    static final long ZEROS = 0x3030303030303030L;

    /**
     * Given 8 bytes minus {@link #ZEROS}, flags (high bit) the bytes that were not ASCII digits; the
     * lowest flag is exact (bytes above a non-digit may be flagged wrongly, which does not matter).
     */
    static long nonDigits(long t) {
        return ((t + 0x7676767676767676L) | t) & 0x8080808080808080L;
    }

    /** The value of the first {@code n} (1-8) bytes of {@code t}, digits minus '0', first most significant. */
    static long digits(long t, int n) {
        long x = t << ((8 - n) << 3);
        x = ((x & 0x0F0F0F0F0F0F0F0FL) * 2561) >>> 8;
        x = ((x & 0x00FF00FF00FF00FFL) * 6553601) >>> 16;
        return ((x & 0x0000FFFF0000FFFFL) * 42949672960001L) >>> 32;
    }

    static final long[] LONG_POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    /**
     * Parses {@code [+-]digits[.digits]} (or with an exponent); NaN when it is not a number. Up to
     * 15 significant digits it is one correctly rounded division of the digits by a power of ten;
     * longer numbers and exponents go through {@link Double#parseDouble}.
     */
    static double parseDecimal(byte[] b, int s, int e) {
        s = trimStart(b, s, e);
        e = trimEnd(b, s, e);
        int i = s;
        boolean negative = false;
        if (i < e && (b[i] == '-' || b[i] == '+')) {
            negative = b[i] == '-';
            i++;
        }
        long mantissa = 0;
        int significant = 0;
        int fraction = 0;
        boolean dot = false;
        boolean anyDigit = false;
        for (; i < e; i++) {
            int d = b[i] - '0';
            if (d >= 0 && d <= 9) {
                anyDigit = true;
                if (dot) {
                    fraction++;
                }
                if (mantissa == 0 && d == 0) {
                    continue;
                }
                mantissa = mantissa * 10 + d;
                if (++significant > 15) {
                    return slowDecimal(b, s, e);
                }
            } else if (b[i] == '.' && !dot) {
                dot = true;
            } else if (b[i] == 'e' || b[i] == 'E') {
                return slowDecimal(b, s, e);
            } else {
                return Double.NaN;
            }
        }
        if (!anyDigit) {
            return Double.NaN;
        }
        if (fraction >= POW10.length) {
            return slowDecimal(b, s, e);
        }
        double v = fraction == 0 ? (double) mantissa : mantissa / POW10[fraction];
        return negative ? -v : v;
    }

    private static double slowDecimal(byte[] b, int s, int e) {
        for (int i = s; i < e; i++) {
            byte c = b[i];
            if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
                return Double.NaN;
            }
        }
        try {
            return Double.parseDouble(new String(b, s, e - s, StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException ex) {
            return Double.NaN;
        }
    }

    /** Why a number field did not parse. */
    static String numberError(String field, byte[] b, int s, int e) {
        s = trimStart(b, s, e);
        e = trimEnd(b, s, e);
        if (s == e) {
            return field + " is empty";
        }
        return field + " " + quote(b, s, e) + " is not a number";
    }
}
