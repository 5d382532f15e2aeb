package engine;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;

/**
 * How a node finds the others ({@code tickwatch.cluster.discovery}; README "Running a cluster where
 * users run them"). {@code seed-nodes}, the default, is the fixed list of addresses it always was.
 * The three other forms run Pekko's Cluster Bootstrap: each node looks up its peers' management
 * endpoints (Kubernetes pods by label, a headless service's DNS records, or a fixed list), asks them
 * whether a cluster exists, joins it if so, and else, once the same set of at least
 * {@code required-contact-points} peers has been seen for {@code stable-margin}, the peer with the
 * lowest address forms it and the others join. No node needs to know another's cluster address
 * beforehand, and no one node is special (a seed that must start first).
 *
 * <p>Bootstrap needs Pekko Management's HTTP endpoint ({@code management.port}); it serves the
 * bootstrap's read-only {@code /bootstrap/seed-nodes} and nothing else: the health-check routes are
 * switched off (the orchestrator probes the admin port's {@code /health} and {@code /ready}, one
 * answer per question), and {@code pekko-management-cluster-http}, whose routes can leave and down
 * members, is not on the class path.
 *
 * @param method          which form
 * @param serviceName     the name looked up: the pods' {@code app} label (kubernetes-api), the
 *                        headless service's DNS name (dns), a name for the list (config)
 * @param requiredContactPoints peers a new cluster needs to see before it forms (the cluster's
 *                        expected size at its first start; 1 lets a lone node form one)
 * @param stableMargin    how long the set of peers must stay the same before a new cluster forms
 * @param podLabelSelector kubernetes-api: the selector, {@code %s} standing for the service name
 * @param endpoints       config: the peers' management endpoints, {@code host:port}
 * @param managementHost  where the management endpoint listens and how peers reach it
 * @param managementPort  its port (0 picks a free one: tests with one node only, peers could not find it)
 */
record ClusterDiscovery(Method method, String serviceName, int requiredContactPoints, java.time.Duration stableMargin,
                        String podLabelSelector, List<String> endpoints, String managementHost, int managementPort) {

    /** The forms of {@code tickwatch.cluster.discovery}, by their configured name. */
    enum Method {
        SEED_NODES("seed-nodes", null),
        KUBERNETES_API("kubernetes-api", "kubernetes-api"),
        DNS("dns", "pekko-dns"),
        CONFIG("config", "config");

        final String configName;
        /** Pekko Discovery's method name, or null when Cluster Bootstrap is not used. */
        final String pekkoMethod;

        Method(String configName, String pekkoMethod) {
            this.configName = configName;
            this.pekkoMethod = pekkoMethod;
        }

        static Method of(String name) {
            for (Method m : values()) {
                if (m.configName.equals(name.trim().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw new IllegalArgumentException("tickwatch.cluster.discovery (TICKWATCH_DISCOVERY) is \"" + name
                    + "\"; known: " + Arrays.stream(values()).map(m -> m.configName).toList());
        }
    }

    /**
     * Reads {@code tickwatch.cluster}; refuses seed nodes together with a bootstrap form (which list
     * would win is a question no one should have to answer at 3 am) and a config form without endpoints.
     */
    static ClusterDiscovery from(Config root) {
        Config c = root.getConfig("tickwatch.cluster");
        Method method = Method.of(c.getString("discovery"));
        Config b = c.getConfig("bootstrap");
        List<String> endpoints = Arrays.stream(b.getString("endpoints").split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        ClusterDiscovery d = new ClusterDiscovery(method, b.getString("service-name"), b.getInt("required-contact-points"),
                b.getDuration("stable-margin"), b.getString("pod-label-selector"), endpoints,
                c.getString("management.hostname"), c.getInt("management.port"));
        if (d.bootstrap()) {
            boolean seeds = !c.getString("seed-nodes").isBlank() || !root.getStringList("pekko.cluster.seed-nodes").isEmpty();
            if (seeds) {
                throw new IllegalArgumentException("tickwatch.cluster.discovery is " + method.configName
                        + " but seed nodes are set too (TICKWATCH_SEED_NODES): Cluster Bootstrap finds the nodes, "
                        + "leave the seed nodes empty");
            }
            if (d.requiredContactPoints() < 1) {
                throw new IllegalArgumentException("tickwatch.cluster.bootstrap.required-contact-points must be at least 1");
            }
        }
        if (method == Method.CONFIG) {
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("tickwatch.cluster.discovery is config but tickwatch.cluster.bootstrap."
                        + "endpoints (TICKWATCH_BOOTSTRAP_ENDPOINTS, host:port of each node's management endpoint) is empty");
            }
            endpoints.forEach(ClusterDiscovery::hostPort);
        }
        return d;
    }

    /** True for the forms that run Cluster Bootstrap (and so Pekko Management's endpoint). */
    boolean bootstrap() {
        return method.pekkoMethod != null;
    }

    /** {@code pekko} with Pekko Management and Cluster Bootstrap set up for this form; unchanged for seed nodes. */
    Config applyTo(Config pekko) {
        if (!bootstrap()) {
            return pekko;
        }
        Map<String, Object> v = new java.util.LinkedHashMap<>();
        v.put("pekko.management.http.hostname", managementHost);
        v.put("pekko.management.http.port", managementPort);
        // One readiness answer: the admin port's /ready (engine.Readiness). Management's own /alive and
        // /ready would answer 200 with no check configured, so they are not served at all.
        v.put("pekko.management.http.routes.health-checks", "");
        String bs = "pekko.management.cluster.bootstrap.contact-point-discovery.";
        v.put(bs + "discovery-method", method.pekkoMethod);
        v.put(bs + "service-name", serviceName);
        v.put(bs + "required-contact-point-nr", requiredContactPoints);
        v.put(bs + "stable-margin", stableMargin.toMillis() + "ms");
        // Contact points are the peers' management endpoints: the same port on every node.
        v.put("pekko.management.cluster.bootstrap.contact-point.fallback-port", managementPort);
        if (method == Method.CONFIG) {
            // The list names each endpoint's port, which differ when several nodes share a machine:
            // keep them all rather than only those on this node's own management port.
            v.put("pekko.management.cluster.bootstrap.contact-point.filter-on-fallback-port", false);
        }
        if (method == Method.KUBERNETES_API) {
            v.put("pekko.discovery.kubernetes-api.pod-label-selector", podLabelSelector);
            // Pod IPs as they are, so a peer's contact point and its own management hostname (the pod
            // IP, TICKWATCH_HOST from status.podIP) are the same string.
            v.put("pekko.discovery.kubernetes-api.use-raw-ip", true);
        }
        Config c = ConfigFactory.parseMap(v);
        if (method == Method.CONFIG) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (String e : endpoints) {
                String[] hp = hostPort(e);
                list.add(Map.of("host", hp[0], "port", Integer.parseInt(hp[1])));
            }
            c = c.withValue("pekko.discovery.config.services.\"" + serviceName + "\".endpoints",
                    ConfigValueFactory.fromIterable(list));
        }
        return c.withFallback(pekko);
    }

    /** Starts the management endpoint and Cluster Bootstrap, which joins this node to (or forms) the cluster. */
    void start(ActorSystem<?> system) {
        PekkoManagement.get(system).start().toCompletableFuture().join();
        ClusterBootstrap.get(system).start();
    }

    private static String[] hostPort(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        if (colon <= 0 || colon == endpoint.length() - 1 || !endpoint.substring(colon + 1).chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("tickwatch.cluster.bootstrap.endpoints: \"" + endpoint
                    + "\" is not host:port (a node's management endpoint)");
        }
        return new String[] {endpoint.substring(0, colon), endpoint.substring(colon + 1)};
    }

    @Override
    public String toString() {
        return bootstrap() ? "Cluster Bootstrap by " + method.configName + " (service " + serviceName + ", "
                + requiredContactPoints + " contact point(s), management on " + managementHost + ":" + managementPort + ")"
                : "seed nodes";
    }
}
