package persistence.tickfile;

/**
 * What one {@link TickFileReader#read} call saw, summed over all its files.
 *
 * @param lines     data lines read: every non-blank line after a CSV file's header, every non-blank
 *                  line of a JSON Lines file (header and blank lines are not counted)
 * @param ticks     good ticks handed to the consumer
 * @param malformed lines reported as malformed and skipped; always {@code lines - ticks}
 */
public record ReadStats(long lines, long ticks, long malformed) {
}
