package actors.sinks;

import conditions.Hit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * A test {@link QueuedSink}: every attempt is recorded, and its outcome is the next scripted one
 * ({@link #then}), or {@link SendResult.Sent} when the script is empty, or what {@link #always}
 * says. {@link #hold()} makes attempts wait (a slow service) until {@link #release()}.
 *
 * <pre>{@code
 * ScriptedSink s = new ScriptedSink("svc").then(new SendResult.Retry("503", null)).then(new SendResult.Retry("503", null));
 * // third attempt: sent
 * }</pre>
 */
public final class ScriptedSink implements QueuedSink {
    public static final String TYPE = "scripted";

    /** One attempt: the hit's id and the attempt's number. */
    public record Attempt(String id, int attempt) {
    }

    private final String name;
    private final ConcurrentLinkedQueue<SendResult> script = new ConcurrentLinkedQueue<>();
    private final List<Attempt> attempts = new ArrayList<>();
    private final List<String> sent = new ArrayList<>();
    private volatile Function<Hit, SendResult> always;
    private volatile CompletableFuture<Void> gate;

    public ScriptedSink(String name) {
        this.name = name;
    }

    /** A factory recording the sinks it builds (one per node). */
    public static SinkFactory factory(java.util.Collection<ScriptedSink> made) {
        return ctx -> {
            ScriptedSink s = new ScriptedSink(ctx.name());
            made.add(s);
            return s;
        };
    }

    public ScriptedSink then(SendResult r) {
        script.add(r);
        return this;
    }

    /** Every attempt from now on (after the script) ends with {@code f(hit)}; null: sent. */
    public ScriptedSink always(Function<Hit, SendResult> f) {
        always = f;
        return this;
    }

    public void hold() {
        gate = new CompletableFuture<>();
    }

    public void release() {
        CompletableFuture<Void> g = gate;
        gate = null;
        if (g != null) {
            g.complete(null);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletionStage<SendResult> send(Hit hit, int attempt) {
        synchronized (this) {
            attempts.add(new Attempt(hit.id(), attempt));
        }
        CompletableFuture<Void> g = gate;
        CompletionStage<Void> ready = g == null ? CompletableFuture.completedFuture(null) : g;
        return ready.thenApply(v -> {
            SendResult r = script.poll();
            if (r == null) {
                Function<Hit, SendResult> f = always;
                r = f == null ? new SendResult.Sent() : f.apply(hit);
            }
            if (r instanceof SendResult.Sent) {
                synchronized (this) {
                    sent.add(hit.id());
                }
            }
            return r;
        });
    }

    public synchronized List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /** Ids the sink reported sent, in order (a duplicate shows up twice). */
    public synchronized List<String> sent() {
        return List.copyOf(sent);
    }

    /** Waits until {@code n} hits are sent; fails with what was sent when {@code within} passes. */
    public List<String> awaitSent(int n, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (sent().size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + ": expected " + n + " sent within " + within + ", got " + sent()
                        + " after attempts " + attempts());
            }
            Thread.sleep(10);
        }
        return sent();
    }
}
