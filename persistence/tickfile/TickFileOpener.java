package persistence.tickfile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Opens the files of one read, each as the {@link LineSource} for its format, all sharing one
 * {@link SymbolInterner}; closes them and sums up what they saw. Every failure to open names the file.
 */
final class TickFileOpener {

    /** Read buffer per file (less when merging many files); a line longer than this grows it. */
    static final int BUFFER_SIZE = 1 << 20;

    private TickFileOpener() {
    }

    /** The read buffer per file when merging {@code files} files: less when there are many. */
    static int bufferSize(int files) {
        if (files <= 16) {
            return BUFFER_SIZE;
        }
        return Math.max(1 << 16, Integer.highestOneBit((16 * BUFFER_SIZE) / files));
    }

    static LineSource[] open(List<Path> files) throws IOException {
        LineSource[] sources = new LineSource[files.size()];
        SymbolInterner symbols = new SymbolInterner();
        int bufferSize = bufferSize(files.size());
        int i = 0;
        try {
            for (Path file : files) {
                sources[i] = open(file, symbols, bufferSize);
                i++;
            }
        } catch (IOException | RuntimeException | Error e) {
            closeAll(sources, e);
            throw e;
        }
        return sources;
    }

    private static LineSource open(Path file, SymbolInterner symbols, int bufferSize) throws IOException {
        String name = file.toString();
        TickFileKind kind = TickFileKind.of(file);
        if (kind == null) {
            throw new IOException("tick file " + name
                    + ": unknown file type (expected .csv, .jsonl or .ndjson, optionally with .gz)");
        }
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new IOException("cannot open tick file " + name + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new IOException("cannot open tick file " + name + ": permission denied", e);
        } catch (IOException e) {
            throw new IOException("cannot open tick file " + name + ": " + e.getMessage(), e);
        }
        try {
            if (Files.isDirectory(file)) {
                throw new IOException("cannot open tick file " + name + ": is a directory");
            }
            if (kind.gzip()) {
                try {
                    in = new GZIPInputStream(in, 1 << 16);
                } catch (IOException e) {
                    throw new IOException("cannot read tick file " + name + ": not gzip data (" + e.getMessage() + ")", e);
                }
            }
            LineSource s = kind.format() == TickFileKind.Format.CSV
                    ? new CsvTickSource(name, in, symbols, bufferSize)
                    : new JsonlTickSource(name, in, symbols, bufferSize);
            s.mayBeCut = kind.gzip();
            s.start();
            return s;
        } catch (IOException | RuntimeException | Error e) {
            try {
                in.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Closes the sources after {@code failure}, which gets any exception from closing as suppressed. */
    static void closeAll(LineSource[] sources, Throwable failure) {
        for (LineSource s : sources) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException | RuntimeException e) {
                    failure.addSuppressed(e);
                }
            }
        }
    }

    static void closeAll(LineSource[] sources) throws IOException {
        IOException first = null;
        for (LineSource s : sources) {
            if (s == null) {
                continue;
            }
            try {
                s.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    static ReadStats stats(LineSource[] sources) {
        long lines = 0;
        long ticks = 0;
        long malformed = 0;
        List<String> cut = new java.util.ArrayList<>();
        for (LineSource s : sources) {
            lines += s.lines;
            ticks += s.ticks;
            malformed += s.malformed;
            if (s.cut) {
                cut.add(s.name);
            }
        }
        return new ReadStats(lines, ticks, malformed, cut);
    }
}
