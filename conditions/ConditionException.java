package conditions;

import java.util.List;

/**
 * Conditions that cannot be loaded. Each problem names the condition, the place inside it and what
 * is wrong, e.g. {@code condition "dip": when.all[1][0]: unknown field "RSI15"; valid: ...}.
 */
public final class ConditionException extends RuntimeException {
    private final List<String> problems;

    public ConditionException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
