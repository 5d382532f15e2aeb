/**
 * What is stored and written, and how: journal events and snapshots as records
 * ({@code TickerEvent}, {@code RegistryEvent}, {@code TickerSnapshot}, {@code RegistrySnapshot};
 * CBOR through {@code CborSerializable}), the database settings and schema (H2, PostgreSQL), tick
 * files (reading, writing, generating), the conditions and alerts files, and the written JSON shapes
 * of bars, ticks and hits ({@code BarJson}, {@code TickJson}, {@code HitJson}).
 *
 * <p>Belongs here: a new stored event or snapshot field (readable from the old shape, with a case in
 * {@code SerializationTest}), a new file format, a schema change. Depends only on {@code conditions};
 * no actors. Sub-packages group one job's classes (e.g. {@code persistence.tickfile}).
 */
package persistence;
