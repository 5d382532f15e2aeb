package persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Deletes every stored event and snapshot of one persistence id, so its entity starts from
 * nothing. The journal plugin's own delete cannot do that: it keeps the highest event (marked
 * deleted) so sequence numbers never repeat, and leaves the snapshots to a separate call.
 *
 * <p>Only the entity itself may call this, and must stop right after: a running incarnation would
 * keep its state in memory and write on top of nothing. The tables are named without a schema:
 * H2 keeps them in PUBLIC, and PostgreSQL off {@code public} connects with {@code currentSchema}
 * (see {@link DbSettings}). Quoted lower-case names read the same on both.
 */
public final class JournalPurge {
    private JournalPurge() {
    }

    /** Deletes the rows in one transaction; completes with how many were deleted (events + snapshots). */
    public static CompletionStage<Long> purge(ActorSystem<?> system, String persistenceId) {
        // event_tag rows go with their events (ON DELETE CASCADE in both scripts)
        return Schema.onConnection(system, c -> Jdbc.inTransaction(c, tx ->
                delete(tx, "DELETE FROM \"event_journal\" WHERE \"persistence_id\" = ?", persistenceId)
                        + delete(tx, "DELETE FROM \"snapshot\" WHERE \"persistence_id\" = ?", persistenceId)));
    }

    /**
     * Deletes the events of {@code persistenceId} up to and including {@code sequenceNr} and its
     * snapshots before it: what is older than a snapshot that is kept. Safe while the entity runs
     * (recovery starts from the newest snapshot); for retention the plugin's own does not do
     * (snapshots taken by a predicate).
     */
    public static CompletionStage<Long> trim(ActorSystem<?> system, String persistenceId, long sequenceNr) {
        return Schema.onConnection(system, c -> {
            long rows = 0;
            for (String sql : new String[] {
                    "DELETE FROM \"event_journal\" WHERE \"persistence_id\" = ? AND \"sequence_number\" <= ?",
                    "DELETE FROM \"snapshot\" WHERE \"persistence_id\" = ? AND \"sequence_number\" < ?"}) {
                try (PreparedStatement p = c.prepareStatement(sql)) {
                    p.setString(1, persistenceId);
                    p.setLong(2, sequenceNr);
                    rows += p.executeUpdate();
                }
            }
            return rows;
        });
    }

    private static long delete(Connection c, String sql, String persistenceId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, persistenceId);
            return p.executeUpdate();
        }
    }
}
