package persistence.tickfile;

import java.nio.file.Path;
import java.util.Locale;

/**
 * A tick file's format and whether it is gzip-compressed, as its name asks: {@code .csv},
 * {@code .jsonl} or {@code .ndjson}, each optionally followed by {@code .gz} (case-insensitive).
 */
record TickFileKind(Format format, boolean gzip) {

    enum Format { CSV, JSONL }

    /** The kind of tick file a file name asks for; null when the name is not a tick file's. */
    static TickFileKind of(Path file) {
        Path name = file.getFileName();
        String n = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        boolean gz = n.endsWith(".gz");
        if (gz) {
            n = n.substring(0, n.length() - 3);
        }
        if (n.endsWith(".csv")) {
            return new TickFileKind(Format.CSV, gz);
        }
        if (n.endsWith(".jsonl") || n.endsWith(".ndjson")) {
            return new TickFileKind(Format.JSONL, gz);
        }
        return null;
    }
}
