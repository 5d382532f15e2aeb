package actors;

import conditions.Hit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import persistence.AlertsFile;

/**
 * The {@code file} sink: appends one JSON line per hit to the alerts file and forces it to disk
 * before confirming. Ids already in the file when it opened are handed to the sink actor, so a hit
 * delivered again after a restart is not written twice.
 */
public final class FileSink implements HitSink {
    public static final String NAME = "file";

    private final AlertsFile file;

    public FileSink(AlertsFile file) {
        this.file = file;
    }

    /** Opens {@code path}, remembering the ids of its last {@code rememberIds} hits and its last {@code recent} hits. */
    public static FileSink open(Path path, int rememberIds, int recent) throws IOException {
        return new FileSink(AlertsFile.open(path, rememberIds, recent));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void deliver(Hit hit) throws IOException {
        file.append(hit);
    }

    @Override
    public Collection<String> handledBefore() {
        return file.idsAtOpen();
    }

    /** The last hits found in the file when it opened, oldest first. */
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
