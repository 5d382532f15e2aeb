package persistence.tickfile;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPOutputStream;

/**
 * Appends CSV lines a source made (quotes, member flow: see {@link RecordedRow}) to a {@code .csv.gz}
 * file the way {@link TickFileWriter} appends ticks: a header on a new file, a new gzip member on an
 * existing one, sync-flushed by {@link #flush()}. Not thread-safe (the recorder's thread owns it).
 */
final class RowFileWriter implements AutoCloseable {
    private final Writer out;
    private long written;

    RowFileWriter(Path path, String header) throws IOException {
        boolean hasContent = Files.exists(path) && Files.size(path) > 0;
        OutputStream raw = hasContent
                ? Files.newOutputStream(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
                : Files.newOutputStream(path);
        try {
            out = new OutputStreamWriter(new GZIPOutputStream(raw, 1 << 16, true), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
        if (!hasContent) {
            out.write(header);
            out.write('\n');
        }
    }

    void append(String line) throws IOException {
        out.write(line);
        out.write('\n');
        written++;
    }

    long written() {
        return written;
    }

    void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
