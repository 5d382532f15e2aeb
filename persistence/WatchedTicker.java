package persistence;

/**
 * A ticker the node watches.
 *
 * @param symbol  the symbol
 * @param source  where its ticks come from ({@code push}: the ingest API)
 * @param addedAt when it was added, epoch millis
 */
public record WatchedTicker(String symbol, String source, long addedAt) implements CborSerializable {
}
