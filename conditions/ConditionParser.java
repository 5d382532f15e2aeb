package conditions;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads conditions written as JSON, in the native form or the jazzstock form, and reports every
 * problem it finds at once, each naming the condition, the place and the problem. The grammar is
 * documented in README.md ("Conditions").
 */
public final class ConditionParser {
    // Strict duplicate detection: by default Jackson keeps the last of two equal keys, so a name
    // used twice in the object form (or a jazzstock column given twice) was dropped silently.
    /**
     * The longest cooldown: ten years, so a bar time plus a cooldown never leaves a long of
     * milliseconds (a longer one wrapped negative and let a condition hit on every bar).
     */
    public static final long MAX_COOLDOWN = 3650 * Market.DAY;
    private static final ObjectMapper MAPPER =
            JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final Set<String> NATIVE_KEYS =
            Set.of("name", "description", "symbols", "when", "cooldown", "sinks", "check", "chart", "order");
    private static final List<String> OPS =
            List.of(">", ">=", "<", "<=", "between", "crosses_above", "crosses_below");
    private static final List<String> JAZZ_OPS = List.of("BIGGER", "SMALLER", "BETWEEN", "BIGGER_P",
            "SMALLER_P", "BIGGER_MINMAX_P", "SMALLER_MINMAX_P");

    /**
     * jazzstock's spellings of our fields, accepted as they are: its 5-minute RSI column is
     * {@code RSI} (the same 14-bar Wilder RSI on a 0-100 scale).
     */
    private static final Map<String, String> ALIASES = Map.of("RSI", "RSI14");

    private final List<String> problems = new ArrayList<>();
    private String current;

    private ConditionParser() {
    }

    /** Parses a whole conditions file (either form, see README) into a set. */
    public static ConditionSet parseSet(String json) {
        return ConditionSet.of(parseAll(readJson(json)));
    }

    /** Parses every condition of a conditions document. */
    public static List<Condition> parseAll(JsonNode root) {
        ConditionParser p = new ConditionParser();
        List<Condition> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        if (root.isArray()) {
            for (int i = 0; i < root.size(); i++) {
                JsonNode body = root.get(i);
                JsonNode n = body.get("name");
                String name = n != null && n.isTextual() ? n.asText() : "#" + i;
                p.current = name;
                if (n == null || !n.isTextual()) {
                    p.problem("", "a condition in a list needs a \"name\"");
                    continue;
                }
                p.add(out, names, name, body);
            }
        } else if (root.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                p.current = e.getKey();
                p.add(out, names, e.getKey(), e.getValue());
            }
        } else {
            p.problems.add("conditions: expected a JSON object of named conditions or an array of conditions");
        }
        p.check();
        return out;
    }

    /**
     * Parses one condition for {@code PUT /api/conditions/{name}}: a native condition object, or
     * the jazzstock form holding exactly that name, {@code {"NAME": {...}}}.
     */
    public static Condition parseOne(String name, JsonNode body) {
        ConditionParser p = new ConditionParser();
        p.current = name;
        Condition c = null;
        if (body == null || !body.isObject()) {
            p.problem("", "expected a JSON object");
        } else if (body.has("when")) {
            c = p.parseNative(name, body);
        } else if (body.size() == 1 && body.has(name)) {
            c = p.parseJazz(name, body.get(name));
        } else {
            p.problem("", "expected a native condition (an object with \"when\") or the jazzstock form {\""
                    + name + "\": {COLUMN: [OP, ...]}}");
        }
        p.check();
        return c;
    }

    /**
     * Parses JSON text holding one value (whitespace around it is fine), turning a syntax error into
     * a {@link ConditionException} with its place. Anything after the value ({@code {..}{..}},
     * {@code {..} garbage}) is a problem too: read alone, the first value would be taken and the
     * rest dropped without a word.
     */
    public static JsonNode readJson(String json) {
        try (JsonParser p = MAPPER.createParser(json)) {
            JsonNode n = MAPPER.readTree(p);
            if (n == null) {
                return MissingNode.getInstance();
            }
            JsonLocation end = p.currentLocation();
            JsonToken next;
            try {
                next = p.nextToken();
            } catch (JsonProcessingException e) {
                next = JsonToken.NOT_AVAILABLE; // garbage after the value: reported as trailing content
            }
            if (next != null) {
                throw new ConditionException(List.of("conditions: unexpected content after the JSON value, at line "
                        + end.getLineNr() + ", column " + end.getColumnNr() + ": a document holds one value"));
            }
            return n;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ConditionException(List.of("conditions: malformed JSON" + where + ": " + e.getOriginalMessage()));
        } catch (ConditionException e) {
            throw e;
        } catch (Exception e) { // Jackson's IOException, which reading a String never raises (and java.io is not for this package)
            throw new IllegalStateException("reading JSON from a string", e);
        }
    }

    private void add(List<Condition> out, Set<String> names, String name, JsonNode body) {
        if (!names.add(name)) {
            problem("", "the name is used twice");
            return;
        }
        Condition c;
        // Any native key (all lower case; jazzstock columns are field names) marks a native
        // condition, so one that forgot "when" is told "when: missing" instead of being read as
        // jazzstock columns "symbols", "cooldown", "name" (always present in the array form).
        if (body != null && body.isObject() && hasNativeKey(body)) {
            c = parseNative(name, body);
        } else {
            c = parseJazz(name, body);
        }
        if (c != null) {
            out.add(c);
        }
    }

    private static boolean hasNativeKey(JsonNode body) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            if (NATIVE_KEYS.contains(it.next())) {
                return true;
            }
        }
        return false;
    }

    private void check() {
        if (!problems.isEmpty()) {
            throw new ConditionException(problems);
        }
    }

    private void problem(String where, String what) {
        problems.add("condition \"" + current + "\": " + (where.isEmpty() ? "" : where + ": ") + what);
    }

    private boolean validName(String name) {
        if (name.isBlank() || name.length() > 100) {
            problem("name", "must be 1-100 characters");
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (!(Character.isLetterOrDigit(ch) || ch == '_' || ch == '-' || ch == '.')) {
                problem("name", "may hold letters, digits, '_', '-' and '.', not '" + ch + "'");
                return false;
            }
        }
        return true;
    }

    // ---- native form ----

    private Condition parseNative(String name, JsonNode body) {
        int before = problems.size();
        validName(name);
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!NATIVE_KEYS.contains(k)) {
                problem(k, "unknown key; expected one of " + String.join(", ", List.of(
                        "name", "description", "symbols", "when", "cooldown", "sinks", "check", "chart", "order")));
            }
        }
        JsonNode n = body.get("name");
        if (n != null && !(n.isTextual() && n.asText().equals(name))) {
            problem("name", "\"" + n.asText() + "\" does not match the condition's name \"" + name + "\"");
        }
        Set<String> symbols = symbols(body.get("symbols"));
        Clause when = clause(body.get("when"), "when");
        long cooldown = cooldown(body.get("cooldown"));
        List<String> sinks = sinks(body.get("sinks"));
        boolean onUpdate = false;
        JsonNode check = body.get("check");
        if (check != null) {
            String v = check.asText();
            if (check.isTextual() && v.equals("update")) {
                onUpdate = true;
            } else if (!(check.isTextual() && v.equals("close"))) {
                problem("check", "must be \"close\" (at bar close, the default) or \"update\" (every update of the forming bar)");
            }
        }
        JsonNode chartNode = body.get("chart");
        boolean chart = false;
        if (chartNode != null && !chartNode.isNull()) {
            if (chartNode.isBoolean()) {
                chart = chartNode.asBoolean();
            } else {
                problem("chart", chartNode + " is not true or false (true: alerts carry a chart where the sink draws one)");
            }
        }
        OrderIntent order = OrderIntent.read(body.get("order"), this::problem);
        if (problems.size() > before) {
            return null;
        }
        return new Condition(name, symbols, when, cooldown, sinks, onUpdate, "native", body, chart, order);
    }

    private Set<String> symbols(JsonNode node) {
        Set<String> out = new LinkedHashSet<>();
        if (node == null || node.isNull() || (node.isTextual() && node.asText().equals("*"))) {
            return out;
        }
        if (!node.isArray() || node.isEmpty()) {
            problem("symbols", "must be a non-empty array of symbols, or \"*\" for every symbol");
            return out;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode s = node.get(i);
            if (!s.isTextual() || !Symbols.isValid(s.asText())) {
                problem("symbols[" + i + "]", "\"" + s.asText() + "\" is not a symbol (1-20 characters of A-Z, 0-9, '.', '-', '_')");
            } else {
                out.add(s.asText());
            }
        }
        return out;
    }

    private long cooldown(JsonNode node) {
        if (node == null || node.isNull()) {
            return 0;
        }
        if (node.isNumber() && node.asDouble() >= 0) {
            double millis = node.asDouble() * Market.MINUTE; // a bare number is minutes
            return millis <= MAX_COOLDOWN ? Math.round(millis) : tooLong(node);
        }
        String t = node.asText().trim().toLowerCase(Locale.ROOT);
        if (node.isTextual() && t.length() > 1) {
            long unit = switch (t.charAt(t.length() - 1)) {
                case 's' -> 1000L;
                case 'm' -> Market.MINUTE;
                case 'h' -> 60 * Market.MINUTE;
                case 'd' -> Market.DAY;
                default -> -1;
            };
            String digits = t.substring(0, t.length() - 1);
            try {
                long amount = Long.parseLong(digits);
                if (unit > 0 && amount >= 0) {
                    return amount <= MAX_COOLDOWN / unit ? amount * unit : tooLong(node);
                }
            } catch (NumberFormatException e) {
                if (unit > 0 && digits.chars().allMatch(Character::isDigit)) {
                    return tooLong(node); // more digits than a long holds
                }
            }
        }
        problem("cooldown", "\"" + node.asText() + "\" is not a duration like \"90s\", \"30m\", \"2h\", \"1d\" or a number of minutes");
        return 0;
    }

    private long tooLong(JsonNode node) {
        problem("cooldown", "\"" + node.asText() + "\" is longer than the longest cooldown, "
                + MAX_COOLDOWN / Market.DAY + "d (ten years)");
        return 0;
    }

    private List<String> sinks(JsonNode node) {
        if (node == null || node.isNull()) {
            return Condition.DEFAULT_SINKS;
        }
        List<String> out = new ArrayList<>();
        if (!node.isArray()) {
            problem("sinks", "must be an array of sink names, e.g. [\"log\", \"file\"]");
            return out;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode s = node.get(i);
            if (!s.isTextual() || s.asText().isBlank()) {
                problem("sinks[" + i + "]", "must be a sink name");
            } else {
                out.add(s.asText());
            }
        }
        return out;
    }

    private Clause clause(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            problem(at, "missing; expected {\"all\": [...]}, {\"any\": [...]}, {\"not\": ...} or [FIELD, OP, ...]");
            return null;
        }
        if (node.isObject()) {
            if (node.size() != 1) {
                problem(at, "an object clause has exactly one key: all, any or not");
                return null;
            }
            String key = node.fieldNames().next();
            JsonNode v = node.get(key);
            switch (key) {
                case "all", "any" -> {
                    if (!v.isArray() || v.isEmpty()) {
                        problem(at + "." + key, "must be a non-empty array of clauses");
                        return null;
                    }
                    List<Clause> parts = new ArrayList<>();
                    for (int i = 0; i < v.size(); i++) {
                        parts.add(clause(v.get(i), at + "." + key + "[" + i + "]"));
                    }
                    return key.equals("all") ? new Clause.All(parts) : new Clause.Any(parts);
                }
                case "not" -> {
                    Clause inner = clause(v, at + ".not");
                    return inner == null ? null : new Clause.Not(inner);
                }
                default -> {
                    problem(at, "unknown key \"" + key + "\"; expected all, any or not");
                    return null;
                }
            }
        }
        if (!node.isArray() || node.size() < 3) {
            problem(at, "a comparison is an array [FIELD, OP, VALUE] (or [FIELD, \"between\", LOW, HIGH])");
            return null;
        }
        Operand left = field(node.get(0), at + "[0]");
        JsonNode opNode = node.get(1);
        String op = opNode.asText();
        if (!opNode.isTextual() || !OPS.contains(op)) {
            problem(at + "[1]", "unknown operator \"" + op + "\"; expected one of " + String.join(", ", OPS));
            return null;
        }
        int want = op.equals("between") ? 4 : 3;
        if (node.size() != want) {
            problem(at, "\"" + op + "\" takes " + (want - 2) + " value" + (want == 4 ? "s" : "") + ", got " + (node.size() - 2));
            return null;
        }
        Operand right = operand(node.get(2), at + "[2]");
        if (op.equals("between")) {
            Operand high = operand(node.get(3), at + "[3]");
            return left == null || right == null || high == null ? null : new Clause.Between(left, right, high);
        }
        if (left == null || right == null) {
            return null;
        }
        return switch (op) {
            case ">" -> new Clause.Compare(left, Clause.Op.GT, right);
            case ">=" -> new Clause.Compare(left, Clause.Op.GE, right);
            case "<" -> new Clause.Compare(left, Clause.Op.LT, right);
            case "<=" -> new Clause.Compare(left, Clause.Op.LE, right);
            case "crosses_above" -> new Clause.Cross(left, true, right);
            default -> new Clause.Cross(left, false, right);
        };
    }

    private Operand field(JsonNode node, String at) {
        if (!node.isTextual()) {
            problem(at, "expected a field name; valid names: " + validNames());
            return null;
        }
        String name = node.asText();
        Field f = Field.byName(ALIASES.getOrDefault(name, name));
        if (f != null) {
            return Operand.of(f, 1);
        }
        DailyKey k = DailyKey.byKey(name);
        if (k != null) {
            return Operand.of(k, 1);
        }
        problem(at, "unknown field \"" + name + "\"; valid names: " + validNames());
        return null;
    }

    private static String validNames() {
        return Field.validNames() + "; daily keys: " + DailyKey.validKeys();
    }

    /** A number, a field name, or {"of": FIELD, "times": NUMBER}. */
    private Operand operand(JsonNode node, String at) {
        if (node.isNumber()) {
            return Operand.number(node.asDouble());
        }
        if (node.isTextual()) {
            return field(node, at);
        }
        if (node.isObject() && node.has("of") && node.has("times") && node.size() == 2) {
            Operand f = field(node.get("of"), at + ".of");
            if (!node.get("times").isNumber()) {
                problem(at + ".times", "must be a number");
                return null;
            }
            return f == null ? null : f.times(node.get("times").asDouble());
        }
        problem(at, "expected a number, a field name, or {\"of\": FIELD, \"times\": NUMBER}");
        return null;
    }

    // ---- jazzstock form ----

    private Condition parseJazz(String name, JsonNode body) {
        int before = problems.size();
        validName(name);
        if (body == null || !body.isObject() || body.isEmpty()) {
            problem("", "expected a native condition (an object with \"when\") or the jazzstock form {COLUMN: [OP, ARG, ...], ...}");
            return null;
        }
        List<Clause> parts = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Clause c = jazzClause(e.getKey(), e.getValue());
            if (c != null) {
                parts.add(c);
            }
        }
        if (problems.size() > before) {
            return null;
        }
        Clause when = parts.size() == 1 ? parts.get(0) : new Clause.All(parts);
        return new Condition(name, Set.of(), when, 0, Condition.DEFAULT_SINKS, false, "jazzstock", body);
    }

    private Clause jazzClause(String column, JsonNode spec) {
        Operand col = field(MAPPER.getNodeFactory().textNode(column), column);
        if (spec == null || !spec.isArray() || spec.isEmpty() || !spec.get(0).isTextual()) {
            problem(column, "expected [OP, ARG, ...] with OP one of " + String.join(", ", JAZZ_OPS));
            return null;
        }
        String op = spec.get(0).asText();
        int args = switch (op) {
            case "BIGGER", "SMALLER" -> 1;
            case "BETWEEN", "BIGGER_P", "SMALLER_P" -> 2;
            case "BIGGER_MINMAX_P", "SMALLER_MINMAX_P" -> 3;
            default -> -1;
        };
        if (args < 0) {
            problem(column + "[0]", "unknown operator \"" + op + "\"; expected one of " + String.join(", ", JAZZ_OPS));
            return null;
        }
        if (spec.size() - 1 != args) {
            problem(column, op + " takes " + args + " argument" + (args > 1 ? "s" : "") + ", got " + (spec.size() - 1));
            return null;
        }
        Operand[] a = new Operand[args];
        boolean ok = col != null;
        for (int i = 0; i < args; i++) {
            JsonNode arg = spec.get(i + 1);
            if (arg.isNumber() || arg.isTextual()) {
                a[i] = operand(arg, column + "[" + (i + 1) + "]");
            } else {
                problem(column + "[" + (i + 1) + "]", "an argument is a number or a column name");
            }
            ok &= a[i] != null;
        }
        if (!ok) {
            return null;
        }
        return switch (op) {
            case "BIGGER" -> new Clause.Compare(col, Clause.Op.GT, a[0]);
            case "SMALLER" -> new Clause.Compare(col, Clause.Op.LT, a[0]);
            case "BETWEEN" -> new Clause.Between(col, a[0], a[1]);
            case "BIGGER_P" -> new Clause.PercentOf(col, true, a[0], a[1]);
            case "SMALLER_P" -> new Clause.PercentOf(col, false, a[0], a[1]);
            case "BIGGER_MINMAX_P" -> new Clause.MinMaxP(col, true, a[0], a[1], a[2]);
            default -> new Clause.MinMaxP(col, false, a[0], a[1], a[2]);
        };
    }
}
