package actors;

import com.fasterxml.jackson.databind.JsonNode;
import conditions.Condition;
import conditions.ConditionException;
import conditions.ConditionParser;
import conditions.ConditionSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import persistence.ConditionsFile;

/**
 * The node's current conditions, shared by every ticker entity on the node: each command reads
 * {@link #current()}, so a change applies from the next tick on, without a restart.
 *
 * <p>Durable through the conditions file: a change is written (atomically) before it takes effect,
 * so what the node evaluates is always what it would load after a restart.
 *
 * <p>Versioned for the cluster ({@link ConditionSync}): every set has a version, the time it was
 * made (epoch millis, kept as the file's modification time, so a file edited by hand while the node
 * was down is newer too). Nodes exchange their sets and each keeps the newest: last writer wins.
 * Changes are serialized; reads are a volatile load.
 */
public final class ConditionRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ConditionRegistry.class);

    /**
     * A set with its version and its file form.
     *
     * @param set     the parsed conditions
     * @param version when it was made, epoch millis (0 for "no file")
     * @param json    the set as the conditions file holds it ({@link ConditionsFile#render})
     */
    public record Versioned(ConditionSet set, long version, String json, String digest) {
        public Versioned(ConditionSet set, long version, String json) {
            this(set, version, json, digestOf(json));
        }

        /** Whether this set wins over {@code o}: newer, or as new with a larger digest (so every node picks the same). */
        boolean newerThan(Versioned o) {
            return newer(version, digest, o);
        }

        /**
         * Whether a set of {@code version} and {@code digest} wins over {@code o}: what a node can
         * tell from another's announcement, before it has the text.
         */
        public static boolean newer(long version, String digest, Versioned o) {
            return version != o.version ? version > o.version : digest.compareTo(o.digest) > 0;
        }
    }

    /** The SHA-256 of {@code json}'s UTF-8, in hex: names a set's text in a few bytes. */
    public static String digestOf(String json) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private final AtomicReference<Versioned> current;
    private final Path file;

    private ConditionRegistry(Versioned initial, Path file) {
        this.current = new AtomicReference<>(initial);
        this.file = file;
    }

    /**
     * Loads {@code file} (a missing file is an empty set, version 0).
     *
     * @throws ConditionException with the parser's messages when the file is invalid
     */
    public static ConditionRegistry load(Path file) throws IOException {
        ConditionSet set = ConditionsFile.load(file);
        long version = Files.exists(file) ? Files.getLastModifiedTime(file).toMillis() : 0;
        return new ConditionRegistry(new Versioned(set, version, ConditionsFile.render(set)), file);
    }

    /** A registry that keeps changes in memory only (tests, tools). */
    public static ConditionRegistry inMemory(ConditionSet initial) {
        return new ConditionRegistry(new Versioned(initial, 0, ConditionsFile.render(initial)), null);
    }

    public ConditionSet current() {
        return current.get().set();
    }

    /** The current set with its version. */
    public Versioned versioned() {
        return current.get();
    }

    /** The file changes are written to, or {@code null} when they are kept in memory only. */
    public Path file() {
        return file;
    }

    /**
     * Adds or replaces the condition {@code name}.
     *
     * @throws ConditionException with the parser's messages when {@code body} is invalid
     * @throws IOException        when the file cannot be written (nothing changes then)
     */
    public synchronized Condition put(String name, JsonNode body) throws IOException {
        return put(ConditionParser.parseOne(name, body));
    }

    /**
     * Adds or replaces a condition parsed already (the caller may check it against rules of its
     * own first, such as the node's sinks).
     *
     * @throws IOException when the file cannot be written (nothing changes then)
     */
    public synchronized Condition put(Condition c) throws IOException {
        replace(current.get().set().with(c));
        return c;
    }

    /** Removes the condition {@code name}; false when there is none. */
    public synchronized boolean delete(String name) throws IOException {
        ConditionSet before = current.get().set();
        ConditionSet after = before.without(name);
        if (after == before) {
            return false;
        }
        replace(after);
        return true;
    }

    /** Replaces the whole set (a new version). */
    public synchronized void replace(ConditionSet set) throws IOException {
        long version = Math.max(System.currentTimeMillis(), current.get().version() + 1);
        install(new Versioned(set, version, ConditionsFile.render(set)));
    }

    /**
     * Takes a set another node has, if it is newer than ours.
     *
     * @return true when it was taken
     * @throws ConditionException when {@code json} does not parse (a node with other condition rules)
     */
    public synchronized boolean offer(String json, long version) throws IOException {
        Versioned theirs = new Versioned(null, version, json);
        if (!theirs.newerThan(current.get())) {
            return false;
        }
        ConditionSet set = ConditionParser.parseSet(json);
        install(new Versioned(set, version, json));
        return true;
    }

    private void install(Versioned v) throws IOException {
        if (file != null) {
            ConditionsFile.save(file, v.set());
            Files.setLastModifiedTime(file, FileTime.fromMillis(v.version()));
            LOG.info("rewrote the conditions file {} ({} condition(s), version {})", file, v.set().size(), v.version());
        }
        current.set(v);
    }
}
