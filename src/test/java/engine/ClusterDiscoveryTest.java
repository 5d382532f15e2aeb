package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;

/**
 * {@code tickwatch.cluster.discovery}: each form's Pekko settings, the configurations refused before
 * anything starts, and one node that forms a cluster through Cluster Bootstrap alone ({@code config}
 * form, one contact point) whose management port serves the bootstrap's read-only route and nothing
 * that changes the cluster.
 */
class ClusterDiscoveryTest {
    @TempDir
    Path dir;

    static Config conf(String extra) {
        return ConfigFactory.parseString(extra).withFallback(ConfigFactory.parseResourcesAnySyntax("application"))
                .resolve();
    }

    @Test
    void seedNodesByDefaultLeaveThePekkoConfigAsItWas() {
        Config c = conf("");
        ClusterDiscovery d = ClusterDiscovery.from(c);
        assertEquals(ClusterDiscovery.Method.SEED_NODES, d.method());
        assertFalse(d.bootstrap());
        assertTrue(d.applyTo(c) == c);
    }

    @Test
    void eachBootstrapFormSetsItsDiscoveryMethodAndTheManagementEndpoint() {
        Config k8s = ClusterDiscovery.from(conf("tickwatch.cluster.discovery = kubernetes-api\n"
                + "tickwatch.cluster.management.port = 8558\npekko.remote.artery.canonical.hostname = \"10.1.2.3\"")).applyTo(ConfigFactory.empty());
        String bs = "pekko.management.cluster.bootstrap.contact-point-discovery.";
        assertEquals("kubernetes-api", k8s.getString(bs + "discovery-method"));
        assertEquals("tickwatch", k8s.getString(bs + "service-name"));
        assertEquals("app=%s", k8s.getString("pekko.discovery.kubernetes-api.pod-label-selector"));
        assertEquals("10.1.2.3", k8s.getString("pekko.management.http.hostname"), "management on the cluster host");
        assertEquals(8558, k8s.getInt("pekko.management.http.port"));
        assertEquals("", k8s.getString("pekko.management.http.routes.health-checks"), "one readiness answer: ours");

        Config dns = ClusterDiscovery.from(conf("tickwatch.cluster.discovery = dns\n"
                + "tickwatch.cluster.bootstrap.service-name = \"tickwatch-internal.prod.svc.cluster.local\""))
                .applyTo(ConfigFactory.empty());
        assertEquals("pekko-dns", dns.getString(bs + "discovery-method"));
        assertEquals("tickwatch-internal.prod.svc.cluster.local", dns.getString(bs + "service-name"));

        Config list = ClusterDiscovery.from(conf("tickwatch.cluster.discovery = config\n"
                + "tickwatch.cluster.bootstrap.endpoints = \"10.0.0.1:8558, 10.0.0.2:8559\"")).applyTo(ConfigFactory.empty());
        assertEquals("config", list.getString(bs + "discovery-method"));
        List<? extends Config> endpoints = list.getConfigList("pekko.discovery.config.services.tickwatch.endpoints");
        assertEquals(List.of("10.0.0.1:8558", "10.0.0.2:8559"),
                endpoints.stream().map(e -> e.getString("host") + ":" + e.getInt("port")).toList());
    }

    @Test
    void mistakesRefuseTheStartWithWhatToChange() {
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> ClusterDiscovery.from(conf(
                "tickwatch.cluster.discovery = dns\ntickwatch.cluster.seed-nodes = \"pekko://tickwatch@10.0.0.1:25520\"")));
        assertTrue(both.getMessage().contains("seed nodes are set too"), both.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> ClusterDiscovery.from(conf("tickwatch.cluster.discovery = consul")));
        assertTrue(unknown.getMessage().contains("kubernetes-api"), "lists the known forms: " + unknown.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> ClusterDiscovery.from(conf("tickwatch.cluster.discovery = config")));
        assertTrue(empty.getMessage().contains("TICKWATCH_BOOTSTRAP_ENDPOINTS"), empty.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> ClusterDiscovery.from(conf(
                "tickwatch.cluster.discovery = config\ntickwatch.cluster.bootstrap.endpoints = \"10.0.0.1\"")));
        assertTrue(bad.getMessage().contains("not host:port"), bad.getMessage());
    }

    @Test
    void aNodeFormsAClusterThroughBootstrapAndItsManagementPortChangesNothing() throws Exception {
        int management = CrashRestartIT.freePort();
        NodeSettings base = NodeTest.settings(dir, TestDb.h2(dir.resolve("data")));
        NodeSettings s = NodeSettings.from(ConfigFactory.parseString("tickwatch.cluster.discovery = config\n"
                        + "tickwatch.cluster.bootstrap.endpoints = \"127.0.0.1:" + management + "\"\n"
                        + "tickwatch.cluster.bootstrap.required-contact-points = 1\n"
                        + "tickwatch.cluster.bootstrap.stable-margin = 1s\n"
                        + "tickwatch.cluster.management.port = " + management + "\n")
                .withFallback(base.config()).resolve());
        assertEquals(List.of(), s.seedNodes(), "no seed nodes: only bootstrap can join it");
        try (Node node = new NodeBootstrap(s).start()) {
            assertEquals(MemberStatus.up(), Cluster.get(node.system()).selfMember().status());
            assertTrue(node.ready().toCompletableFuture().get().booleanValue());
            HttpClient http = HttpClient.newHttpClient();
            String base1 = "http://127.0.0.1:" + management;
            HttpResponse<String> seeds = http.send(HttpRequest.newBuilder(URI.create(base1 + "/bootstrap/seed-nodes"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, seeds.statusCode());
            assertTrue(seeds.body().contains(Cluster.get(node.system()).selfMember().address().toString()), seeds.body());
            // no cluster-changing routes (pekko-management-cluster-http is not on the class path) and no
            // second readiness answer
            for (String[] req : List.of(new String[] {"GET", "/cluster/members"}, new String[] {"PUT", "/cluster/members/"
                    + Cluster.get(node.system()).selfMember().address()}, new String[] {"GET", "/ready"},
                    new String[] {"GET", "/alive"})) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base1 + req[1].replace("pekko://", "")))
                        .method(req[0], HttpRequest.BodyPublishers.ofString("operation=Leave"))
                        .header("Content-Type", "application/x-www-form-urlencoded").build(),
                        HttpResponse.BodyHandlers.ofString());
                assertTrue(r.statusCode() == 404 || r.statusCode() == 405, req[0] + " " + req[1] + ": " + r.statusCode());
            }
            assertEquals(MemberStatus.up(), Cluster.get(node.system()).selfMember().status(), "still a member");
        }
    }

    @Test
    void aStoppingNodeIsNotReadyFromTheFirstPhaseOn() throws Exception {
        NodeSettings s = NodeSettings.from(ConfigFactory.parseString("tickwatch.ready.drain = 3s")
                .withFallback(NodeTest.settings(dir, TestDb.h2(dir.resolve("data"))).config()).resolve());
        Node node = new NodeBootstrap(s).start();
        try {
            assertTrue(node.readiness().toCompletableFuture().get().ready());
            var stopped = node.stop();
            testkit.Await.until(() -> node.isStopping(), java.time.Duration.ofSeconds(10), "the shutdown began");
            Readiness.Report r = node.readiness().toCompletableFuture().get();
            assertFalse(r.ready(), "not ready while draining");
            assertTrue(r.stopping());
            assertTrue(r.member(), "still an Up member while it drains: it serves, the others see nothing yet");
            stopped.toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            node.close();
        }
    }
}
