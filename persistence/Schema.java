package persistence;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import conditions.ModelConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.persistence.jdbc.db.SlickExtension;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;

/**
 * The journal's tables: created on start when missing, and checked for readiness.
 *
 * <p>The scripts ship in our jar under {@code persistence/schema/{h2,postgres}/} for operators who
 * create tables by hand. PostgreSQL's is pekko-persistence-jdbc's own, run with {@code public.}
 * replaced by the configured schema, holding the {@link DdlLock} (nodes started together would
 * otherwise race on it), a statement whose object exists skipped. H2's is
 * the plugin's with the journal laid out for H2's store (the script says how and why); it also gives
 * a journal made by the plugin's script the larger identity cache. Either way the tables are then
 * read once, so a database that cannot be reached or written fails the start loudly instead of being
 * swallowed by the script runner.
 */
public final class Schema {
    /** The config block whose shared database the scripts run on (every plugin shares it). */
    private static final String PLUGIN = "jdbc-journal";

    private Schema() {
    }

    public static CompletionStage<Done> createIfNotExists(ActorSystem<?> system, DbSettings db) {
        CompletionStage<Done> created;
        if (db.kind() == DbSettings.Kind.H2) {
            created = SchemaUtils.applyScript(shipped("h2/h2-create-schema.sql"), ";", PLUGIN, system);
        } else {
            created = onConnection(system, c -> {
                createPostgresJournal(c, db);
                return Done.getInstance();
            });
        }
        return created.thenCompose(d -> onConnection(system, c -> {
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + table(db, "event_journal") + " WHERE 1 = 0")) {
                r.next();
            }
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + table(db, "snapshot") + " WHERE 1 = 0")) {
                r.next();
            }
            return Done.getInstance();
        }));
    }

    /**
     * The journal's tables on PostgreSQL, in the configured schema, holding the {@link DdlLock}. Our
     * runner, not the plugin's: its statements must run on the connection that holds the lock.
     */
    static void createPostgresJournal(Connection c, DbSettings db) throws SQLException {
        String script = (db.schema().equals("public") ? "" : "CREATE SCHEMA IF NOT EXISTS " + db.schema() + ";\n")
                + shipped("postgres/postgres-create-schema.sql").replace("public.", db.schema() + ".");
        DdlLock.hold(c, () -> runScript(c, script));
    }

    /**
     * Runs a PostgreSQL script statement by statement (auto-commit: {@code CREATE INDEX CONCURRENTLY}
     * cannot run in a transaction). A statement whose object exists ({@code CREATE UNIQUE INDEX}
     * without {@code IF NOT EXISTS}, in the plugin's script) is skipped; any other error fails.
     */
    static void runScript(Connection c, String script) throws SQLException {
        String code = script.lines().filter(l -> !l.strip().startsWith("--")).collect(java.util.stream.Collectors.joining("\n"));
        for (String statement : code.split(";")) {
            if (statement.isBlank()) {
                continue;
            }
            try (Statement s = c.createStatement()) {
                s.execute(statement);
            } catch (SQLException e) {
                if (!ALREADY_EXISTS.contains(e.getSQLState())) {
                    throw e;
                }
            }
        }
    }

    /** duplicate_table (a relation: also an index), duplicate_schema, duplicate_object. */
    private static final java.util.Set<String> ALREADY_EXISTS = java.util.Set.of("42P07", "42P06", "42710");

    /**
     * Records which bar model the stored tickers are built with ({@code tickwatch_model}, one row,
     * written by the first start) and fails when the configured one differs. A ticker's snapshot
     * holds bars of its interval and as many as its history keeps, and the ticks before it are
     * deleted, so another interval or a longer history cannot be rebuilt from the journal: without
     * this check every such ticker would fail to recover, one by one, at its first tick.
     */
    public static CompletionStage<Done> checkModel(ActorSystem<?> system, DbSettings db, ModelConfig model) {
        return onConnection(system, c -> {
            checkModel(c, db, model);
            return Done.getInstance();
        });
    }

    static void checkModel(Connection c, DbSettings db, ModelConfig model) throws SQLException {
        String wanted = "interval=" + model.interval() + " history=" + model.history();
        String t = table(db, "tickwatch_model");
        DdlLock.hold(c, () -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + t + " (id INT PRIMARY KEY, model VARCHAR(200) NOT NULL)");
            }
        });
        String stored = storedModel(c, t);
        if (stored == null) {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO " + t + " (id, model) VALUES (1, ?)")) {
                p.setString(1, wanted);
                p.executeUpdate();
                return;
            } catch (SQLException e) {
                stored = storedModel(c, t); // another node of the cluster wrote it first
                if (stored == null) {
                    throw e;
                }
            }
        }
        if (!stored.equals(wanted)) {
            throw new IllegalStateException("this database holds tickers built with " + stored
                    + ", but tickwatch.model is configured as " + wanted + ". Set tickwatch.model.interval and "
                    + "tickwatch.model.history back, or start on a fresh database (another tickwatch.data-dir "
                    + "for H2, another schema for PostgreSQL)");
        }
    }

    private static String storedModel(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT model FROM " + table + " WHERE id = 1")) {
            return r.next() ? r.getString(1) : null;
        }
    }

    /** Whether the database answers {@code SELECT 1} through the plugins' pool. */
    public static CompletionStage<Boolean> ping(ActorSystem<?> system) {
        return onConnection(system, c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT 1")) {
                return r.next();
            }
        }).exceptionally(e -> false);
    }

    /** The DDL shipped under {@code persistence/schema/}, e.g. {@code h2/h2-create-schema.sql}. */
    public static String shipped(String path) {
        try (InputStream in = Schema.class.getClassLoader().getResourceAsStream("persistence/schema/" + path)) {
            if (in == null) {
                throw new IllegalStateException("persistence/schema/" + path + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A table of ours by name: H2 wants it quoted in its PUBLIC schema; PostgreSQL finds it on the search path. */
    static String table(DbSettings db, String name) {
        return db.kind() == DbSettings.Kind.H2 ? "PUBLIC.\"" + name + "\"" : name;
    }

    /** Something to do with one pooled connection. */
    public interface ConnectionWork<T> {
        T apply(Connection c) throws SQLException;
    }

    /**
     * A connection of the plugins' shared pool, on the calling thread (which must be one that may
     * block: a sink's, or the blocking dispatcher). The caller closes it.
     */
    public static Connection connection(ActorSystem<?> system) throws SQLException {
        SlickExtensionImpl slick = (SlickExtensionImpl) SlickExtension.get(system.classicSystem());
        return slick.database(system.settings().config().getConfig(PLUGIN)).database().source().createConnection();
    }

    /**
     * {@link #onConnection} for statements that create or alter tables: they hold the {@link DdlLock}
     * (as {@link Jdbc#ddl} does for a store's own connections).
     */
    public static CompletionStage<Done> ddl(ActorSystem<?> system, ConnectionWork<?> work) {
        return onConnection(system, c -> {
            DdlLock.hold(c, () -> work.apply(c));
            return Done.getInstance();
        });
    }

    /** Runs {@code work} on a connection of the plugins' shared pool, on the blocking dispatcher. */
    public static <T> CompletionStage<T> onConnection(ActorSystem<?> system, ConnectionWork<T> work) {
        Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
        return CompletableFuture.supplyAsync(() -> {
            try (Connection c = connection(system)) {
                return work.apply(c);
            } catch (SQLException e) {
                throw new IllegalStateException("database: " + e.getMessage(), e);
            }
        }, blocking);
    }
}
