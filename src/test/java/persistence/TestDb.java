package persistence;

import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * Real databases for tests: an H2 file in a temporary directory, or a fresh schema in the local
 * PostgreSQL ({@code 127.0.0.1:5432}, database {@code test}, user {@code postgres}, trust auth; override
 * with {@code TICKWATCH_TEST_PG_URL} and {@code TICKWATCH_TEST_PG_USER}).
 *
 * <p>When PostgreSQL cannot be reached, tests that need it are skipped with the reason, unless
 * {@code TICKWATCH_REQUIRE_POSTGRES=true} (CI), where they fail.
 */
public final class TestDb {
    public static final String PG_URL = env("TICKWATCH_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String PG_USER = env("TICKWATCH_TEST_PG_USER", "postgres");

    /** One database for a test class: its settings and the config overlay that selects it. */
    public record Db(DbSettings settings, Config overlay, String pgSchema) {
        /** {@code tickwatch.db.*} plus the Pekko plugin settings on top of {@code base}. */
        public Config applyTo(Config base) {
            return settings.applyTo(overlay.withFallback(base));
        }

        /** Drops the PostgreSQL schema (nothing for H2: its directory is a JUnit temp dir). */
        public void drop() {
            if (pgSchema != null) {
                try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, "");
                     Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA IF EXISTS " + pgSchema + " CASCADE");
                } catch (SQLException e) {
                    System.err.println("dropping schema " + pgSchema + ": " + e);
                }
            }
        }

        /** A plain JDBC connection to this database (to look at the tables). */
        public Connection connect() throws SQLException {
            return DriverManager.getConnection(settings.effectiveUrl(), settings.user(), settings.password());
        }
    }

    private TestDb() {
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    /** An H2 file database in {@code dir}. */
    public static Db h2(Path dir) {
        Config overlay = ConfigFactory.parseString("tickwatch.db.kind = h2\ntickwatch.db.h2.dir = \""
                + dir.toAbsolutePath().toString().replace("\\", "\\\\") + "\"\ntickwatch.db.pool-size = 4");
        DbSettings s = DbSettings.h2(dir.toAbsolutePath().resolve("tickwatch"), 4, Duration.ofSeconds(10));
        return new Db(s, overlay, null);
    }

    /**
     * A fresh, empty schema in the test PostgreSQL (the tables are created by the code under test).
     * Skips the calling test when PostgreSQL is unreachable, or fails it when it is required.
     */
    public static Db postgres(String label) {
        requirePostgres();
        String schema = ("tw_" + label + "_" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 16, 36))
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            fail("creating schema " + schema + " in " + PG_URL + ": " + e);
        }
        Config overlay = ConfigFactory.parseString("tickwatch.db { kind = postgres, pool-size = 4, postgres {"
                + " url = \"" + PG_URL + "\", user = \"" + PG_USER + "\", password = \"\", schema = \"" + schema + "\" } }");
        DbSettings s = new DbSettings(DbSettings.Kind.POSTGRES, PG_URL, PG_USER, "", schema, 4, Duration.ofSeconds(10));
        return new Db(s, overlay, schema);
    }

    /** Skips (or, with {@code TICKWATCH_REQUIRE_POSTGRES=true}, fails) when PostgreSQL cannot be reached. */
    public static void requirePostgres() {
        String why = null;
        try (Connection c = DriverManager.getConnection(PG_URL + (PG_URL.contains("?") ? "&" : "?")
                + "connectTimeout=3&loginTimeout=3", PG_USER, "")) {
            c.isValid(3);
        } catch (SQLException e) {
            why = "PostgreSQL not reachable at " + PG_URL + " as " + PG_USER + ": " + e.getMessage();
        }
        if (why == null) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("TICKWATCH_REQUIRE_POSTGRES"))) {
            fail(why + " (TICKWATCH_REQUIRE_POSTGRES=true, so this fails instead of skipping)");
        }
        Assumptions.abort(why + " - skipped (set TICKWATCH_REQUIRE_POSTGRES=true to fail instead)");
    }
}
