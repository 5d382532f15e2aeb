package engine.sources.naver;

/**
 * One request rate for every ticker of a crawler: each request takes the next free slot, slots
 * {@code 1/rate} apart, with at most a second's worth saved up after a quiet spell.
 */
final class RateLimiter {
    private final long intervalNanos;
    private final long burstNanos;
    private long next = System.nanoTime();

    RateLimiter(double perSecond) {
        this.intervalNanos = Math.max(1, (long) (1e9 / perSecond));
        this.burstNanos = Math.max(0, (long) (Math.floor(perSecond) - 1)) * intervalNanos;
    }

    /** Waits for this request's slot. */
    void acquire() throws InterruptedException {
        long slot;
        synchronized (this) {
            long now = System.nanoTime();
            slot = Math.max(next, now - burstNanos);
            next = slot + intervalNanos;
        }
        long wait = slot - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
