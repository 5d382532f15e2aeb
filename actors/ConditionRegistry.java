package actors;

import com.fasterxml.jackson.databind.JsonNode;
import conditions.Condition;
import conditions.ConditionException;
import conditions.ConditionParser;
import conditions.ConditionSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import persistence.ConditionsFile;

/**
 * The node's current conditions, shared by every ticker entity on the node: each command reads
 * {@link #current()}, so a change applies from the next tick on, without a restart.
 *
 * <p>Durable through the conditions file: a change is written (atomically) before it takes effect,
 * so what the node evaluates is always what it would load after a restart. Changes are serialized;
 * reads are a volatile load.
 */
public final class ConditionRegistry {
    private final AtomicReference<ConditionSet> current;
    private final Path file;

    private ConditionRegistry(ConditionSet initial, Path file) {
        this.current = new AtomicReference<>(initial);
        this.file = file;
    }

    /**
     * Loads {@code file} (a missing file is an empty set).
     *
     * @throws ConditionException with the parser's messages when the file is invalid
     */
    public static ConditionRegistry load(Path file) throws IOException {
        return new ConditionRegistry(ConditionsFile.load(file), file);
    }

    /** A registry that keeps changes in memory only (tests, tools). */
    public static ConditionRegistry inMemory(ConditionSet initial) {
        return new ConditionRegistry(initial, null);
    }

    public ConditionSet current() {
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
        Condition c = ConditionParser.parseOne(name, body);
        replace(current.get().with(c));
        return c;
    }

    /** Removes the condition {@code name}; false when there is none. */
    public synchronized boolean delete(String name) throws IOException {
        ConditionSet before = current.get();
        ConditionSet after = before.without(name);
        if (after == before) {
            return false;
        }
        replace(after);
        return true;
    }

    /** Replaces the whole set. */
    public synchronized void replace(ConditionSet set) throws IOException {
        if (file != null) {
            ConditionsFile.save(file, set);
        }
        current.set(set);
    }
}
