package persistence.tickfile;

import static persistence.tickfile.AsciiNumbers.BAD_LONG;
import static persistence.tickfile.AsciiNumbers.LONG_POW10;
import static persistence.tickfile.AsciiNumbers.POW10;
import static persistence.tickfile.AsciiNumbers.ZEROS;
import static persistence.tickfile.AsciiNumbers.digits;
import static persistence.tickfile.AsciiNumbers.nonDigits;
import static persistence.tickfile.AsciiNumbers.numberError;
import static persistence.tickfile.AsciiNumbers.parseDecimal;
import static persistence.tickfile.FieldText.isBlank;
import static persistence.tickfile.FieldText.quote;
import static persistence.tickfile.FieldText.trimEnd;
import static persistence.tickfile.FieldText.trimStart;
import static persistence.tickfile.IsoTime.BAD_TIME;
import static persistence.tickfile.IsoTime.daysFromCivil;
import static persistence.tickfile.IsoTime.daysInMonth;
import static persistence.tickfile.IsoTime.parseTime;

import conditions.Market;
import conditions.Tick;
import conditions.Volume;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A CSV tick file: a header naming the columns (any order; {@code cum_volume} and {@code market}
 * optional, other columns ignored), then one tick per line, no quoting.
 *
 * <p>Two paths. The fast path ({@link #fast}) parses a well-formed line straight from the bytes in
 * one pass, 8 bytes at a time where it can, and gives up (consuming nothing) at anything unusual;
 * the careful path ({@link #slow()}) then finds the line's commas and parses field by field, so that
 * a malformed line is reported with the reason. Both must accept exactly the same lines.
 */
final class CsvTickSource extends LineSource {
    private final SymbolInterner symbols;
    private byte[] header;
    private String headerText;
    private int fields;
    private int colTime = -1;
    private int colSymbol = -1;
    private int colPrice = -1;
    private int colVolume = -1;
    private int colCum = -1;
    private int colMarket = -1;
    /** Positions of the commas of the line being parsed (as many as the header has). */
    private int[] commas = new int[0];
    /** What each column holds, {@code K_*}. */
    private byte[] kinds;
    /** A {@code LAYOUT_*} when the columns come in the usual order, else 0. */
    private int layout;

    private static final byte K_OTHER = 0;
    private static final byte K_TIME = 1;
    private static final byte K_SYMBOL = 2;
    private static final byte K_PRICE = 3;
    private static final byte K_VOLUME = 4;
    private static final byte K_CUM = 5;
    private static final byte K_MARKET = 6;
    /** {@link #layout}s: columns time,symbol,price,volume then nothing, cum_volume, or both. */
    private static final int LAYOUT_PLAIN = 1;
    private static final int LAYOUT_CUM = 2;
    private static final int LAYOUT_CUM_MARKET = 3;
    /** The markets by the codes {@link #fastMarket} returns: 0 for an empty field, then 1, 2. */
    private static final Market[] MARKET_CODES = {null, Market.KRX, Market.CRYPTO};
    /** Refill when fewer bytes than this are left, so that lines rarely cross the buffer's end. */
    private static final int WINDOW = 1 << 13;

    CsvTickSource(String name, InputStream in, SymbolInterner symbols, int bufferSize) {
        super(name, in, bufferSize);
        this.symbols = symbols;
    }

    @Override
    void start() throws IOException {
        while (nextLine()) {
            int s = lineStart;
            if (lineNo == 1 && lineEnd - s >= 3 && buf[s] == (byte) 0xEF && buf[s + 1] == (byte) 0xBB
                    && buf[s + 2] == (byte) 0xBF) {
                s += 3; // UTF-8 byte order mark
            }
            if (!isBlank(buf, s, lineEnd)) {
                header(s, lineEnd);
                return;
            }
        }
        // An empty file: no header, no ticks.
    }

    private void header(int s, int e) throws IOException {
        header = Arrays.copyOfRange(buf, s, e);
        headerText = new String(header, StandardCharsets.UTF_8);
        String[] names = headerText.split(",", -1);
        fields = names.length;
        for (int i = 0; i < names.length; i++) {
            String n = names[i].trim().toLowerCase(Locale.ROOT);
            int before;
            switch (n) {
                case "time" -> { before = colTime; colTime = i; }
                case "symbol" -> { before = colSymbol; colSymbol = i; }
                case "price" -> { before = colPrice; colPrice = i; }
                case "volume" -> { before = colVolume; colVolume = i; }
                case "cum_volume" -> { before = colCum; colCum = i; }
                case "market" -> { before = colMarket; colMarket = i; }
                default -> throw new IOException("tick file " + name + ": header \"" + headerText + "\" (line " + lineNo
                        + ") names an unknown column \"" + n + "\"; a tick file has time, symbol, price, volume, cum_volume, market"
                        + " (a misspelt cum_volume left out would count a crawler's volume twice)");
            }
            if (before >= 0) {
                throw new IOException("tick file " + name + ": header names column \"" + n + "\" twice: " + headerText);
            }
        }
        List<String> missing = new ArrayList<>();
        if (colTime < 0) {
            missing.add("time");
        }
        if (colSymbol < 0) {
            missing.add("symbol");
        }
        if (colPrice < 0) {
            missing.add("price");
        }
        if (colVolume < 0) {
            missing.add("volume");
        }
        if (!missing.isEmpty()) {
            throw new IOException("tick file " + name + ": header \"" + headerText + "\" (line " + lineNo
                    + ") lacks column(s) " + String.join(", ", missing)
                    + "; expected time,symbol,price,volume[,cum_volume][,market]");
        }
        commas = new int[fields - 1];
        kinds = new byte[fields];
        kinds[colTime] = K_TIME;
        kinds[colSymbol] = K_SYMBOL;
        kinds[colPrice] = K_PRICE;
        kinds[colVolume] = K_VOLUME;
        if (colCum >= 0) {
            kinds[colCum] = K_CUM;
        }
        if (colMarket >= 0) {
            kinds[colMarket] = K_MARKET;
        }
        if (colTime == 0 && colSymbol == 1 && colPrice == 2 && colVolume == 3) {
            if (fields == 4) {
                layout = LAYOUT_PLAIN;
            } else if (fields == 5 && colCum == 4) {
                layout = LAYOUT_CUM;
            } else if (fields == 6 && colCum == 4 && colMarket == 5) {
                layout = LAYOUT_CUM_MARKET;
            }
        }
    }

    /** Where column {@code i} starts on a line starting at {@code s}, after {@link #slow()} found the commas. */
    private int columnStart(int i, int s) {
        return i == 0 ? s : commas[i - 1] + 1;
    }

    /** Where column {@code i} ends on a line ending at {@code e}, after {@link #slow()} found the commas. */
    private int columnEnd(int i, int e) {
        return i == fields - 1 ? e : commas[i];
    }

    @Override
    Tick next() throws IOException {
        if (header == null) {
            return null;
        }
        for (;;) {
            if (limit - pos < WINDOW && !eof) {
                fill();
            }
            if (pos >= limit) {
                if (eof) {
                    return null;
                }
                continue;
            }
            Tick t = fast(buf, pos, limit);
            if (t != null) {
                lineNo++;
                lines++;
                ticks++;
                return t;
            }
            t = slow();
            if (t != null) {
                return t;
            }
        }
    }

    /**
     * Takes one line the careful way: finds its end and its commas, then parses the fields one
     * by one, reporting what is wrong. Null when the line was blank, a repeated header, malformed,
     * or when the buffer ran out (then it has been refilled and nothing was consumed).
     */
    private Tick slow() throws IOException {
        final byte[] b = buf;
        final int lim = limit;
        final int[] cm = commas;
        final int cap = cm.length;
        int p = pos;
        int nc = 0;
        while (p < lim) {
            byte c = b[p];
            if (c == '\n') {
                break;
            }
            if (c == ',') {
                if (nc < cap) {
                    cm[nc] = p;
                }
                nc++;
            }
            p++;
        }
        int s = pos;
        int e;
        if (p < lim) {
            e = p;
            pos = p + 1;
        } else if (!eof) {
            fill();
            return null;
        } else if (s < lim) {
            e = lim;
            pos = lim;
        } else {
            return null;
        }
        lineNo++;
        if (e > s && b[e - 1] == '\r') {
            e--;
        }
        if (e == s) {
            return null;
        }
        return parse(b, s, e, nc);
    }

    // --- the fast path: one pass over a well-formed line, straight from the bytes -------------

    /** End of the field just parsed by a fast-path helper. */
    private int at;
    /** Fraction (10^-8) of the volume {@link #fastVolume} just parsed. */
    private int fraction;
    /** Where the careful path parses volumes. */
    private final Volume.Parsed number = new Volume.Parsed();
    /** The date last seen (its bytes {@code yyyy-MM-} and {@code dd}) and its day number. */
    private long lastDateWord;
    private int lastDayDigits = -1;
    private long lastDays;

    /**
     * Parses a well-formed line starting at {@code s} in one pass and moves {@link #pos} past it;
     * null (consuming nothing) when anything is unusual, so that {@link #slow()} takes it.
     */
    private Tick fast(byte[] b, int s, int lim) {
        if (layout != 0) {
            return fastInOrder(b, s, lim);
        }
        final byte[] k = kinds;
        final int last = k.length - 1;
        long time = 0;
        String symbol = null;
        Market market = null;
        double price = 0;
        long volume = 0;
        int volumeFraction = 0;
        long cum = Tick.NO_CUM;
        int cumFraction = 0;
        int slot = -1;
        int p = s;
        for (int c = 0; ; c++) {
            switch (k[c]) {
                case K_TIME -> {
                    time = fastTime(b, p, lim);
                    if (time == BAD_TIME) {
                        return null;
                    }
                }
                case K_SYMBOL -> {
                    slot = fastSymbol(b, p, lim);
                    if (slot < 0) {
                        return null;
                    }
                    symbol = symbols.names[slot];
                    if (market == null) {
                        market = symbols.markets[slot];
                    }
                }
                case K_PRICE -> {
                    price = fastDecimal(b, p, lim);
                    if (Double.isNaN(price)) {
                        return null;
                    }
                }
                case K_VOLUME -> {
                    volume = fastVolume(b, p, lim);
                    if (volume == BAD_LONG || at == p) {
                        return null;
                    }
                    volumeFraction = fraction;
                }
                case K_CUM -> {
                    cum = fastVolume(b, p, lim);
                    if (cum == BAD_LONG) {
                        return null;
                    }
                    cumFraction = fraction;
                    if (at == p) {
                        cum = Tick.NO_CUM;
                    }
                }
                case K_MARKET -> {
                    int m = fastMarket(b, p, lim);
                    if (m < 0) {
                        return null;
                    }
                    if (m > 0) {
                        market = MARKET_CODES[m];
                    }
                    // empty: keep the symbol's market (a symbol column further on fills it in)
                }
                default -> {
                    int q = p;
                    byte x;
                    while (q < lim && (x = b[q]) != ',' && x != '\n' && x != '\r') {
                        q++;
                    }
                    at = q;
                }
            }
            p = at;
            if (c == last) {
                break;
            }
            if (p >= lim || b[p] != ',') {
                return null;
            }
            p++;
        }
        return finish(b, p, lim, symbol, slot, time, price, volume, volumeFraction, cum, cumFraction, market);
    }
    /**
     * The end both fast paths share: the line must end here, and the tick must pass
     * {@link Tick#problem()} (its symbol part decided once per symbol, see SymbolInterner.valid);
     * otherwise {@code null} lets the careful path report the line.
     */
    private Tick finish(byte[] b, int p, int lim, String symbol, int slot, long time, double price, long volume,
                        int volumeFraction, long cum, int cumFraction, Market market) {
        int next = afterLineEnd(b, p, lim);
        if (next < 0 || !Tick.numbersValid(price, volume, volumeFraction, cum, cumFraction) || !symbols.valid[slot]) {
            return null;
        }
        pos = next;
        return new Tick(symbol, time, price, volume, volumeFraction, cum, cumFraction, market);
    }

    /**
     * {@link #fast} for the usual layout, {@code time,symbol,price,volume[,cum_volume[,market]]}:
     * the same checks, field after field without the per-column dispatch.
     */
    private Tick fastInOrder(byte[] b, int s, int lim) {
        long time = fastTime(b, s, lim);
        int p = at;
        if (time == BAD_TIME || p >= lim || b[p] != ',') {
            return null;
        }
        p++;
        int slot = fastSymbol(b, p, lim);
        p = at;
        if (slot < 0 || p >= lim || b[p] != ',') {
            return null;
        }
        p++;
        double price = fastDecimal(b, p, lim);
        p = at;
        if (Double.isNaN(price) || p >= lim || b[p] != ',') {
            return null;
        }
        p++;
        long volume = fastVolume(b, p, lim);
        if (volume == BAD_LONG || at == p) {
            return null;
        }
        int volumeFraction = fraction;
        p = at;
        long cum = Tick.NO_CUM;
        int cumFraction = 0;
        Market market = symbols.markets[slot];
        if (layout >= LAYOUT_CUM) {
            if (p >= lim || b[p] != ',') {
                return null;
            }
            p++;
            cum = fastVolume(b, p, lim);
            if (cum == BAD_LONG) {
                return null;
            }
            cumFraction = fraction;
            if (at == p) {
                cum = Tick.NO_CUM;
            }
            p = at;
            if (layout == LAYOUT_CUM_MARKET) {
                if (p >= lim || b[p] != ',') {
                    return null;
                }
                p++;
                int m = fastMarket(b, p, lim);
                if (m < 0) {
                    return null;
                }
                if (m > 0) {
                    market = MARKET_CODES[m];
                }
                p = at;
            }
        }
        return finish(b, p, lim, symbols.names[slot], slot, time, price, volume, volumeFraction, cum, cumFraction, market);
    }

    /** Where the next line starts if a line ends at {@code p}, else -1. */
    private int afterLineEnd(byte[] b, int p, int lim) {
        if (p >= lim) {
            return eof ? lim : -1;
        }
        byte d = b[p];
        if (d == '\n') {
            return p + 1;
        }
        if (d == '\r') {
            if (p + 1 < lim) {
                return b[p + 1] == '\n' ? p + 2 : -1;
            }
            return eof ? lim : -1;
        }
        return -1;
    }

    /** The symbol field at {@code p}: its cache entry, or -1; sets {@link #at}. */
    private int fastSymbol(byte[] b, int p, int lim) {
        if (p + 8 <= lim) {
            // Up to 7 symbol bytes in one word: flag the ASCII bytes below '-' (the delimiters;
            // symbol characters are all above ','); the lowest flag is exact.
            long w = view.getLong(p);
            long f = (w - 0x2D2D2D2D2D2D2D2DL) & ~w & 0x8080808080808080L;
            int n = Long.numberOfTrailingZeros(f) >>> 3;
            if (f != 0 && n > 0) {
                at = p + n;
                return symbols.findWord(w & ((1L << (n << 3)) - 1), b, p, n);
            }
        }
        int q = p;
        int h = 0;
        byte x;
        while (q < lim && (x = b[q]) > ',') {
            h = 31 * h + x;
            q++;
        }
        at = q;
        return symbols.find(b, p, q - p, h);
    }

    /**
     * The market field at {@code p}: 0 when empty, 1 for KRX, 2 for CRYPTO (see
     * {@link #MARKET_CODES}), -1 for anything else; sets {@link #at}.
     */
    private int fastMarket(byte[] b, int p, int lim) {
        int q = p;
        while (q < lim && b[q] > ',') {
            q++;
        }
        at = q;
        int n = q - p;
        if (n == 3 && b[p] == 'K' && b[p + 1] == 'R' && b[p + 2] == 'X') {
            return 1;
        }
        if (n == 6 && b[p] == 'C' && b[p + 1] == 'R' && b[p + 2] == 'Y' && b[p + 3] == 'P' && b[p + 4] == 'T'
                && b[p + 5] == 'O') {
            return 2;
        }
        return n == 0 ? 0 : -1;
    }

    /** End of a field that starts at {@code p}: the next comma or line break. */
    private static int fieldEnd(byte[] b, int p, int lim) {
        byte x;
        while (p < lim && (x = b[p]) != ',' && x != '\n' && x != '\r') {
            p++;
        }
        return p;
    }

    private static boolean delimiter(byte[] b, int q, int lim) {
        if (q >= lim) {
            return true;
        }
        byte x = b[q];
        return x == ',' || x == '\n' || x == '\r';
    }

    /**
     * The time field at {@code p}; sets {@link #at}. Times laid out as
     * {@code yyyy-MM-ddTHH:mm:ss.SSS} plus {@code Z} or {@code ±HH:MM} take a shortcut, and a date
     * equal to the previous line's (same bytes) is not parsed again.
     */
    private long fastTime(byte[] b, int p, int lim) {
        if (p + 24 <= lim && b[p + 4] == '-' && b[p + 7] == '-' && b[p + 10] == 'T' && b[p + 13] == ':'
                && b[p + 16] == ':' && b[p + 19] == '.') {
            long dateWord = view.getLong(p);
            int dayDigits = (b[p + 8] & 0xFF) | (b[p + 9] & 0xFF) << 8;
            if ((dateWord != lastDateWord || dayDigits != lastDayDigits) && !date(b, p, dateWord, dayDigits)) {
                return BAD_TIME;
            }
            int h0 = b[p + 11] - '0';
            int h1 = b[p + 12] - '0';
            int mi0 = b[p + 14] - '0';
            int mi1 = b[p + 15] - '0';
            int s0 = b[p + 17] - '0';
            int s1 = b[p + 18] - '0';
            int f0 = b[p + 20] - '0';
            int f1 = b[p + 21] - '0';
            int f2 = b[p + 22] - '0';
            int low = h0 | h1 | mi0 | mi1 | s0 | s1 | f0 | f1 | f2;
            int high = (9 - h0) | (9 - h1) | (9 - mi0) | (9 - mi1) | (9 - s0) | (9 - s1) | (9 - f0) | (9 - f1) | (9 - f2);
            byte o = b[p + 23];
            int end = -1;
            int offset = 0;
            if (o == 'Z') {
                end = p + 24;
            } else if ((o == '+' || o == '-') && p + 29 <= lim && b[p + 26] == ':') {
                int oh0 = b[p + 24] - '0';
                int oh1 = b[p + 25] - '0';
                int om0 = b[p + 27] - '0';
                int om1 = b[p + 28] - '0';
                low |= oh0 | oh1 | om0 | om1;
                high |= (9 - oh0) | (9 - oh1) | (9 - om0) | (9 - om1);
                int oh = oh0 * 10 + oh1;
                int om = om0 * 10 + om1;
                if (om <= 59 && oh * 60 + om <= 18 * 60) {
                    offset = (oh * 60 + om) * 60;
                    if (o == '-') {
                        offset = -offset;
                    }
                    end = p + 29;
                }
            }
            int hour = h0 * 10 + h1;
            int minute = mi0 * 10 + mi1;
            int second = s0 * 10 + s1;
            if ((low | high) >= 0 && end >= 0 && delimiter(b, end, lim) && hour <= 23 && minute <= 59 && second <= 59) {
                at = end;
                return (lastDays * 86_400L + hour * 3_600 + minute * 60 + second - offset) * 1000L
                        + (f0 * 100 + f1 * 10 + f2);
            }
        }
        int e = fieldEnd(b, p, lim);
        at = e;
        return parseTime(b, p, e, null);
    }

    /** Parses the date {@code yyyy-MM-dd} at {@code p} into {@link #lastDays}; false when it is not one. */
    private boolean date(byte[] b, int p, long dateWord, int dayDigits) {
        int y0 = b[p] - '0';
        int y1 = b[p + 1] - '0';
        int y2 = b[p + 2] - '0';
        int y3 = b[p + 3] - '0';
        int mo0 = b[p + 5] - '0';
        int mo1 = b[p + 6] - '0';
        int d0 = b[p + 8] - '0';
        int d1 = b[p + 9] - '0';
        int low = y0 | y1 | y2 | y3 | mo0 | mo1 | d0 | d1;
        int high = (9 - y0) | (9 - y1) | (9 - y2) | (9 - y3) | (9 - mo0) | (9 - mo1) | (9 - d0) | (9 - d1);
        if ((low | high) < 0) {
            return false;
        }
        int year = ((y0 * 10 + y1) * 10 + y2) * 10 + y3;
        int month = mo0 * 10 + mo1;
        int day = d0 * 10 + d1;
        if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
            return false;
        }
        lastDays = daysFromCivil(year, month, day);
        lastDateWord = dateWord;
        lastDayDigits = dayDigits;
        return true;
    }

    /** The price field at {@code p} (NaN when not a number); sets {@link #at}. */
    private double fastDecimal(byte[] b, int p, int lim) {
        if (p + 8 <= lim) {
            // Up to 8 integer digits, then maybe '.' and up to 7 fraction digits, 8 bytes at a time.
            long t = view.getLong(p) - ZEROS;
            long f = nonDigits(t);
            int n = Long.numberOfTrailingZeros(f) >>> 3;
            if (f != 0 && n > 0) {
                int q = p + n;
                byte x = b[q];
                if (x == ',' || x == '\n' || x == '\r') {
                    at = q;
                    return digits(t, n);
                }
                if (x == '.' && q + 9 <= lim) {
                    long u = view.getLong(q + 1) - ZEROS;
                    long g = nonDigits(u);
                    int k = Long.numberOfTrailingZeros(g) >>> 3;
                    int r = q + 1 + k;
                    if (g != 0 && k > 0 && ((x = b[r]) == ',' || x == '\n' || x == '\r')) {
                        at = r;
                        return (digits(t, n) * LONG_POW10[k] + digits(u, k)) / POW10[k];
                    }
                }
            }
        }
        int q = p;
        long m = 0;
        int d;
        while (q < lim && (d = b[q] - '0') >= 0 && d <= 9) {
            m = m * 10 + d;
            q++;
        }
        int digits = q - p;
        int fraction = 0;
        if (q < lim && b[q] == '.') {
            q++;
            int f = q;
            while (q < lim && (d = b[q] - '0') >= 0 && d <= 9) {
                m = m * 10 + d;
                q++;
            }
            fraction = q - f;
            digits += fraction;
        }
        if (digits == 0 || digits > 15 || !delimiter(b, q, lim)) {
            int e = fieldEnd(b, p, lim);
            at = e;
            return parseDecimal(b, p, e);
        }
        at = q;
        return fraction == 0 ? (double) m : m / POW10[fraction];
    }

    /**
     * The volume field at {@code p}: its whole part, with the fraction (10^-8) in {@link #fraction};
     * {@link AsciiNumbers#BAD_LONG} for anything but plain digits with an optional point and at
     * most 8 decimals (the careful path then reads or reports it). Sets {@link #at}, which stays
     * {@code p} for an empty field.
     */
    private long fastVolume(byte[] b, int p, int lim) {
        fraction = 0;
        if (p + 8 <= lim) {
            long t = view.getLong(p) - ZEROS;
            long f = nonDigits(t);
            if (f != 0) {
                int n = Long.numberOfTrailingZeros(f) >>> 3;
                byte x = b[p + n];
                if (x == ',' || x == '\n' || x == '\r') {
                    at = p + n;
                    return n == 0 ? 0 : digits(t, n);
                }
            }
        }
        int q = p;
        long v = 0;
        int d;
        while (q < lim && (d = b[q] - '0') >= 0 && d <= 9) {
            v = v * 10 + d;
            q++;
        }
        int whole = q - p;
        if (q < lim && b[q] == '.') {
            q++;
            int f = q;
            int frac = 0;
            while (q < lim && q - f < Volume.DECIMALS && (d = b[q] - '0') >= 0 && d <= 9) {
                frac = frac * 10 + d;
                q++;
            }
            int n = q - f;
            if (n == 0 && whole == 0) {
                return BAD_LONG;
            }
            fraction = frac * FRACTION_SCALE[n];
        }
        if (whole <= 15 && delimiter(b, q, lim)) {
            at = q;
            return v;
        }
        fraction = 0;
        return BAD_LONG;
    }

    /** 10^(8-n): scales n decimals to hundred-millionths. */
    private static final int[] FRACTION_SCALE = {100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

    /** Parses one non-empty line with {@code nc} commas; null when blank or malformed (reported). */
    private Tick parse(byte[] b, int s, int e, int nc) {
        if (nc != fields - 1) {
            if (isBlank(b, s, e)) {
                return null;
            }
            lines++;
            return bad("expected " + fields + " fields (" + headerText + "), got " + (nc + 1));
        }
        lines++;
        // time
        int fs = columnStart(colTime, s);
        int fe = columnEnd(colTime, e);
        String[] why = new String[1];
        long time = TickFields.time(b, fs, fe, reason -> why[0] = reason);
        if (time == BAD_TIME) {
            if (isHeaderAgain(b, s, e)) {
                lines--;
                return null;
            }
            return bad(why[0]);
        }
        // symbol
        fs = trimStart(b, columnStart(colSymbol, s), columnEnd(colSymbol, e));
        fe = trimEnd(b, fs, columnEnd(colSymbol, e));
        String symbol;
        Market derived;
        int slot = symbols.find(b, fs, fe - fs);
        if (slot >= 0) {
            symbol = symbols.names[slot];
            derived = symbols.markets[slot];
        } else {
            symbol = SymbolInterner.string(b, fs, fe - fs);
            derived = Market.forSymbol(symbol);
        }
        // price
        fs = columnStart(colPrice, s);
        fe = columnEnd(colPrice, e);
        double price = parseDecimal(b, fs, fe);
        if (Double.isNaN(price)) {
            return bad(numberError("price", b, fs, fe));
        }
        // volume
        fs = columnStart(colVolume, s);
        fe = columnEnd(colVolume, e);
        if (!volume(b, fs, fe)) {
            return bad("volume " + number.error);
        }
        long volume = number.units;
        int volumeFraction = number.fraction;
        // cum_volume
        long cum = Tick.NO_CUM;
        int cumFraction = 0;
        if (colCum >= 0) {
            fs = trimStart(b, columnStart(colCum, s), columnEnd(colCum, e));
            fe = trimEnd(b, fs, columnEnd(colCum, e));
            if (fe > fs) {
                if (!volume(b, fs, fe)) {
                    return bad("cum_volume " + number.error);
                }
                cum = number.units;
                cumFraction = number.fraction;
            }
        }
        // market
        Market market = derived;
        if (colMarket >= 0) {
            fs = trimStart(b, columnStart(colMarket, s), columnEnd(colMarket, e));
            fe = trimEnd(b, fs, columnEnd(colMarket, e));
            if (fe > fs) {
                market = market(b, fs, fe);
                if (market == null) {
                    String text = new String(b, fs, fe - fs, StandardCharsets.UTF_8);
                    try {
                        market = Market.parse(text);
                    } catch (IllegalArgumentException ex) {
                        return bad(ex.getMessage());
                    }
                }
            }
        }
        Tick t = new Tick(symbol, time, price, volume, volumeFraction, cum, cumFraction, market);
        String problem = t.problem();
        if (problem != null) {
            return bad(problem);
        }
        ticks++;
        return t;
    }

    /** A volume field by the rule every format shares ({@link Volume#parse}); the result in {@link #number}. */
    private boolean volume(byte[] b, int s, int e) {
        s = trimStart(b, s, e);
        e = trimEnd(b, s, e);
        return Volume.parse(new String(b, s, e - s, StandardCharsets.ISO_8859_1), 0, e - s, number);
    }

    private boolean isHeaderAgain(byte[] b, int s, int e) {
        return Arrays.equals(b, s, e, header, 0, header.length);
    }

    private static final byte[] KRX = "KRX".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRYPTO = "CRYPTO".getBytes(StandardCharsets.US_ASCII);

    private static Market market(byte[] b, int s, int e) {
        if (Arrays.equals(b, s, e, KRX, 0, KRX.length)) {
            return Market.KRX;
        }
        if (Arrays.equals(b, s, e, CRYPTO, 0, CRYPTO.length)) {
            return Market.CRYPTO;
        }
        return null;
    }
}
