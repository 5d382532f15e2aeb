package persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What every sink did with every hit, shared by the whole cluster: one row per sink and item id in
 * the node's database ({@code tickwatch_delivery}, next to the journal), so "never send a hit twice"
 * holds across a crash and replay and when an entity moves to another node. Not a file per node.
 *
 * <p>The protocol a sink's queue follows ({@code actors.SinkQueue} does it for every
 * {@code QueuedSink}):
 * <ol>
 *   <li>{@link #enqueue}: the row is inserted as {@code queued}, owned by this node for a lease. A
 *       second insert of the same id (a replay, the entity moved) finds the row and is told so: the
 *       item is already someone's to send.</li>
 *   <li>{@link #begin} before each attempt: counts the attempt and renews the lease, but only if the
 *       row is still pending and this node owns it (or its owner's lease ran out). A send happens only
 *       after a {@code begin} that succeeded, so two nodes never both send one row while leases are
 *       longer than a send can take.</li>
 *   <li>{@link #sent} after the service confirmed it; {@link #failed} after a failed attempt (a
 *       retry follows), {@link #dead} after the last one.</li>
 *   <li>{@link #claim} at start and every few seconds: pending rows this node owns, or whose owner's
 *       lease ran out (a node that crashed), become this node's to send.</li>
 * </ol>
 * The one duplicate this allows: a kill -9 after the request left and before {@link #sent} was
 * written; the row is still pending and is sent again after the restart (webhooks carry the id as
 * their idempotency key for that case).
 *
 * <p>Item ids are the sink's choice: a hit id for a sink that sends each hit once; a sink that sends
 * one hit to many recipients may record one row per recipient ({@code hitId + "#" + chat}).
 * Every method runs blocking JDBC on one pooled connection: call it from a sink's thread (the sink
 * dispatcher), never from an entity.
 */
public final class DeliveryLedger {
    /** The table, in H2's PUBLIC schema or PostgreSQL's configured one. */
    public static final String TABLE = "tickwatch_delivery";
    private static final String PENDING = "('queued', 'failed')";
    private static final int ERROR_MAX = 1000;

    /** A row's state. {@code queued} and {@code failed} are pending (to be sent); the rest are final. */
    public enum State {
        QUEUED, SENT, FAILED, SKIPPED, DEAD;

        public String sql() {
            return name().toLowerCase(Locale.ROOT);
        }

        static State parse(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }

        public boolean pending() {
            return this == QUEUED || this == FAILED;
        }
    }

    /** One row. Times are epoch millis by the writing node's wall clock. */
    public record Entry(String sink, String id, State state, int attempts, String lastError, String payload,
                        String owner, long leaseUntil, long createdAt, long updatedAt) {
    }

    private final Jdbc.Connections connections;
    private final String table;
    private final String select;

    public DeliveryLedger(Jdbc.Connections connections, DbSettings db) {
        this.connections = connections;
        this.table = Jdbc.table(db, TABLE);
        this.select = "SELECT " + SELECT_COLUMNS + " FROM " + table;
    }

    /** The ledger on the node's database, through the persistence plugins' pool. */
    public static DeliveryLedger of(ActorSystem<?> system, DbSettings db) {
        return new DeliveryLedger(Jdbc.pool(system), db);
    }

    /** Creates the table when missing (part of the node's schema; harmless when it exists). */
    public static CompletionStage<Done> createIfNotExists(ActorSystem<?> system, DbSettings db) {
        DeliveryLedger l = of(system, db);
        return Schema.ddl(system, c -> {
            l.create(c);
            return null;
        });
    }

    /** Creates the table when missing, on one of the ledger's connections. */
    public void createTable() {
        Jdbc.ddl(connections, "delivery ledger", c -> {
            create(c);
            return null;
        });
    }

    void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                    + "sink VARCHAR(200) NOT NULL, "
                    + "item_id VARCHAR(500) NOT NULL, "
                    + "state VARCHAR(16) NOT NULL, "
                    + "attempts INT NOT NULL, "
                    + "last_error VARCHAR(" + ERROR_MAX + "), "
                    + "payload VARCHAR(1000000), "
                    + "owner_id VARCHAR(200), "
                    + "lease_until BIGINT NOT NULL, "
                    + "created_at BIGINT NOT NULL, "
                    + "updated_at BIGINT NOT NULL, "
                    + "PRIMARY KEY (sink, item_id))");
            s.execute("CREATE INDEX IF NOT EXISTS tickwatch_delivery_state ON " + table + " (sink, state)");
        }
    }

    /**
     * Records an item as queued, owned by {@code owner} until {@code leaseUntil}.
     *
     * @return true when this call created the row; false when the sink already has the item (in any state)
     */
    public boolean enqueue(String sink, String id, String payload, String owner, long leaseUntil, long now) {
        return insert(sink, id, State.QUEUED, null, payload, owner, leaseUntil, now);
    }

    /**
     * Records an item in a final state without sending it (e.g. {@code skipped} by max-age), unless
     * the sink already has it.
     *
     * @return true when this call created the row
     */
    public boolean record(String sink, String id, State state, String reason, String payload, long now) {
        return insert(sink, id, state, reason, payload, null, 0, now);
    }

    private boolean insert(String sink, String id, State state, String error, String payload, String owner,
                           long leaseUntil, long now) {
        return run(c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO " + table
                    + " (sink, item_id, state, attempts, last_error, payload, owner_id, lease_until, created_at, updated_at)"
                    + " VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?)")) {
                p.setString(1, sink);
                p.setString(2, id);
                p.setString(3, state.sql());
                p.setString(4, clip(error));
                p.setString(5, payload);
                p.setString(6, owner);
                p.setLong(7, leaseUntil);
                p.setLong(8, now);
                p.setLong(9, now);
                p.executeUpdate();
                return true;
            } catch (SQLException e) {
                if ("23505".equals(e.getSQLState())) { // unique violation: H2 and PostgreSQL alike
                    return false;
                }
                throw e;
            }
        });
    }

    /**
     * Starts an attempt: counts it and renews the lease, if the item is pending and {@code owner}
     * owns it or its owner's lease ran out.
     *
     * @return the attempt's number (1 for the first), or empty when this node must not send it
     *         (sent, dead or skipped already, or another node holds it)
     */
    public OptionalInt begin(String sink, String id, String owner, long leaseUntil, long now) {
        return run(c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE " + table
                    + " SET attempts = attempts + 1, owner_id = ?, lease_until = ?, updated_at = ?"
                    + " WHERE sink = ? AND item_id = ? AND state IN " + PENDING + " AND (owner_id = ? OR lease_until < ?)")) {
                p.setString(1, owner);
                p.setLong(2, leaseUntil);
                p.setLong(3, now);
                p.setString(4, sink);
                p.setString(5, id);
                p.setString(6, owner);
                p.setLong(7, now);
                if (p.executeUpdate() == 0) {
                    return OptionalInt.empty();
                }
            }
            try (PreparedStatement p = c.prepareStatement("SELECT attempts FROM " + table
                    + " WHERE sink = ? AND item_id = ?")) {
                p.setString(1, sink);
                p.setString(2, id);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? OptionalInt.of(r.getInt(1)) : OptionalInt.empty();
                }
            }
        });
    }

    /** The service confirmed the item. */
    public void sent(String sink, String id, long now) {
        finish(sink, id, State.SENT, null, now);
    }

    /** An attempt failed; the item stays pending (a retry follows). */
    public void failed(String sink, String id, String error, long now) {
        finish(sink, id, State.FAILED, error, now);
    }

    /** A pending item turned stale before it was sent ({@code max-age}): skipped, not sent. */
    public void skipped(String sink, String id, String reason, long now) {
        finish(sink, id, State.SKIPPED, reason, now);
    }

    /** No attempt is left, or the service refuses the item for good: it goes to the dead letters. */
    public void dead(String sink, String id, String error, long now) {
        finish(sink, id, State.DEAD, error, now);
    }

    private void finish(String sink, String id, State state, String error, long now) {
        run(c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE " + table
                    + " SET state = ?, last_error = COALESCE(?, last_error), updated_at = ? WHERE sink = ? AND item_id = ?")) {
                p.setString(1, state.sql());
                p.setString(2, clip(error));
                p.setLong(3, now);
                p.setString(4, sink);
                p.setString(5, id);
                return p.executeUpdate();
            }
        });
    }

    /**
     * Takes pending items of {@code sink} that {@code owner} owns or whose lease ran out, oldest
     * first, at most {@code limit}, leaving out {@code except} (those the caller holds already).
     */
    public List<Entry> claim(String sink, String owner, long leaseUntil, long now, int limit,
                             java.util.Set<String> except) {
        return run(c -> {
            List<Entry> candidates = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement(select + " WHERE sink = ? AND state IN " + PENDING
                    + " AND (owner_id = ? OR lease_until < ?) ORDER BY created_at, item_id")) {
                p.setString(1, sink);
                p.setString(2, owner);
                p.setLong(3, now);
                p.setMaxRows(limit + except.size());
                try (ResultSet r = p.executeQuery()) {
                    while (r.next() && candidates.size() < limit) {
                        Entry e = entry(r);
                        if (!except.contains(e.id())) {
                            candidates.add(e);
                        }
                    }
                }
            }
            List<Entry> claimed = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("UPDATE " + table
                    + " SET owner_id = ?, lease_until = ? WHERE sink = ? AND item_id = ? AND state IN " + PENDING
                    + " AND (owner_id = ? OR lease_until < ?)")) {
                for (Entry e : candidates) {
                    p.setString(1, owner);
                    p.setLong(2, leaseUntil);
                    p.setString(3, sink);
                    p.setString(4, e.id());
                    p.setString(5, owner);
                    p.setLong(6, now);
                    if (p.executeUpdate() == 1) {
                        claimed.add(e);
                    }
                }
            }
            return claimed;
        });
    }

    /**
     * Makes the sink's dead items pending again (attempts from zero), owned by {@code owner}: what
     * {@code POST /api/sinks/NAME/redeliver} does.
     *
     * @return the items requeued, oldest first
     */
    public List<Entry> requeueDead(String sink, String owner, long leaseUntil, long now) {
        return run(c -> {
            List<Entry> dead = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement(select + " WHERE sink = ? AND state = 'dead'"
                    + " ORDER BY created_at, item_id")) {
                p.setString(1, sink);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        dead.add(entry(r));
                    }
                }
            }
            List<Entry> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("UPDATE " + table
                    + " SET state = 'queued', attempts = 0, owner_id = ?, lease_until = ?, updated_at = ?"
                    + " WHERE sink = ? AND item_id = ? AND state = 'dead'")) {
                for (Entry e : dead) {
                    p.setString(1, owner);
                    p.setLong(2, leaseUntil);
                    p.setLong(3, now);
                    p.setString(4, sink);
                    p.setString(5, e.id());
                    if (p.executeUpdate() == 1) {
                        out.add(new Entry(e.sink(), e.id(), State.QUEUED, 0, e.lastError(), e.payload(), owner,
                                leaseUntil, e.createdAt(), now));
                    }
                }
            }
            return out;
        });
    }

    /** One item's row. */
    public Optional<Entry> get(String sink, String id) {
        return run(c -> {
            try (PreparedStatement p = c.prepareStatement(select + " WHERE sink = ? AND item_id = ?")) {
                p.setString(1, sink);
                p.setString(2, id);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? Optional.of(entry(r)) : Optional.empty();
                }
            }
        });
    }

    /** Every row of a sink, oldest first (tests, tools). */
    public List<Entry> all(String sink) {
        return run(c -> {
            List<Entry> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement(select + " WHERE sink = ? ORDER BY created_at, item_id")) {
                p.setString(1, sink);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.add(entry(r));
                    }
                }
            }
            return out;
        });
    }

    /** How many rows of the sink are in each state (every state present, zero when none). */
    public Map<State, Long> counts(String sink) {
        return run(c -> {
            Map<State, Long> out = new EnumMap<>(State.class);
            for (State s : State.values()) {
                out.put(s, 0L);
            }
            try (PreparedStatement p = c.prepareStatement("SELECT state, COUNT(*) FROM " + table
                    + " WHERE sink = ? GROUP BY state")) {
                p.setString(1, sink);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.put(State.parse(r.getString(1)), r.getLong(2));
                    }
                }
            }
            return out;
        });
    }

    private static final String SELECT_COLUMNS =
            "sink, item_id, state, attempts, last_error, payload, owner_id, lease_until, created_at, updated_at";

    private static final com.fasterxml.jackson.databind.ObjectMapper PAYLOAD = new com.fasterxml.jackson.databind.ObjectMapper()
            .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.WRITE_NAN_AS_STRINGS.mappedFeature())
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS.mappedFeature());

    /** A hit as a ledger payload (JSON of {@link StoredHit}), so a node that resumes it can send it. */
    public static String payload(StoredHit hit) {
        try {
            return PAYLOAD.writeValueAsString(hit);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("hit " + hit.id() + " as JSON: " + e.getMessage(), e);
        }
    }

    /** The hit of a {@link #payload(StoredHit)}. */
    public static StoredHit hit(String payload) {
        try {
            return PAYLOAD.readValue(payload, StoredHit.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("ledger payload is not a hit: " + e.getMessage(), e);
        }
    }

    private static Entry entry(ResultSet r) throws SQLException {
        return new Entry(r.getString(1), r.getString(2), State.parse(r.getString(3)), r.getInt(4), r.getString(5),
                r.getString(6), r.getString(7), r.getLong(8), r.getLong(9), r.getLong(10));
    }

    private static String clip(String s) {
        return s == null || s.length() <= ERROR_MAX ? s : s.substring(0, ERROR_MAX - 1) + "…";
    }

    private <T> T run(Schema.ConnectionWork<T> work) {
        return Jdbc.run(connections, "delivery ledger", work);
    }
}
