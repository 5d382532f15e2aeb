package persistence.tickfile;

import conditions.Tick;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One open tick file: its read buffer, the line it is at, and what it has counted. A subclass per
 * format turns lines into ticks ({@link #next()}) and reports the malformed ones ({@link #bad}).
 */
abstract class LineSource implements Closeable {
    final String name;
    private final InputStream in;
    byte[] buf;
    /**
     * {@link #buf} for reading 8 bytes at a time, little-endian (a heap buffer's {@code getLong}
     * compiles to one load, and unlike a VarHandle costs nothing to set up).
     */
    ByteBuffer view;
    int pos;
    int limit;
    boolean eof;
    /** 1-based number of the last line taken from the buffer. */
    long lineNo;
    /** Bounds of the line found by {@link #nextLine()}, without its line break. */
    int lineStart;
    int lineEnd;
    long lines;
    long ticks;
    long malformed;
    /**
     * A gzip file may end inside its compressed stream: a recording whose writer was killed
     * ({@code kill -9}) after its last sync flush. Such a file is read up to its last whole line.
     */
    boolean mayBeCut;
    /** The file ended inside its compressed stream; the partial line after its last whole line was dropped. */
    boolean cut;
    TickOut out;

    LineSource(String name, InputStream in, int bufferSize) {
        this.name = name;
        this.in = in;
        this.buf = new byte[bufferSize];
        this.view = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Called once after opening, on the opening thread: reads whatever must be checked up front. */
    void start() throws IOException {
    }

    /** The next good tick, or null at the end of the file. */
    abstract Tick next() throws IOException;

    /** Moves the unread bytes to the front of the buffer and reads more; sets {@link #eof} at the end. */
    final void fill() throws IOException {
        int rest = limit - pos;
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, rest);
            pos = 0;
            limit = rest;
        }
        if (limit == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
            view = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        }
        try {
            // Read until the buffer is full or the file ends: gzip hands out small pieces.
            while (limit < buf.length) {
                int n = in.read(buf, limit, buf.length - limit);
                if (n < 0) {
                    eof = true;
                    return;
                }
                limit += n;
                if (n == 0) {
                    break;
                }
            }
        } catch (java.io.EOFException e) {
            if (!mayBeCut) {
                throw new IOException("cannot read tick file " + name + " (after line " + lineNo + "): "
                        + e.getMessage(), e);
            }
            // GZIPInputStream hands out every byte it could decode before it says the stream was cut
            // ("Unexpected end of ZLIB input stream"): keep the whole lines, drop the partial one, end here.
            int lastNewline = limit - 1;
            while (lastNewline >= pos && buf[lastNewline] != '\n') {
                lastNewline--;
            }
            limit = lastNewline + 1;
            eof = true;
            cut = true;
        } catch (IOException e) {
            throw new IOException("cannot read tick file " + name + " (after line " + lineNo + "): "
                    + e.getMessage(), e);
        }
    }

    /** Finds the next line into {@link #lineStart}/{@link #lineEnd}; false at the end of the file. */
    final boolean nextLine() throws IOException {
        for (;;) {
            byte[] b = buf;
            int p = pos;
            int lim = limit;
            while (p < lim && b[p] != '\n') {
                p++;
            }
            if (p < lim) {
                lineStart = pos;
                lineEnd = p;
                pos = p + 1;
            } else if (!eof) {
                fill();
                continue;
            } else if (pos < lim) {
                lineStart = pos;
                lineEnd = lim;
                pos = lim;
            } else {
                return false;
            }
            lineNo++;
            if (lineEnd > lineStart && buf[lineEnd - 1] == '\r') {
                lineEnd--;
            }
            return true;
        }
    }

    /** Reports the current line as malformed; returns null for the caller's convenience. */
    final Tick bad(String reason) {
        malformed++;
        out.malformed(name, lineNo, reason);
        return null;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
