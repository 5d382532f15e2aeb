package testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Key and trust stores for node-to-node TLS (README "A cluster: size, security and failover"), made
 * with the JDK's {@code keytool} in a folder of the test's: an EC key pair per alias, its certificate,
 * and trust stores holding certificates. Valid two days; never in the repository.
 */
public final class ClusterKeys {
    private ClusterKeys() {
    }

    /** A PKCS12 store {@code dir/alias.p12} holding a new key pair named {@code alias}. */
    public static Path keyPair(Path dir, String alias, String pass) throws IOException {
        Path store = dir.resolve(alias + ".p12");
        keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + alias,
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", pass,
                "-keypass", pass);
        return store;
    }

    /** The certificate of {@code alias} in {@code store}, as {@code dir/alias.crt}. */
    public static Path exportCert(Path dir, String alias, Path store, String pass) throws IOException {
        Path cert = dir.resolve(alias + ".crt");
        keytool("-exportcert", "-alias", alias, "-keystore", store.toString(), "-storepass", pass, "-file",
                cert.toString());
        return cert;
    }

    /** A PKCS12 trust store {@code dir/name.p12} holding {@code certs}. */
    public static Path trustStore(Path dir, String name, String pass, Path... certs) throws IOException {
        Path store = dir.resolve(name + ".p12");
        for (Path cert : certs) {
            keytool("-importcert", "-noprompt", "-alias", cert.getFileName().toString(), "-file", cert.toString(),
                    "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", pass);
        }
        return store;
    }

    private static void keytool(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool " + cmd + ": " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
