package persistence;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Whether the database answers, on one connection of its own: never one of the shared pool. A
 * readiness probe that borrowed from the pool would take a connection a journal write is waiting
 * for, and, when the journal holds them all under load, wait for one and report the node down
 * exactly when it is busiest.
 *
 * <p>The connection is opened at the first check and kept (a probe runs every few seconds);
 * {@link Connection#isValid} checks it, and a broken one is replaced once per check. At most one
 * check runs at a time: callers during a check share its answer, so a hanging database holds one
 * thread, not one per probe. A check that takes longer than {@code timeout} answers false.
 */
public final class DatabaseProbe implements AutoCloseable {
    private final DbSettings db;
    private final Executor blocking;
    private final Duration timeout;
    private final Object connectionLock = new Object();
    private Connection connection; // guarded by connectionLock
    private CompletableFuture<Boolean> running; // guarded by this
    private boolean closed; // guarded by this

    /**
     * @param blocking where the JDBC calls run (they block)
     * @param timeout  how long a check may take before it answers false
     */
    public DatabaseProbe(DbSettings db, Executor blocking, Duration timeout) {
        this.db = db;
        this.blocking = blocking;
        this.timeout = timeout;
    }

    /** True when the database answers within the timeout; never fails. */
    public synchronized CompletionStage<Boolean> check() {
        if (closed) {
            return CompletableFuture.completedFuture(false);
        }
        CompletableFuture<Boolean> task = running;
        if (task == null) {
            CompletableFuture<Boolean> started = CompletableFuture.supplyAsync(this::probe, blocking);
            running = started;
            // may run at once, on this thread, when the check is done already
            started.whenComplete((r, e) -> {
                synchronized (this) {
                    if (running == started) {
                        running = null;
                    }
                }
            });
            task = started;
        }
        return task.copy().completeOnTimeout(false, timeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(e -> false);
    }

    private boolean probe() {
        synchronized (connectionLock) {
            int seconds = (int) Math.max(1, timeout.toSeconds());
            for (int attempt = 0; attempt < 2; attempt++) { // a connection the database dropped is replaced once
                try {
                    if (connection == null) {
                        connection = open(seconds);
                    }
                    if (connection.isValid(seconds)) {
                        return true;
                    }
                } catch (SQLException e) {
                    // unreachable, or the connection broke: drop it and try a fresh one
                }
                dropConnection();
            }
            return false;
        }
    }

    private Connection open(int seconds) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", db.user());
        p.setProperty("password", db.password());
        if (db.kind() == DbSettings.Kind.POSTGRES) {
            p.setProperty("connectTimeout", String.valueOf(seconds)); // H2 refuses settings it does not know
            p.setProperty("ApplicationName", "tickwatch-ready");
        }
        return DriverManager.getConnection(db.effectiveUrl(), p);
    }

    private void dropConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }

    /** Closes the connection; later checks answer false. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        synchronized (connectionLock) {
            dropConnection();
        }
    }
}
