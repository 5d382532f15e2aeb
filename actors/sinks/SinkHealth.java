package actors.sinks;

import java.time.Instant;

/**
 * One sink's health, as {@code GET /api/sinks} shows it.
 *
 * @param name        the sink's name, as conditions use it ({@code log}, {@code webhook:desk})
 * @param type        its type
 * @param state       {@code ok}; {@code retrying} (the last attempt failed, another follows);
 *                    {@code off} (switched off, e.g. by HTTP 410, until a redeliver)
 * @param queued      hits waiting to be sent (queued sinks: in the cluster's ledger; others: 0)
 * @param sent        hits handled (queued sinks: in the ledger, cluster-wide; others: by this node since start)
 * @param failed      failed attempts (queued sinks: hits whose last attempt failed, waiting to retry;
 *                    others: failed deliveries on this node since start)
 * @param skipped     hits skipped by {@code max-age} (in the ledger)
 * @param dead        dead letters: hits that ran out of attempts (in the ledger, cluster-wide)
 * @param deadLetters lines in this node's dead-letter file
 * @param overflow    hits refused by this node because the sink's queue was full (their entities offer them again)
 * @param lastError   the last error, or null
 * @param lastErrorAt when it happened, or null
 * @param details     the sink's own figures ({@link HitSink#details()}), or null
 */
public record SinkHealth(String name, String type, String state, long queued, long sent, long failed, long skipped,
                         long dead, long deadLetters, long overflow, String lastError, Instant lastErrorAt,
                         Object details) {
}
