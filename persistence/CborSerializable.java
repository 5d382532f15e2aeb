package persistence;

/**
 * Marker for everything tickwatch sends between nodes or stores in the journal: commands, replies,
 * events and snapshots. Bound to {@code jackson-cbor} in {@code persistence/persistence.conf}, so
 * records are written by Jackson (field names from {@code -parameters}).
 */
public interface CborSerializable {
}
