package engine.sources;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Tells a venue's silence from the node's own backpressure. A source's stream reads no frame while
 * a batch is with the node, so frames wait in the socket and "no frame for the silence limit" would
 * also mean "the node is behind". Without this distinction a node that fell behind dropped and
 * reconnected its feeds as silent once a minute, which added catch-ups to its load (bench feeds).
 * Silence counts only while no batch is being stored, and from no earlier than the last one stored.
 */
public final class VenueSilence {
    private volatile boolean storing;
    private volatile long storedNanos = System.nanoTime();

    /** Runs one batch's way into the node, noting that the stream reads nothing meanwhile. */
    public <T> CompletionStage<T> storing(Supplier<CompletionStage<T>> batch) {
        storing = true;
        try {
            return batch.get().whenComplete((r, e) -> stored());
        } catch (RuntimeException e) {
            stored();
            throw e;
        }
    }

    private void stored() {
        storedNanos = System.nanoTime();
        storing = false;
    }

    /** Whether the venue has been silent longer than {@code limit} at {@code nowNanos}, its last frame at {@code lastFrameNanos}. */
    public boolean silent(long lastFrameNanos, long nowNanos, Duration limit) {
        return !storing && nowNanos - Math.max(lastFrameNanos, storedNanos) > limit.toNanos();
    }
}
