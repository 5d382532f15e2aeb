package actors.sinks;

import conditions.Hit;
import java.util.concurrent.CompletionStage;

/**
 * A sink that sends hits to a service over the network (webhooks, Telegram, brokers). It only
 * implements one attempt, {@link #send}; the node runs the rest for it ({@code actors.SinkQueue}):
 * <ul>
 *   <li>a bounded queue of its own ({@code queue-size}); a hit is confirmed to its entity once it is
 *       recorded in the cluster's delivery ledger ({@code persistence.DeliveryLedger}), not when it
 *       is sent, so a slow or failing service never delays an entity or another sink;</li>
 *   <li>one attempt at a time, in order; retries with exponential backoff and jitter
 *       ({@code max-retries}, {@code backoff}, {@code max-backoff}), or after the time the service
 *       asked for ({@link SendResult.Retry#after()}); after the last one the hit goes to
 *       {@code <data-dir>/dead-letters/<name>.jsonl} and the ledger marks it dead;</li>
 *   <li>exactly once across restarts and nodes, through the ledger; {@code max-age} skips stale hits;</li>
 *   <li>its health in {@code GET /api/sinks}; {@code POST /api/sinks/NAME/redeliver} sends its dead
 *       letters again.</li>
 * </ul>
 * {@link #deliver} is not used for such a sink.
 */
public interface QueuedSink extends HitSink {

    /**
     * One attempt to send {@code hit}. Must not block: run I/O on the ActorSystem (Pekko HTTP's
     * client) and complete the stage with the outcome; a stage that fails counts as
     * {@link SendResult.Retry}. It must complete within the sink's own timeout (well under the
     * ledger's {@code lease}).
     *
     * @param attempt 1 for the first attempt, counted across restarts
     */
    CompletionStage<SendResult> send(Hit hit, int attempt);

    /**
     * What this sink sends for {@code hit} (a webhook's body), written with the hit into its dead
     * letter so an operator sees exactly what failed; null when there is no single payload.
     */
    default String payload(Hit hit) {
        return null;
    }

    @Override
    default void deliver(Hit hit) {
        throw new UnsupportedOperationException(name() + " is a queued sink: the node calls send, not deliver");
    }
}
