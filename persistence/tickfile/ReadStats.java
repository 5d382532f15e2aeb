package persistence.tickfile;

import java.util.List;

/**
 * What one {@link TickFileReader#read} call saw, summed over all its files.
 *
 * @param lines     data lines read: every non-blank line after a CSV file's header, every non-blank
 *                  line of a JSON Lines file (header and blank lines are not counted)
 * @param ticks     good ticks handed to the consumer
 * @param malformed lines reported as malformed and skipped; always {@code lines - ticks}
 * @param cutFiles  gzip files that end before their compressed stream does (a recording cut by a
 *                  crash or {@code kill -9}): read up to their last whole line, the partial line
 *                  after it dropped; empty for files that end properly
 */
public record ReadStats(long lines, long ticks, long malformed, List<String> cutFiles) {

    public ReadStats {
        cutFiles = List.copyOf(cutFiles);
    }

    /** Stats of files that all end properly. */
    public ReadStats(long lines, long ticks, long malformed) {
        this(lines, ticks, malformed, List.of());
    }
}
