package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes example ({@code deploy/kubernetes/}) cannot run here, so what can go wrong in it
 * silently is checked against the code: the probes ask the admin port's {@code /health} and
 * {@code /ready} on the port the node binds; the management port the bootstrap contacts is the
 * container port; the discovery form is one the node knows and its label selector finds the pod
 * template's labels; every {@code TICKWATCH_*} variable it sets is one the configuration reads (a
 * typo would be ignored); the grace period covers the drain plus the measured leave; pods start in
 * parallel; the headless service publishes pods that are not ready; the role may list pods.
 *
 * <p>YAML is read by the small block-style reader below (maps, lists, scalars, comments, documents),
 * enough for these files; no YAML library is on the class path for this alone.
 */
class DeployManifestTest {
    static final Path DIR = Path.of("deploy/kubernetes");
    /** SIGTERM to exit measured by BootstrapLeaveIT with a 2 s drain (README): the rest of a leave. */
    static final Duration LEAVE_AFTER_DRAIN = Duration.ofSeconds(15);

    @Test
    void statefulSetProbesPortsAndEnvMatchTheNode() throws IOException {
        Map<String, Object> sts = only(documents("statefulset.yaml"), "StatefulSet");
        Map<String, Object> spec = map(sts, "spec");
        assertEquals("Parallel", spec.get("podManagementPolicy"), "bootstrap needs the pods started together");
        Map<String, Object> pod = map(map(spec, "template"), "spec");
        Map<String, Object> labels = map(map(map(spec, "template"), "metadata"), "labels");
        Map<String, Object> container = list(pod, "containers").get(0);
        Map<String, String> env = env(container);
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (Map<String, Object> p : list(container, "ports")) {
            ports.put((String) p.get("name"), Integer.parseInt((String) p.get("containerPort")));
        }

        // probes: our endpoints, on the admin port the node binds
        assertEquals(String.valueOf(ports.get("http")), env.get("TICKWATCH_HTTP_PORT"));
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            Map<String, Object> get = map(map(container, probe), "httpGet");
            assertEquals("http", get.get("port"), probe + " asks the admin port");
            assertEquals(probe.equals("readinessProbe") ? "/ready" : "/health", get.get("path"), probe);
        }

        // bootstrap: the contact points' port is the management container port, the form is known,
        // the selector finds the pods
        assertEquals(String.valueOf(ports.get("management")), env.get("TICKWATCH_MANAGEMENT_PORT"));
        assertEquals(String.valueOf(ports.get("remoting")), env.get("TICKWATCH_PORT"));
        ClusterDiscovery d = ClusterDiscovery.from(ConfigFactory.parseMap(Map.of(
                "tickwatch.cluster.discovery", env.get("TICKWATCH_DISCOVERY"),
                "tickwatch.cluster.seed-nodes", "",
                "pekko.cluster.seed-nodes", List.of(),
                "tickwatch.cluster.bootstrap.service-name", env.get("TICKWATCH_SERVICE_NAME"),
                "tickwatch.cluster.bootstrap.required-contact-points", env.get("TICKWATCH_REQUIRED_CONTACT_POINTS"),
                "tickwatch.cluster.bootstrap.stable-margin", "5s",
                "tickwatch.cluster.bootstrap.pod-label-selector", "app=%s",
                "tickwatch.cluster.bootstrap.endpoints", "",
                "tickwatch.cluster.management.hostname", "10.0.0.1",
                "tickwatch.cluster.management.port", env.get("TICKWATCH_MANAGEMENT_PORT"))));
        assertEquals(ClusterDiscovery.Method.KUBERNETES_API, d.method());
        String selector = String.format(d.podLabelSelector(), d.serviceName());
        String[] kv = selector.split("=");
        assertEquals(kv[1], labels.get(kv[0]), "the pod label selector " + selector + " finds the pod template");
        assertTrue(Integer.parseInt(env.get("TICKWATCH_REQUIRED_CONTACT_POINTS"))
                <= Integer.parseInt((String) spec.get("replicas")), "a first cluster can form from the replicas");
        assertEquals("tickwatch", pod.get("serviceAccountName"));

        // SIGTERM: the grace period covers the drain and the leave
        Duration drain = ConfigFactory.parseString("d = " + env.get("TICKWATCH_READY_DRAIN")).getDuration("d");
        long grace = Long.parseLong((String) pod.get("terminationGracePeriodSeconds"));
        assertTrue(grace >= drain.plus(LEAVE_AFTER_DRAIN).toSeconds(), "grace " + grace + " s < drain " + drain
                + " + leave " + LEAVE_AFTER_DRAIN);
        Duration phase = ConfigFactory.parseResources("engine/cluster.conf").resolve()
                .getDuration("pekko.coordinated-shutdown.phases.before-service-unbind.timeout");
        assertTrue(drain.compareTo(phase) < 0, "the drain fits its shutdown phase (" + phase + ")");

        // the cluster port is on the pod network: TLS on, stores from the Secret's volume
        assertEquals("on", env.get("TICKWATCH_CLUSTER_TLS"));
        assertTrue(env.get("TICKWATCH_CLUSTER_KEY_STORE").startsWith(mountOf(container, "tls")));

        // every TICKWATCH_ variable is read by the configuration
        Set<String> known = configuredVariables();
        Set<String> unknown = new TreeSet<>(env.keySet());
        unknown.removeIf(k -> !k.startsWith("TICKWATCH_") || known.contains(k));
        assertEquals(Set.of(), unknown, "variables no configuration file reads (known: " + known + ")");
    }

    @Test
    void servicesAndRbacLetBootstrapFindThePods() throws IOException {
        List<Map<String, Object>> services = documents("services.yaml");
        Map<String, Object> sts = only(documents("statefulset.yaml"), "StatefulSet");
        Map<String, Object> headless = services.stream()
                .filter(s -> map(s, "metadata").get("name").equals(map(sts, "spec").get("serviceName"))).findFirst()
                .orElseThrow(() -> new AssertionError("no service named as the StatefulSet's serviceName"));
        assertEquals("None", map(headless, "spec").get("clusterIP"));
        assertEquals("true", map(headless, "spec").get("publishNotReadyAddresses"),
                "bootstrap must see pods before they are ready (ready = a member)");
        Map<String, Object> role = only(documents("rbac.yaml"), "Role");
        Map<String, Object> rule = list(role, "rules").get(0);
        assertEquals(List.of("pods"), rule.get("resources"));
        assertTrue(((List<?>) rule.get("verbs")).contains("list"));
        assertFalse(Files.readString(DIR.resolve("secret.example.yaml")).matches("(?s).*password: \"(?!REPLACE-ME).+\".*"),
                "the example Secret holds placeholders only");
    }

    // ---- the manifests ----

    private static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> e : list(container, "env")) {
            env.put((String) e.get("name"), e.containsKey("value") ? (String) e.get("value") : "(from " + e.keySet() + ")");
        }
        return env;
    }

    private static String mountOf(Map<String, Object> container, String volume) {
        return list(container, "volumeMounts").stream().filter(m -> volume.equals(m.get("name")))
                .map(m -> (String) m.get("mountPath")).findFirst().orElseThrow();
    }

    /** Every {@code ${?TICKWATCH_...}} in the configuration files of the repository. */
    private static Set<String> configuredVariables() throws IOException {
        Set<String> names = new TreeSet<>();
        Pattern p = Pattern.compile("\\$\\{\\?(TICKWATCH_[A-Z0-9_]+)}");
        try (Stream<Path> files = Files.walk(Path.of("."), 3)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".conf") && !f.startsWith("./target")).toList()) {
                Matcher m = p.matcher(Files.readString(f));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    private static Map<String, Object> only(List<Map<String, Object>> docs, String kind) {
        List<Map<String, Object>> of = docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
        assertEquals(1, of.size(), "one " + kind);
        return of.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String key) {
        Object v = m.get(key);
        assertTrue(v instanceof Map, key + " is a map in " + m.keySet());
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> m, String key) {
        Object v = m.get(key);
        assertTrue(v instanceof List, key + " is a list in " + m.keySet());
        return (List<Map<String, Object>>) v;
    }

    static List<Map<String, Object>> documents(String file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (String raw : Files.readAllLines(DIR.resolve(file), StandardCharsets.UTF_8)) {
            if (raw.equals("---")) {
                if (!lines.isEmpty()) {
                    docs.add(MiniYaml.parse(lines));
                }
                lines = new ArrayList<>();
            } else {
                lines.add(raw);
            }
        }
        if (!lines.isEmpty()) {
            docs.add(MiniYaml.parse(lines));
        }
        return docs;
    }

    /**
     * Block-style YAML: nested maps by indentation, lists of {@code - } items (maps or scalars),
     * flow lists of scalars ({@code ["a", "b"]}), comments, quoted scalars. Scalars stay strings.
     */
    static final class MiniYaml {
        private record Line(int indent, String text) {
        }

        private final List<Line> lines = new ArrayList<>();
        private int at;

        static Map<String, Object> parse(List<String> raw) {
            MiniYaml y = new MiniYaml();
            for (String r : raw) {
                String t = stripComment(r);
                if (!t.isBlank()) {
                    y.lines.add(new Line(t.length() - t.stripLeading().length(), t.strip()));
                }
            }
            Map<String, Object> m = y.lines.isEmpty() ? Map.of() : y.map(y.lines.get(0).indent());
            assertEquals(y.lines.size(), y.at, "read the whole document");
            return m;
        }

        private static String stripComment(String s) {
            boolean quoted = false;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"') {
                    quoted = !quoted;
                } else if (c == '#' && !quoted && (i == 0 || s.charAt(i - 1) == ' ')) {
                    return s.substring(0, i);
                }
            }
            return s;
        }

        private Map<String, Object> map(int indent) {
            Map<String, Object> m = new LinkedHashMap<>();
            while (at < lines.size() && lines.get(at).indent() == indent && !lines.get(at).text().startsWith("- ")) {
                entry(m, lines.get(at++).text(), indent);
            }
            return m;
        }

        /** {@code key: value} or {@code key:} with a nested map or list below. */
        private void entry(Map<String, Object> m, String text, int indent) {
            int colon = text.indexOf(':');
            String key = text.substring(0, colon).strip();
            String rest = text.substring(colon + 1).strip();
            if (!rest.isEmpty()) {
                m.put(key, scalar(rest));
            } else if (at < lines.size() && lines.get(at).text().startsWith("- ") && lines.get(at).indent() >= indent) {
                m.put(key, list(lines.get(at).indent()));
            } else if (at < lines.size() && lines.get(at).indent() > indent) {
                m.put(key, map(lines.get(at).indent()));
            } else {
                m.put(key, "");
            }
        }

        private List<Object> list(int indent) {
            List<Object> items = new ArrayList<>();
            while (at < lines.size() && lines.get(at).indent() == indent && lines.get(at).text().startsWith("- ")) {
                String first = lines.get(at++).text().substring(2).strip();
                if (!first.contains(": ") && !first.endsWith(":")) {
                    items.add(scalar(first));
                    continue;
                }
                Map<String, Object> item = new LinkedHashMap<>();
                int inner = indent + 2;
                entry(item, first, inner);
                item.putAll(map(inner));
                items.add(item);
            }
            return items;
        }

        private static Object scalar(String s) {
            if (s.startsWith("[") && s.endsWith("]")) {
                List<Object> l = new ArrayList<>();
                for (String part : s.substring(1, s.length() - 1).split(",")) {
                    if (!part.isBlank()) {
                        l.add(scalar(part.strip()));
                    }
                }
                return l;
            }
            if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
                return s.substring(1, s.length() - 1);
            }
            return s;
        }
    }
}
