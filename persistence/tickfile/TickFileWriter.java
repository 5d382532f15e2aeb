package persistence.tickfile;

import conditions.Market;
import conditions.Tick;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Writes ticks as a CSV tick file ({@code .csv}, or gzip-compressed {@code .csv.gz}) in the format
 * {@link TickFileReader} reads: the header {@value #HEADER}, then one line per tick such as
 * {@code 2026-11-20T09:00:03.120+09:00,005930,70000,10,123,KRX}. The time is written in the tick's
 * market offset ({@code +09:00} for KRX, {@code Z} for CRYPTO) with a millisecond fraction; the price
 * as a plain decimal that reads back to the same {@code double}; an empty {@code cum_volume} when
 * the tick carries none.
 *
 * <p>Lines are buffered: call {@link #flush()} to push them to the file (for {@code .gz} too: the
 * compressor is sync-flushed), and {@link #close()} at the end. Not thread-safe.
 */
public final class TickFileWriter implements AutoCloseable {

    /** The header line this writer writes. */
    public static final String HEADER = "time,symbol,price,volume,cum_volume,market";

    private static final byte[] KRX_OFFSET = offsetBytes(Market.KRX);
    private static final byte[] CRYPTO_OFFSET = offsetBytes(Market.CRYPTO);
    /** Every market's offset, by ordinal (the derivatives and overseas futures write no garbage per tick either). */
    private static final byte[][] OFFSETS = java.util.Arrays.stream(Market.values()).map(TickFileWriter::offsetBytes)
            .toArray(byte[][]::new);

    private final Path path;
    private final OutputStream out;
    private final byte[] buf = new byte[1 << 16];
    private int len;
    private long written;
    private boolean closed;

    // The day of the last time written, so a run of ticks on one day skips the calendar arithmetic.
    private long cachedDay = Long.MIN_VALUE;
    private final byte[] cachedDate = new byte[11];

    /** Creates (or truncates) the file and writes the header. */
    public TickFileWriter(Path path) throws IOException {
        this(path, false);
    }

    /**
     * Opens the file for writing.
     *
     * @param append when true and the file already has content, adds lines after it (no second
     *               header; for a {@code .gz} file a new gzip member, which readers take as a
     *               continuation); otherwise the file is created or truncated and gets a header
     * @throws IllegalArgumentException when the name does not end in {@code .csv} or {@code .csv.gz}
     */
    public TickFileWriter(Path path, boolean append) throws IOException {
        this.path = path;
        Path fileName = path.getFileName();
        String name = fileName == null ? "" : fileName.toString().toLowerCase(Locale.ROOT);
        boolean gzip = name.endsWith(".csv.gz");
        if (!gzip && !name.endsWith(".csv")) {
            throw new IllegalArgumentException("tick file " + path + ": TickFileWriter writes CSV, so the name must end in .csv or .csv.gz");
        }
        boolean hasContent = append && Files.exists(path) && Files.size(path) > 0;
        boolean needsNewline = hasContent && !gzip && !endsWithNewline(path);
        OutputStream raw = hasContent
                ? Files.newOutputStream(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
                : Files.newOutputStream(path);
        try {
            this.out = gzip ? new GZIPOutputStream(raw, 1 << 16, true) : raw;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
        if (needsNewline) {
            put((byte) '\n'); // the last line was cut off (a crash): do not glue the next one to it
        }
        if (!hasContent) {
            putAscii(HEADER);
            put((byte) '\n');
        }
    }

    private static boolean endsWithNewline(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                return true;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            ch.read(last, size - 1);
            return last.get(0) == '\n';
        }
    }

    /** The file being written. */
    public Path path() {
        return path;
    }

    /** Ticks appended so far by this writer. */
    public long written() {
        return written;
    }

    /**
     * Appends one tick.
     *
     * @throws IllegalArgumentException when the tick is malformed ({@link Tick#problem()}), so it
     *                                  could not be read back, or its year is outside 0000-9999
     */
    public void append(Tick tick) throws IOException {
        ensureOpen();
        String problem = tick.problem();
        if (problem != null) {
            throw new IllegalArgumentException("cannot write tick " + tick + ": " + problem);
        }
        if (buf.length - len < 128 + tick.symbol().length()) {
            drain();
        }
        Market market = tick.market();
        putTime(tick.time(), market);
        put((byte) ',');
        putAscii(tick.symbol());
        put((byte) ',');
        putPrice(tick.price());
        put((byte) ',');
        putVolume(tick.volume(), tick.volumeFraction());
        put((byte) ',');
        if (tick.hasCumVolume()) {
            putVolume(tick.cumVolume(), tick.cumVolumeFraction());
        }
        put((byte) ',');
        putAscii(market.name());
        put((byte) '\n');
        written++;
    }

    /** Writes the buffered lines through to the file. */
    public void flush() throws IOException {
        ensureOpen();
        drain();
        out.flush();
    }

    /** Flushes and closes the file; closing twice does nothing. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            drain();
        } finally {
            out.close();
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("tick file " + path + " is closed");
        }
    }

    private void drain() throws IOException {
        if (len > 0) {
            out.write(buf, 0, len);
            len = 0;
        }
    }

    private void put(byte c) throws IOException {
        if (len == buf.length) {
            drain();
        }
        buf[len++] = c;
    }

    private void putAscii(String s) throws IOException {
        for (int i = 0, n = s.length(); i < n; i++) {
            put((byte) s.charAt(i)); // symbols and market names are ASCII (Tick.problem() checked)
        }
    }

    private void putLong(long v) throws IOException {
        if (v < 0) {
            putAscii(Long.toString(v));
            return;
        }
        if (len + 20 > buf.length) {
            drain();
        }
        int digits = 1;
        for (long x = v; x >= 10; x /= 10) {
            digits++;
        }
        int end = len + digits;
        for (int i = end - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        len = end;
    }

    /** An exact decimal volume: {@code 51234}, {@code 0.158}. */
    private void putVolume(long units, int fraction) throws IOException {
        putLong(units);
        if (fraction != 0) {
            putAscii(conditions.Volume.format(0, fraction).substring(1)); // ".158"
        }
    }

    private void putPrice(double p) throws IOException {
        if (p == Math.rint(p) && Math.abs(p) < 1e15) {
            putLong((long) p);
            return;
        }
        String s = Double.toString(p);
        if (s.indexOf('E') >= 0) {
            s = new BigDecimal(s).toPlainString();
        }
        putAscii(s);
    }

    private void put2(int v) {
        buf[len++] = (byte) ('0' + v / 10);
        buf[len++] = (byte) ('0' + v % 10);
    }

    /** {@code yyyy-MM-ddTHH:mm:ss.SSS} in the market's offset, then the offset. */
    private void putTime(long epochMillis, Market market) throws IOException {
        long local = epochMillis + market.offsetMillis();
        long day = Math.floorDiv(local, 86_400_000L);
        int msOfDay = (int) Math.floorMod(local, 86_400_000L);
        if (day != cachedDay) {
            dateBytes(day, cachedDate);
            cachedDay = day;
        }
        if (buf.length - len < 40) {
            drain();
        }
        System.arraycopy(cachedDate, 0, buf, len, cachedDate.length);
        len += cachedDate.length;
        int secs = msOfDay / 1000;
        put2(secs / 3600);
        buf[len++] = ':';
        put2(secs / 60 % 60);
        buf[len++] = ':';
        put2(secs % 60);
        buf[len++] = '.';
        int ms = msOfDay % 1000;
        buf[len++] = (byte) ('0' + ms / 100);
        put2(ms % 100);
        byte[] offset = market == Market.KRX ? KRX_OFFSET : market == Market.CRYPTO ? CRYPTO_OFFSET
                : OFFSETS[market.ordinal()];
        System.arraycopy(offset, 0, buf, len, offset.length);
        len += offset.length;
    }

    /** {@code yyyy-MM-ddT} of a day since the epoch (H. Hinnant's civil_from_days). */
    private static void dateBytes(long days, byte[] into) {
        long z = days + 719_468L;
        long era = (z >= 0 ? z : z - 146_096L) / 146_097L;
        long doe = z - era * 146_097L;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int d = (int) (doy - (153 * mp + 2) / 5 + 1);
        int m = (int) (mp < 10 ? mp + 3 : mp - 9);
        long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
        if (y < 0 || y > 9999) {
            throw new IllegalArgumentException("time out of range for a tick file: year " + y);
        }
        int year = (int) y;
        into[0] = (byte) ('0' + year / 1000);
        into[1] = (byte) ('0' + year / 100 % 10);
        into[2] = (byte) ('0' + year / 10 % 10);
        into[3] = (byte) ('0' + year % 10);
        into[4] = '-';
        into[5] = (byte) ('0' + m / 10);
        into[6] = (byte) ('0' + m % 10);
        into[7] = '-';
        into[8] = (byte) ('0' + d / 10);
        into[9] = (byte) ('0' + d % 10);
        into[10] = 'T';
    }

    private static byte[] offsetBytes(Market market) {
        return market.offset().getId().getBytes(StandardCharsets.US_ASCII);
    }
}
