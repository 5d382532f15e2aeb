package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.TickerRegistry;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;
import testkit.Await;
import testkit.ClusterKeys;

/**
 * Node-to-node TLS: two nodes whose certificates trust each other form a cluster over {@code tls-tcp}
 * on loopback and work together; a node with a certificate the cluster does not trust cannot join;
 * and a node refuses to start with a plain-text cluster port beyond loopback. The keys are made here,
 * with the JDK's {@code keytool}, in a temporary folder.
 */
class ClusterTlsTest {
    @TempDir
    Path dir;

    @Test
    void nodesWithTrustedCertificatesFormAClusterAndAStrangerCannotJoin() throws Exception {
        Path nodeStore = keyPair("node", "node-pass");
        Path nodeCert = exportCert("node", nodeStore, "node-pass");
        Path trust = trustStore("trust", "trust-pass", nodeCert);
        Path strangerStore = keyPair("stranger", "stranger-pass");
        // the stranger trusts the cluster: only the cluster's refusal can keep it out
        Path strangerTrust = trustStore("stranger-trust", "trust-pass", nodeCert,
                exportCert("stranger", strangerStore, "stranger-pass"));

        TestDb.Db db = TestDb.h2(dir.resolve("data"));
        try (Node a = Node.start(settings("a", db, nodeStore, "node-pass", trust, ""))) {
            assertEquals("tls-tcp", a.system().settings().config().getString("pekko.remote.artery.transport"));
            String seed = Cluster.get(a.system()).selfMember().address().toString();
            try (Node b = Node.start(settings("b", db, nodeStore, "node-pass", trust, seed))) {
                Await.until(() -> upMembers(a) == 2, Duration.ofSeconds(30), "A sees B Up");
                // messages flow both ways over TLS: B asks the registry singleton, which runs on A
                assertInstanceOf(TickerRegistry.Added.class, NodeTest.get(b.addTicker("005930", "push")));
                assertEquals(List.of("005930"), NodeTest.get(a.tickers()).stream().map(t -> t.symbol()).toList());

                IllegalStateException refused = assertThrows(IllegalStateException.class, () -> Node.start(
                        settings("stranger", db, strangerStore, "stranger-pass", strangerTrust, seed,
                                "tickwatch.start-timeout = 8s\n")));
                assertTrue(refused.getMessage().contains("did not join"), refused.getMessage());
                assertEquals(2, upMembers(a), "the cluster is still A and B");
            }
        }
    }

    @Test
    void aPlainTextClusterPortBeyondLoopbackIsRefused() {
        NodeSettings s = NodeSettings.load(ConfigFactory.parseString("pekko.remote.artery.bind.hostname = \"0.0.0.0\"")
                .withFallback(NodeTest.settings(dir, TestDb.h2(dir.resolve("data"))).config()));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Node.start(s).close());
        assertTrue(e.getMessage().contains("'0.0.0.0' without TLS") && e.getMessage().contains("tickwatch.cluster.tls"),
                e.getMessage());
    }

    @Test
    void tlsWithoutItsStoresIsRefusedWithTheKeyToSet() {
        NodeSettings s = NodeSettings.load(ConfigFactory.parseString("tickwatch.cluster.tls.enabled = on")
                .withFallback(NodeTest.settings(dir, TestDb.h2(dir.resolve("data"))).config()));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Node.start(s).close());
        assertTrue(e.getMessage().contains("tickwatch.cluster.tls.key-store is not set"), e.getMessage());
    }

    private NodeSettings settings(String name, TestDb.Db db, Path keyStore, String keyPass, Path trust, String seed,
                                  String... extra) {
        String conf = "tickwatch.cluster.tls {\n"
                + "  enabled = on\n"
                + "  key-store = \"" + keyStore + "\"\n"
                + "  key-store-password = \"" + keyPass + "\"\n"
                + "  trust-store = \"" + trust + "\"\n"
                + "  trust-store-password = \"trust-pass\"\n"
                + "}\n"
                + "tickwatch.cluster.seed-nodes = \"" + seed + "\"\n"
                + String.join("", extra);
        return NodeSettings.load(ConfigFactory.parseString(conf)
                .withFallback(NodeTest.settings(dir.resolve(name), db).config()));
    }

    private static long upMembers(Node n) {
        return StreamSupport.stream(Cluster.get(n.system()).state().getMembers().spliterator(), false)
                .filter(m -> m.status() == MemberStatus.up()).count();
    }

    private Path keyPair(String alias, String pass) throws Exception {
        return ClusterKeys.keyPair(dir, alias, pass);
    }

    private Path exportCert(String alias, Path store, String pass) throws Exception {
        return ClusterKeys.exportCert(dir, alias, store, pass);
    }

    private Path trustStore(String name, String pass, Path... certs) throws Exception {
        return ClusterKeys.trustStore(dir, name, pass, certs);
    }
}
