/**
 * Tick files: reading them ({@code backtest}), writing them (the recorder, {@code generate}) and
 * generating synthetic ones. What belongs here is anything that turns a tick file's bytes into
 * {@link conditions.Tick}s or ticks into a tick file's bytes; the format is described once, on
 * {@link persistence.tickfile.TickFileReader}.
 *
 * <p>One class per job, all package-private but the public entry points ({@link
 * persistence.tickfile.TickFileReader}, {@link persistence.tickfile.ReadStats}, {@link
 * persistence.tickfile.TickFileWriter}, {@link persistence.tickfile.TickGenerator}):
 * <ul>
 *   <li>{@code TickFileReader}: the entry point; opens, merges, reads directly or through
 *       {@code ParseAhead}.</li>
 *   <li>{@code TickFileKind}: the format a file name asks for; {@code TickFileOpener}: opening (and
 *       the errors that name the file), closing, summing up {@code ReadStats}.</li>
 *   <li>{@code TickMerge}: the k-way merge by time; {@code ParseAhead}: the read-ahead thread and its
 *       batches; {@code TickOut}: where parsed ticks go, for either.</li>
 *   <li>{@code LineSource}: one open file's buffer and lines; {@code CsvTickSource} and
 *       {@code JsonlTickSource}: one per format (a new format is a new {@code LineSource}, chosen in
 *       {@code TickFileKind} and {@code TickFileOpener}).</li>
 *   <li>{@code TickRecorder}: the live node's recording of every accepted tick, a file per source
 *       and trading day; {@code TickFileRepair}: makes a file a crash cut whole before it is appended to.</li>
 *   <li>{@code SymbolInterner}: one {@code String} per symbol per read; {@code AsciiNumbers},
 *       {@code IsoTime}, {@code FieldText}: field parsing straight from bytes.</li>
 * </ul>
 * Reading a tick file is on the backtest's hot path (millions of lines a second): changes here are
 * measured with the backtest of a 5-million-tick file (README, "Performance").
 */
package persistence.tickfile;
