package actors.sinks;

import conditions.Hit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test sink that records every hit it is handed, and can be made to fail (every delivery throws
 * until {@link #recover()}) or to hang (every delivery waits until {@link #release()}). Reusable by
 * any test: build one directly for a router, or let a node build it from configuration:
 *
 * <pre>{@code
 * List<RecordingSink> made = new CopyOnWriteArrayList<>();
 * new NodeBootstrap(settings).sinkType(RecordingSink.TYPE, RecordingSink.factory(made)).start();
 * // with tickwatch.sinks.rec.type = recording
 * }</pre>
 */
public final class RecordingSink implements HitSink {
    public static final String TYPE = "recording";

    private final String name;
    private final List<Hit> delivered = new ArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile String failure;
    private volatile CountDownLatch gate;

    public RecordingSink(String name) {
        this.name = name;
    }

    /** A factory that records every sink it builds in {@code made} (one per node and configured name). */
    public static SinkFactory factory(Collection<RecordingSink> made) {
        return ctx -> {
            RecordingSink s = new RecordingSink(ctx.name());
            made.add(s);
            return s;
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void deliver(Hit hit) throws InterruptedException {
        attempts.incrementAndGet();
        CountDownLatch g = gate;
        if (g != null && !g.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " was held for 60 s (test)");
        }
        String f = failure;
        if (f != null) {
            throw new IllegalStateException(f);
        }
        synchronized (delivered) {
            delivered.add(hit);
        }
    }

    /** Every delivery from now on fails with {@code message}, until {@link #recover()}. */
    public void fail(String message) {
        failure = message;
    }

    public void recover() {
        failure = null;
    }

    /** Every delivery from now on waits (a slow or hung service) until {@link #release()}. */
    public void hold() {
        gate = new CountDownLatch(1);
    }

    /** Lets every waiting and later delivery through. */
    public void release() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    /** The hits handled, in order. */
    public List<Hit> delivered() {
        synchronized (delivered) {
            return List.copyOf(delivered);
        }
    }

    public List<String> deliveredIds() {
        return delivered().stream().map(Hit::id).toList();
    }

    /** Deliveries tried, failed and held ones included. */
    public int attempts() {
        return attempts.get();
    }

    /** Waits until at least {@code n} hits are delivered; fails with what arrived when {@code within} passes. */
    public List<Hit> awaitDelivered(int n, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (delivered().size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + ": expected " + n + " hit(s) within " + within + ", got "
                        + deliveredIds());
            }
            Thread.sleep(10);
        }
        return delivered();
    }
}
