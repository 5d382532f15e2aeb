package persistence;

/** What the ticker registry stores in the journal. */
public sealed interface RegistryEvent extends CborSerializable {

    record TickerAdded(WatchedTicker ticker) implements RegistryEvent {
    }

    record TickerRemoved(String symbol) implements RegistryEvent {
    }
}
