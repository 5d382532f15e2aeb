package engine.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4
 * (prometheus.io/docs/instrumenting/exposition_formats), for tests: a line it cannot read, a sample
 * before its family's {@code # TYPE}, a family split in two, a repeated series, or a sample a type
 * does not allow is an {@link IllegalArgumentException} naming the line. The Prometheus Java client
 * has writers only, no parser; this follows the format's grammar line by line.
 */
final class PrometheusText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One sample: its metric name, its labels (sorted by name) and value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private final Map<String, String> types = new HashMap<>();
    private final Map<String, String> help = new HashMap<>();
    private final List<Sample> samples = new ArrayList<>();

    private PrometheusText() {
    }

    /** Reads a whole exposition; throws on the first line that breaks the format. */
    static PrometheusText parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition must end with a line feed");
        }
        PrometheusText p = new PrometheusText();
        Set<String> closedFamilies = new HashSet<>();
        Set<String> series = new HashSet<>();
        String family = null;
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            try {
                if (line.startsWith("#")) {
                    String[] f = line.split(" ", 4);
                    if (f.length >= 3 && (f[1].equals("HELP") || f[1].equals("TYPE"))) {
                        name(f[2]);
                        if (!f[2].equals(family)) {
                            if (closedFamilies.contains(f[2]) || p.types.containsKey(f[2]) && f[1].equals("TYPE")) {
                                throw new IllegalArgumentException("family " + f[2] + " appears twice");
                            }
                            if (family != null) {
                                closedFamilies.add(family);
                            }
                            family = f[2];
                        }
                        if (f[1].equals("TYPE")) {
                            String type = f.length == 4 ? f[3] : "";
                            if (!TYPES.contains(type)) {
                                throw new IllegalArgumentException("unknown type \"" + type + "\"");
                            }
                            if (p.types.put(f[2], type) != null) {
                                throw new IllegalArgumentException("second TYPE of " + f[2]);
                            }
                        } else if (p.help.put(f[2], unescapeHelp(f.length == 4 ? f[3] : "")) != null) {
                            throw new IllegalArgumentException("second HELP of " + f[2]);
                        }
                    }
                    continue; // any other comment
                }
                Sample s = sample(line);
                String fam = familyOf(s.name(), p.types);
                if (!fam.equals(family)) {
                    if (closedFamilies.contains(fam)) {
                        throw new IllegalArgumentException("family " + fam + " is split in two");
                    }
                    if (family != null) {
                        closedFamilies.add(family);
                    }
                    family = fam;
                }
                checkSuffix(s, fam, p.types.getOrDefault(fam, "untyped"));
                if (!series.add(s.name() + s.labels())) {
                    throw new IllegalArgumentException("series " + s.name() + s.labels() + " appears twice");
                }
                p.samples.add(s);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + n + " \"" + line + "\": " + e.getMessage(), e);
            }
        }
        return p;
    }

    /** Every sample, in order. */
    List<Sample> samples() {
        return samples;
    }

    /** The family's TYPE, or null. */
    String type(String family) {
        return types.get(family);
    }

    /** The family's HELP, or null. */
    String help(String family) {
        return help.get(family);
    }

    /** The value of the one sample with exactly these labels, or 0 when there is none (a counter not yet made). */
    double value(String name, String... labelPairs) {
        Map<String, String> want = new TreeMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            want.put(labelPairs[i], labelPairs[i + 1]);
        }
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(want))
                .mapToDouble(Sample::value).findFirst().orElse(0);
    }

    /** The sum over every sample of {@code name} whose labels include these. */
    double sum(String name, String... labelPairs) {
        return samples.stream().filter(s -> s.name().equals(name) && includes(s.labels(), labelPairs))
                .mapToDouble(Sample::value).sum();
    }

    /** Whether any sample is named {@code name}. */
    boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }

    private static boolean includes(Map<String, String> labels, String... pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (!pairs[i + 1].equals(labels.get(pairs[i]))) {
                return false;
            }
        }
        return true;
    }

    private static String name(String s) {
        if (!NAME.matcher(s).matches()) {
            throw new IllegalArgumentException("invalid metric name \"" + s + "\"");
        }
        return s;
    }

    /** {@code name{a="x",b="y"} value [timestamp]}. */
    private static Sample sample(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = name(line.substring(0, i));
        Map<String, String> labels = new TreeMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq);
                if (!LABEL.matcher(label).matches() || label.startsWith("__")) {
                    throw new IllegalArgumentException("invalid label name \"" + label + "\"");
                }
                if (line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("label value of " + label + " is not quoted");
                }
                StringBuilder v = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char e = line.charAt(++j);
                        v.append(switch (e) {
                            case '\\' -> '\\';
                            case '"' -> '"';
                            case 'n' -> '\n';
                            default -> throw new IllegalArgumentException("invalid escape \\" + e);
                        });
                    } else {
                        v.append(c);
                    }
                }
                if (labels.put(label, v.toString()) != null) {
                    throw new IllegalArgumentException("label " + label + " twice");
                }
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                } else if (line.charAt(i) != '}') {
                    throw new IllegalArgumentException("expected , or } after a label at " + i);
                }
            }
            i++;
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw new IllegalArgumentException("no value");
        }
        String[] rest = line.substring(i + 1).split(" ");
        if (rest.length > 2) {
            throw new IllegalArgumentException("more than a value and a timestamp");
        }
        if (rest.length == 2) {
            Long.parseLong(rest[1]);
        }
        return new Sample(name, labels, value(rest[0]));
    }

    private static double value(String s) {
        return switch (s) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                if (!s.matches("[-+]?[0-9.]+([eE][-+]?[0-9]+)?")) {
                    throw new IllegalArgumentException("invalid value \"" + s + "\"");
                }
                yield Double.parseDouble(s);
            }
        };
    }

    /** The family a sample belongs to: a histogram's or summary's {@code _bucket}, {@code _sum}, {@code _count}. */
    private static String familyOf(String name, Map<String, String> types) {
        if (types.containsKey(name)) {
            return name;
        }
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                String t = types.get(base);
                if ("histogram".equals(t) || "summary".equals(t)) {
                    return base;
                }
            }
        }
        return name;
    }

    private static void checkSuffix(Sample s, String family, String type) {
        switch (type) {
            case "counter" -> {
                if (s.value() < 0 || Double.isNaN(s.value())) {
                    throw new IllegalArgumentException("a counter is never negative");
                }
            }
            case "histogram" -> {
                if (s.name().equals(family + "_bucket") && !s.labels().containsKey("le")) {
                    throw new IllegalArgumentException("a bucket without le");
                }
                if (s.name().equals(family)) {
                    throw new IllegalArgumentException("a histogram's samples are _bucket, _sum and _count");
                }
            }
            default -> {
            }
        }
    }

    private static String unescapeHelp(String s) {
        return s.replace("\\n", "\n").replace("\\\\", "\\");
    }

    @Override
    public String toString() {
        Map<String, Double> m = new LinkedHashMap<>();
        samples.forEach(s -> m.put(s.name() + s.labels(), s.value()));
        return m.toString();
    }
}
