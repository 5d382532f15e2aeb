package persistence;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import conditions.Condition;
import conditions.ConditionException;
import conditions.ConditionParser;
import conditions.ConditionSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;

/**
 * The node's conditions file ({@code conditions.json}): read at start, rewritten atomically on every
 * change made through the API, so changes survive a restart.
 *
 * <p>It is written as one JSON object of named conditions, each as it was written (native or
 * jazzstock form), which {@link ConditionParser#parseSet} reads back to the same set.
 */
public final class ConditionsFile {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ConditionsFile() {
    }

    /**
     * The conditions in {@code file}; an empty set when there is no file.
     *
     * @throws ConditionException with every problem the parser found (the node refuses to start)
     * @throws IOException        when the file exists but cannot be read
     */
    public static ConditionSet load(Path file) throws IOException {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return ConditionSet.EMPTY;
        }
        if (json.isBlank()) {
            return ConditionSet.EMPTY;
        }
        return ConditionParser.parseSet(json);
    }

    /** The document {@link #save} writes. */
    public static String render(ConditionSet set) {
        ObjectNode root = MAPPER.createObjectNode();
        for (Condition c : set.all()) {
            root.set(c.name(), c.source());
        }
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code set} to {@code file} atomically: a temporary file beside it, forced, then renamed. */
    public static void save(Path file, ConditionSet set) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, abs.getFileName().toString(), ".tmp");
        try {
            byte[] bytes = render(set).getBytes(StandardCharsets.UTF_8);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
