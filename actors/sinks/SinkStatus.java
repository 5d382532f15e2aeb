package actors.sinks;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sink's live counters on this node, written by the actor that runs it and read by the HTTP layer
 * (so a health request never waits behind a slow sink).
 */
public final class SinkStatus {
    private final String name;
    private final String type;
    private final boolean queued;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong overflow = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong dead = new AtomicLong();
    private final AtomicLong waiting = new AtomicLong();
    private volatile String state = "ok";
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private volatile java.util.function.Supplier<Object> details = () -> null;

    public SinkStatus(String name, String type, boolean queued) {
        this.name = name;
        this.type = type;
        this.queued = queued;
    }

    public String name() {
        return name;
    }

    public String type() {
        return type;
    }

    /** Whether the sink runs through the queue and the ledger ({@link QueuedSink}). */
    public boolean queued() {
        return queued;
    }

    public void sent() {
        sent.incrementAndGet();
        if (!"off".equals(state)) {
            state = "ok";
        }
    }

    public void failed(String error) {
        failed.incrementAndGet();
        lastError = error;
        lastErrorAt = Instant.now();
        if (!"off".equals(state)) {
            state = "retrying";
        }
    }

    public void error(String error) {
        lastError = error;
        lastErrorAt = Instant.now();
    }

    /** A failed attempt will be tried again (after its backoff). */
    public void retried() {
        retried.incrementAndGet();
    }

    /** A hit went to the dead letters on this node. */
    public void dead() {
        dead.incrementAndGet();
    }

    public void overflow() {
        overflow.incrementAndGet();
    }

    public void waiting(int n) {
        waiting.set(n);
    }

    public void off(String why) {
        state = "off";
        error(why);
    }

    public void on() {
        state = "ok";
    }

    public String state() {
        return state;
    }

    public long sentCount() {
        return sent.get();
    }

    public long failedCount() {
        return failed.get();
    }

    public long retriedCount() {
        return retried.get();
    }

    public long deadCount() {
        return dead.get();
    }

    public long overflowCount() {
        return overflow.get();
    }

    /** Hits this node holds in memory for the sink. */
    public long waitingCount() {
        return waiting.get();
    }

    /** Where the sink's own figures come from ({@link HitSink#details()}). */
    public void details(java.util.function.Supplier<Object> source) {
        details = source;
    }

    /** The sink's own figures, or null. */
    public Object details() {
        return details.get();
    }

    public String lastError() {
        return lastError;
    }

    public Instant lastErrorAt() {
        return lastErrorAt;
    }
}
