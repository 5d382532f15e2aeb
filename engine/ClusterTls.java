package engine;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Node-to-node security: the cluster port speaks Artery over TLS with mutual authentication when
 * {@code tickwatch.cluster.tls.enabled}, each node proving itself with the key in its key store and
 * accepting only peers whose certificate its trust store holds. Without TLS, anyone who reaches the
 * cluster port is a member: it can send any command to any actor, new conditions included, past the
 * admin token. So a node refuses to start with the port reachable beyond loopback and TLS off
 * ({@link #refusePlaintextBeyondLoopback}).
 *
 * <p>The stores and their passwords come from configuration or the environment
 * ({@code TICKWATCH_CLUSTER_KEY_STORE}, ...; {@code cluster.conf}), never from the repository, and
 * {@link #toString} leaves the passwords out.
 */
record ClusterTls(boolean enabled, String keyStore, String keyStorePassword, String keyPassword, String trustStore,
                  String trustStorePassword) {

    static ClusterTls from(Config root) {
        Config t = root.getConfig("tickwatch.cluster.tls");
        return new ClusterTls(t.getBoolean("enabled"), t.getString("key-store"), t.getString("key-store-password"),
                t.getString("key-password"), t.getString("trust-store"), t.getString("trust-store-password"));
    }

    /**
     * {@code pekko} with Artery switched to {@code tls-tcp} and this key material, when enabled.
     *
     * @throws IllegalStateException when enabled and a store is not given or cannot be read
     */
    Config applyTo(Config pekko) {
        if (!enabled) {
            return pekko;
        }
        for (Map.Entry<String, String> store : List.of(Map.entry("key-store", keyStore), Map.entry("trust-store", trustStore))) {
            if (store.getValue().isBlank()) {
                throw new IllegalStateException("tickwatch.cluster.tls.enabled is on but tickwatch.cluster.tls."
                        + store.getKey() + " is not set (or TICKWATCH_CLUSTER_" + store.getKey().replace('-', '_')
                        .toUpperCase() + ")");
            }
            if (!Files.isReadable(Path.of(store.getValue()))) {
                throw new IllegalStateException("tickwatch.cluster.tls." + store.getKey() + ": cannot read "
                        + store.getValue());
            }
        }
        String engine = "pekko.remote.artery.ssl.config-ssl-engine.";
        return ConfigFactory.empty()
                .withValue("pekko.remote.artery.transport", ConfigValueFactory.fromAnyRef("tls-tcp"))
                .withValue("pekko.remote.artery.ssl.ssl-engine-provider",
                        ConfigValueFactory.fromAnyRef("org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider"))
                .withValue(engine + "key-store", ConfigValueFactory.fromAnyRef(keyStore))
                .withValue(engine + "key-store-password", ConfigValueFactory.fromAnyRef(keyStorePassword))
                .withValue(engine + "key-password", ConfigValueFactory.fromAnyRef(
                        keyPassword.isEmpty() ? keyStorePassword : keyPassword))
                .withValue(engine + "trust-store", ConfigValueFactory.fromAnyRef(trustStore))
                .withValue(engine + "trust-store-password", ConfigValueFactory.fromAnyRef(trustStorePassword))
                // both sides present a certificate the other's trust store must hold
                .withValue(engine + "require-mutual-authentication", ConfigValueFactory.fromAnyRef(true))
                .withFallback(pekko);
    }

    /**
     * Refuses a plain-text cluster port that listens beyond loopback.
     *
     * @param pekko the config the actor system would start with (after {@link #applyTo})
     * @throws IllegalStateException saying why and what to set
     */
    static void refusePlaintextBeyondLoopback(Config pekko) {
        String transport = pekko.getString("pekko.remote.artery.transport");
        if (transport.equals("tls-tcp") || !pekko.getString("pekko.actor.provider").equals("cluster")) {
            return;
        }
        String bind = pekko.getString("pekko.remote.artery.bind.hostname");
        String host = bind.isBlank() ? pekko.getString("pekko.remote.artery.canonical.hostname") : bind;
        if (!isLoopback(host)) {
            throw new IllegalStateException("the cluster port would listen on '" + (host.isBlank() ? "<this host's address>" : host)
                    + "' without TLS: anyone who reaches it could join the cluster and send it commands, past the "
                    + "admin token. Set tickwatch.cluster.tls.enabled = on with a key store and a trust store "
                    + "(TICKWATCH_CLUSTER_TLS=on, TICKWATCH_CLUSTER_KEY_STORE, ...; README \"Cluster security\"), "
                    + "or listen on loopback only (TICKWATCH_HOST=127.0.0.1)");
        }
    }

    private static boolean isLoopback(String host) {
        if (host.isBlank()) {
            return false; // Artery then takes this host's address
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "ClusterTls[enabled=" + enabled + ", key-store=" + keyStore + ", trust-store=" + trustStore + "]";
    }
}
