package engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Command-line options: {@code --name value...} and {@code --flag}; each option may take several values. */
final class Args {
    private final Map<String, List<String>> options = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    Args(List<String> args, Set<String> known, Set<String> flags) {
        String current = null;
        for (String a : args) {
            if (a.startsWith("--")) {
                String name = a.substring(2);
                if (!known.contains(name) && !flags.contains(name)) {
                    throw new UsageException("unknown option " + a);
                }
                options.putIfAbsent(name, new ArrayList<>());
                current = flags.contains(name) ? null : name;
            } else if (current != null) {
                options.get(current).add(a);
            } else {
                positional.add(a);
            }
        }
        for (Map.Entry<String, List<String>> e : options.entrySet()) {
            if (!flags.contains(e.getKey()) && e.getValue().isEmpty()) {
                throw new UsageException("--" + e.getKey() + " needs a value");
            }
        }
    }

    List<String> positional() {
        return positional;
    }

    boolean has(String name) {
        return options.containsKey(name);
    }

    List<String> all(String name) {
        return options.getOrDefault(name, List.of());
    }

    String one(String name, String fallback) {
        List<String> v = options.get(name);
        if (v == null) {
            return fallback;
        }
        if (v.size() != 1) {
            throw new UsageException("--" + name + " takes one value, got " + v);
        }
        return v.get(0);
    }

    String required(String name) {
        String v = one(name, null);
        if (v == null) {
            throw new UsageException("--" + name + " is required");
        }
        return v;
    }

    long number(String name, long fallback) {
        String v = one(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, got \"" + v + "\"");
        }
    }

    /** A mistake in how the command was called: print it with the usage, exit 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
