package actors.sinks;

import conditions.Hit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import persistence.AlertsFile;

/**
 * The {@code file} sink type: appends one JSON line per hit to a file and forces it to disk before
 * confirming. Ids already in the file when it opened are handed to the sink actor, so a hit
 * delivered again after a restart is not written twice. Across the nodes of a cluster, the delivery
 * ledger keeps a hit in one node's file only ({@link #ledgered()}; {@code actors.SinkActor}).
 *
 * <p>Settings: {@code path}; empty means {@code <data-dir>/alerts.jsonl} for the sink named
 * {@code file} and {@code <data-dir>/alerts-<name>.jsonl} for any other name (two file sinks never
 * share a file by default).
 */
public final class FileSink implements HitSink {
    public static final String TYPE = "file";
    /** Ids remembered from the file at open (a hit is only ever delivered again while it is recent). */
    static final int REMEMBER_IDS = 100_000;

    private final String name;
    private final AlertsFile file;

    public FileSink(String name, AlertsFile file) {
        this.name = name;
        this.file = file;
    }

    /** The factory {@link SinkTypes} registers for {@value #TYPE}. */
    public static HitSink open(SinkContext ctx) throws IOException {
        Path path = path(ctx);
        Files.createDirectories(path.toAbsolutePath().getParent());
        return new FileSink(ctx.name(), AlertsFile.open(path, REMEMBER_IDS, ctx.recentHits()));
    }

    /** The sink named {@code file} on {@code path}, remembering the ids of its last {@code rememberIds} hits and its last {@code recent} hits. */
    public static FileSink open(Path path, int rememberIds, int recent) throws IOException {
        return new FileSink(TYPE, AlertsFile.open(path, rememberIds, recent));
    }

    /** Where the sink of {@code ctx} writes. */
    public static Path path(SinkContext ctx) {
        String configured = ctx.config().hasPath("path") ? ctx.config().getString("path") : "";
        if (!configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        return ctx.dataDir().resolve(ctx.name().equals(TYPE) ? "alerts.jsonl" : "alerts-" + ctx.name() + ".jsonl");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void deliver(Hit hit) throws IOException {
        file.append(hit);
    }

    /**
     * Each node writes its own file, so only the cluster's ledger can tell that another node already
     * wrote a hit (its ticker moved here before its confirmation was stored).
     */
    @Override
    public boolean ledgered() {
        return true;
    }

    @Override
    public Collection<String> handledBefore() {
        return file.idsAtOpen();
    }

    @Override
    public List<Hit> recentAtOpen() {
        return file.recentAtOpen();
    }

    public Path path() {
        return file.path();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
