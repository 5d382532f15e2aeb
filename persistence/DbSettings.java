package persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the journal lives: an H2 file database (the default, {@code ./data/tickwatch.mv.db}) or
 * PostgreSQL. Read from {@code tickwatch.db} (see {@code persistence/persistence.conf}, where every
 * key can also come from an environment variable) and turned into the shared Slick database that
 * every persistence plugin uses.
 *
 * <p>The password is never part of {@link #toString()} or {@link #describe()}.
 *
 * @param kind     {@code h2} or {@code postgres}
 * @param url      the JDBC URL as used (for H2 built from the directory and name)
 * @param user     database user
 * @param password database password (may be empty)
 * @param schema   PostgreSQL schema holding the tables ({@code public} by default); H2 always uses PUBLIC
 * @param poolSize connections (and Slick threads)
 * @param connectionTimeout how long to wait for a connection before a write fails
 */
public record DbSettings(Kind kind, String url, String user, String password, String schema, int poolSize,
                         Duration connectionTimeout) {

    public enum Kind {
        H2, POSTGRES;

        static Kind parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "h2" -> H2;
                case "postgres", "postgresql" -> POSTGRES;
                default -> throw new IllegalArgumentException(
                        "tickwatch.db.kind (TICKWATCH_DB) must be \"h2\" or \"postgres\", got \"" + s + "\"");
            };
        }
    }

    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public DbSettings {
        if (!SCHEMA.matcher(schema).matches()) {
            throw new IllegalArgumentException("tickwatch.db.postgres.schema must be a lower-case SQL identifier, got \""
                    + schema + "\"");
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("tickwatch.db.pool-size must be at least 1, got " + poolSize);
        }
    }

    /** Reads {@code tickwatch.db} of a loaded config; the H2 directory defaults to {@code tickwatch.data-dir}. */
    public static DbSettings from(Config root) {
        Config db = root.getConfig("tickwatch.db");
        Kind kind = Kind.parse(db.getString("kind"));
        int pool = db.getInt("pool-size");
        Duration timeout = db.getDuration("connection-timeout");
        if (kind == Kind.H2) {
            String dir = db.getString("h2.dir");
            Path d = Path.of(dir.isBlank() ? root.getString("tickwatch.data-dir") : dir).toAbsolutePath().normalize();
            return h2(d.resolve(db.getString("h2.name")), pool, timeout);
        }
        Config pg = db.getConfig("postgres");
        return new DbSettings(Kind.POSTGRES, pg.getString("url"), pg.getString("user"), pg.getString("password"),
                pg.getString("schema"), pool, timeout);
    }

    /**
     * An H2 file database at {@code file} ({@code file.mv.db} on disk). {@code WRITE_DELAY=0}: by
     * default H2 returns from a commit up to 500 ms before it reaches the file, so a node killed
     * with {@code kill -9} lost ticks it had already acknowledged (found by CrashRestartIT).
     */
    public static DbSettings h2(Path file, int poolSize, Duration connectionTimeout) {
        String url = "jdbc:h2:file:" + file.toAbsolutePath().normalize()
                + ";DATABASE_TO_UPPER=false;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
        return new DbSettings(Kind.H2, url, "sa", "", "public", poolSize, connectionTimeout);
    }

    /** The directory of an H2 database, to create before the first start; {@code null} for PostgreSQL. */
    public Path h2Directory() {
        if (kind != Kind.H2) {
            return null;
        }
        String path = url.substring("jdbc:h2:file:".length(), url.indexOf(';'));
        return Path.of(path).getParent();
    }

    /** The URL the pool connects with: PostgreSQL gets batched inserts and, off {@code public}, its schema. */
    public String effectiveUrl() {
        if (kind == Kind.H2) {
            return url;
        }
        StringBuilder u = new StringBuilder(url);
        char sep = url.contains("?") ? '&' : '?';
        if (!url.contains("reWriteBatchedInserts")) {
            u.append(sep).append("reWriteBatchedInserts=true");
            sep = '&';
        }
        if (!schema.equals("public") && !url.contains("currentSchema")) {
            u.append(sep).append("currentSchema=").append(schema);
        }
        return u.toString();
    }

    /** The shared Slick database config every persistence plugin points at ({@code use-shared-db = "slick"}). */
    public Config pluginConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        String p = "pekko-persistence-jdbc.shared-databases.slick.";
        m.put(p + "profile", kind == Kind.H2 ? "slick.jdbc.H2Profile$" : "slick.jdbc.PostgresProfile$");
        m.put(p + "db.driver", kind == Kind.H2 ? "org.h2.Driver" : "org.postgresql.Driver");
        m.put(p + "db.url", effectiveUrl());
        m.put(p + "db.user", user);
        m.put(p + "db.password", password);
        m.put(p + "db.numThreads", poolSize);
        m.put(p + "db.maxConnections", poolSize);
        m.put(p + "db.minConnections", poolSize);
        m.put(p + "db.connectionTimeout", Math.max(1000, connectionTimeout.toMillis()));
        return ConfigFactory.parseMap(m, "tickwatch.db (" + describe() + ")");
    }

    /** {@code root} with the plugin config of these settings on top. */
    public Config applyTo(Config root) {
        return pluginConfig().withFallback(root);
    }

    /** For logs and errors: kind, URL without credentials in it, user; never the password. */
    public String describe() {
        String shown = effectiveUrl().replaceAll("(?i)(password=)[^&;]*", "$1***");
        return kind.name().toLowerCase(Locale.ROOT) + " " + shown + (kind == Kind.POSTGRES ? " as " + user : "");
    }

    @Override
    public String toString() {
        return "DbSettings[" + describe() + ", schema=" + schema + ", pool=" + poolSize + "]";
    }
}
