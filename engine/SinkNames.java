package engine;

import conditions.Condition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * A condition may name only sinks the node has configured: a hit for a sink that does not exist
 * would go nowhere ({@code "sinks": ["File"]} instead of {@code "file"}), so such a condition is
 * refused by the API and makes the node refuse to start.
 */
public final class SinkNames {
    private SinkNames() {
    }

    /** Conditions naming sinks the node does not have; {@link #getMessage()} says which, and what there is. */
    public static final class UnknownSinks extends RuntimeException {
        private final List<String> problems;
        private final List<String> available;

        UnknownSinks(List<String> problems, List<String> available) {
            super(String.join("; ", problems) + "; the configured sinks are " + String.join(", ", available));
            this.problems = List.copyOf(problems);
            this.available = List.copyOf(available);
        }

        /** One line per condition and unknown sink: {@code condition "x": unknown sink "File"}. */
        public List<String> problems() {
            return problems;
        }

        /** The sink names a condition may use. */
        public List<String> available() {
            return available;
        }
    }

    /**
     * @param available the node's sinks ({@link Node#sinkNames()})
     * @throws UnknownSinks when a condition names a sink not in {@code available}
     */
    public static void check(Collection<Condition> conditions, Set<String> available) {
        List<String> problems = new ArrayList<>();
        for (Condition c : conditions) {
            for (String s : c.sinks()) {
                if (!available.contains(s)) {
                    problems.add("condition \"" + c.name() + "\": unknown sink \"" + s + "\"");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new UnknownSinks(problems, List.copyOf(available));
        }
    }
}
