package persistence.tickfile;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Makes a gzip tick file that a crash cut short whole again, before the {@link TickRecorder}
 * appends to it: a new gzip member written after a cut one would be read as garbage inside the cut
 * member's stream, so the cut file is first rewritten to its whole lines (through a temporary file
 * and an atomic rename: a crash during the repair leaves the old file as it was).
 */
final class TickFileRepair {

    /**
     * @param repaired     the file was cut and has been rewritten
     * @param lines        whole lines it holds (counted only when it was repaired)
     * @param droppedBytes the partial last line that was dropped
     */
    record Result(boolean repaired, long lines, long droppedBytes) {
        static final Result WHOLE = new Result(false, 0, 0);
    }

    private TickFileRepair() {
    }

    /**
     * Reads the whole file; when it ends inside its gzip stream, rewrites it to the whole lines it
     * holds (deleting it when it holds none). A file that is damaged otherwise (not gzip, a bad
     * block) is moved aside to {@code <name>.damaged-<millis>} so that recording goes on in a fresh file.
     */
    static Result keepWholeLines(Path file) throws IOException {
        if (Files.size(file) == 0) {
            Files.delete(file);
            return Result.WHOLE;
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
            while (in.read(buf) >= 0) {
                // read to the end: only a cut stream throws
            }
            return Result.WHOLE;
        } catch (EOFException cut) {
            return rewrite(file, buf);
        } catch (IOException damaged) {
            Path aside = file.resolveSibling(file.getFileName() + ".damaged-" + System.currentTimeMillis());
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            throw new IOException(file + " is not a readable gzip file (" + damaged.getMessage() + "); moved it to "
                    + aside + " and recording starts a new file", damaged);
        }
    }

    private static Result rewrite(Path file, byte[] buf) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".repair");
        long lines = 0;
        long pending = 0; // bytes after the last newline, held back until their line ends
        byte[] partial = new byte[0];
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16);
             OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    int last = -1;
                    for (int i = n - 1; i >= 0; i--) {
                        if (buf[i] == '\n') {
                            last = i;
                            break;
                        }
                    }
                    if (last < 0) {
                        partial = concat(partial, buf, 0, n);
                        continue;
                    }
                    for (int i = 0; i <= last; i++) {
                        if (buf[i] == '\n') {
                            lines++;
                        }
                    }
                    out.write(partial);
                    out.write(buf, 0, last + 1);
                    partial = java.util.Arrays.copyOfRange(buf, last + 1, n);
                }
            } catch (EOFException expected) {
                // the cut: what was decoded is written, the partial line is dropped
            }
            pending = partial.length;
        }
        if (lines == 0) {
            Files.delete(tmp);
            Files.delete(file);
        } else {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return new Result(true, lines, pending);
    }

    private static byte[] concat(byte[] a, byte[] b, int from, int to) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + to - from);
        System.arraycopy(b, from, c, a.length, to - from);
        return c;
    }
}
