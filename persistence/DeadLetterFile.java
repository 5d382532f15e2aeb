package persistence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import conditions.Hit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A sink's dead letters on this node: {@code <data-dir>/dead-letters/<sink>.jsonl} (a {@code :} in
 * the sink's name becomes {@code -}: {@code webhook:desk} writes {@code webhook-desk.jsonl}), one
 * JSON line per hit that ran out of attempts: {@code {"id", "sink", "at", "attempts", "error",
 * "hit": {...}, "payload": "..."}} with the hit in the {@code hits.jsonl} shape and what the sink
 * sent (a webhook's body, as a string; absent for sinks without one). Forced to disk before the ledger marks
 * the hit dead. The ledger is what a redeliver reads (cluster-wide); this file is for people.
 */
public final class DeadLetterFile {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path path;

    public DeadLetterFile(Path dataDir, String sink) {
        this.path = dataDir.resolve("dead-letters").resolve(sink.replace(':', '-').replace('/', '-') + ".jsonl");
    }

    public Path path() {
        return path;
    }

    /** Appends one dead letter and forces it to disk. */
    public synchronized void append(String sink, Hit hit, int attempts, String error, Instant at) {
        append(sink, hit, attempts, error, at, null);
    }

    /**
     * Appends one dead letter with what the sink sent ({@code payload}, e.g. a webhook's body, kept
     * as a string; null leaves it out) and forces it to disk.
     */
    public synchronized void append(String sink, Hit hit, int attempts, String error, Instant at, String payload) {
        StringBuilder sb = new StringBuilder(512).append("{\"id\":");
        Json.string(sb, hit.id());
        sb.append(",\"sink\":");
        Json.string(sb, sink);
        sb.append(",\"at\":\"").append(at).append("\",\"attempts\":").append(attempts).append(",\"error\":");
        Json.string(sb, error == null ? "" : error);
        sb.append(",\"hit\":").append(HitJson.line(hit));
        if (payload != null) {
            sb.append(",\"payload\":");
            Json.string(sb, payload);
        }
        sb.append("}\n");
        try {
            Files.createDirectories(path.getParent());
            try (var ch = java.nio.channels.FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ch.write(java.nio.ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8)));
                ch.force(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing dead letter to " + path + ": " + e.getMessage(), e);
        }
    }

    /** How many dead letters the file holds (0 when there is none). */
    public synchronized int count() {
        return lines().size();
    }

    /** The ids in the file, in order. */
    public synchronized List<String> ids() {
        List<String> out = new ArrayList<>();
        for (String l : lines()) {
            String id = idOf(l);
            if (id != null) {
                out.add(id);
            }
        }
        return out;
    }

    /** Removes the lines of {@code ids} (they were queued again), atomically. */
    public synchronized void remove(Set<String> ids) {
        if (ids.isEmpty() || !Files.exists(path)) {
            return;
        }
        List<String> keep = new ArrayList<>();
        for (String l : lines()) {
            if (!ids.contains(idOf(l))) {
                keep.add(l);
            }
        }
        try {
            Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
            Files.write(tmp, keep.isEmpty() ? List.of() : keep, StandardCharsets.UTF_8);
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("rewriting " + path + ": " + e.getMessage(), e);
        }
    }

    private List<String> lines() {
        if (!Files.exists(path)) {
            return List.of();
        }
        try {
            return Files.readAllLines(path, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + ": " + e.getMessage(), e);
        }
    }

    private static String idOf(String line) {
        try {
            JsonNode n = MAPPER.readTree(line);
            return n.path("id").asText(null);
        } catch (IOException e) {
            return null; // a torn last line after a crash: kept, never matched
        }
    }
}
