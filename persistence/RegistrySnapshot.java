package persistence;

import java.util.List;

/** The ticker registry's snapshot: every watched ticker, by symbol. */
public record RegistrySnapshot(List<WatchedTicker> tickers) implements CborSerializable {
    public RegistrySnapshot {
        tickers = List.copyOf(tickers);
    }
}
