package persistence;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readiness probe's own connection: true when the database answers, false when it does not, and it recovers. */
class DatabaseProbeTest {
    final ExecutorService blocking = Executors.newCachedThreadPool();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        blocking.shutdownNow();
    }

    private static boolean get(DatabaseProbe p) throws Exception {
        return p.check().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void aDatabaseThatAnswersIsReadyAndOneThatRestartedIsReachedAgain() throws Exception {
        DbSettings h2 = DbSettings.h2(dir.resolve("probe"), 1, Duration.ofSeconds(1));
        try (DatabaseProbe probe = new DatabaseProbe(h2, blocking, Duration.ofSeconds(5))) {
            assertTrue(get(probe));
            // the database closes every connection, the probe's included; the next check opens a fresh one
            try (Connection c = DriverManager.getConnection(h2.effectiveUrl(), "sa", "");
                 Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            }
            assertTrue(get(probe), "a dropped connection is replaced");
            probe.close();
            assertFalse(get(probe), "a closed probe is not ready");
        }
    }

    @Test
    void aDatabaseThatCannotBeReachedIsNotReady() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens there once it is closed
        }
        DbSettings pg = new DbSettings(DbSettings.Kind.POSTGRES, "jdbc:postgresql://127.0.0.1:" + closedPort + "/none",
                "nobody", "", "public", 1, Duration.ofSeconds(1));
        try (DatabaseProbe probe = new DatabaseProbe(pg, blocking, Duration.ofSeconds(5))) {
            assertFalse(get(probe));
        }
    }
}
