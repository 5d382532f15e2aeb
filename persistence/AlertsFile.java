package persistence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import conditions.Hit;
import conditions.Market;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The alerts file ({@code data/alerts.jsonl}): one {@link HitJson} line per hit, appended and forced
 * to disk before the write returns, so a hit acknowledged to its entity is never lost.
 *
 * <p>Opening reads the file once: it remembers the ids of its last {@code rememberIds} lines (so a
 * hit delivered again after a crash is not written twice) and parses its last {@code recent} lines
 * back into hits (to seed the recent-hits list). A line cut short by a crash is skipped and ended
 * with a newline before anything is appended. Not thread-safe: one sink actor owns it.
 */
public final class AlertsFile implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path path;
    private final FileChannel channel;
    private final LinkedHashSet<String> idsAtOpen;
    private final List<Hit> recentAtOpen;

    private AlertsFile(Path path, FileChannel channel, LinkedHashSet<String> ids, List<Hit> recent) {
        this.path = path;
        this.channel = channel;
        this.idsAtOpen = ids;
        this.recentAtOpen = recent;
    }

    /** Opens (creating it and its directory if needed) the file for appending. */
    public static AlertsFile open(Path path, int rememberIds, int recent) throws IOException {
        Path abs = path.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        Deque<String> tail = new ArrayDeque<>();
        if (Files.exists(abs)) {
            try (BufferedReader r = Files.newBufferedReader(abs, StandardCharsets.UTF_8)) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    String id = idOf(line);
                    if (id == null) {
                        continue;
                    }
                    ids.remove(id);
                    ids.add(id);
                    if (ids.size() > rememberIds) {
                        Iterator<String> it = ids.iterator();
                        it.next();
                        it.remove();
                    }
                    tail.addLast(line);
                    if (tail.size() > recent) {
                        tail.removeFirst();
                    }
                }
            }
        }
        List<Hit> hits = new ArrayList<>();
        for (String line : tail) {
            Hit h = parse(line);
            if (h != null) {
                hits.add(h);
            }
        }
        FileChannel ch = FileChannel.open(abs, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        AlertsFile f = new AlertsFile(abs, ch, ids, hits);
        f.endPartialLine();
        return f;
    }

    private void endPartialLine() throws IOException {
        long size = channel.size();
        if (size == 0) {
            return;
        }
        try (FileChannel r = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            r.read(last, size - 1);
            if (last.get(0) != '\n') {
                write("\n");
            }
        }
    }

    public Path path() {
        return path;
    }

    /** Ids of the most recent lines found when the file was opened, oldest first. */
    public LinkedHashSet<String> idsAtOpen() {
        return idsAtOpen;
    }

    /** The last lines found when the file was opened, as hits (market from the time's offset; no sinks), oldest first. */
    public List<Hit> recentAtOpen() {
        return recentAtOpen;
    }

    /** Appends the hit's line and forces it to disk. */
    public void append(Hit hit) throws IOException {
        write(HitJson.line(hit) + "\n");
        channel.force(false);
    }

    private void write(String s) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static String idOf(String line) {
        if (line.isBlank()) {
            return null;
        }
        try {
            JsonNode n = MAPPER.readTree(line);
            JsonNode id = n == null ? null : n.get("id");
            return id != null && id.isTextual() ? id.asText() : null;
        } catch (IOException e) {
            return null; // a line cut short by a crash
        }
    }

    /** A line written by {@link HitJson#line} back as a hit, or {@code null} when it is not one. */
    static Hit parse(String line) {
        try {
            JsonNode n = MAPPER.readTree(line);
            String symbol = n.get("symbol").asText();
            OffsetDateTime bar = OffsetDateTime.parse(n.get("bar").asText());
            // the symbol's market when the bar's offset agrees, else the first market on that offset
            // (several share +09:00: KRX, KRX_DERIVATIVES, OVERSEAS_FUTURES)
            Market market = Market.forSymbol(symbol);
            if (!market.offset().equals(bar.getOffset())) {
                for (Market m : Market.values()) {
                    if (m.offset().equals(bar.getOffset())) {
                        market = m;
                        break;
                    }
                }
            }
            Map<String, Double> values = new LinkedHashMap<>();
            JsonNode v = n.get("values");
            if (v != null) {
                v.properties().forEach(e -> values.put(e.getKey(), e.getValue().isNumber()
                        ? e.getValue().asDouble() : Double.NaN));
            }
            return new Hit(n.get("condition").asText(), symbol, bar.toInstant().toEpochMilli(), market, values, List.of());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
