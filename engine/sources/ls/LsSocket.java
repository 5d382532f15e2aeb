package engine.sources.ls;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;

/**
 * One websocket to LS on the JDK's client ({@link java.net.http.WebSocket}), whose text messages go
 * into a Pekko stream's queue with backpressure: the socket asks the server's side for the next
 * message only while fewer than {@link #HIGH} wait in the queue, and again once the stream has taken
 * them down to half of that.
 *
 * <p>Why not Pekko HTTP's websocket client, as before: every frame went through its framing stages
 * and a message source of its own. Receiving 300,000 LS trade frames from a local server took 22-46
 * µs of CPU a frame with it, 3-5 µs with the JDK's client (one JVM each, 2 cores); {@code bench feeds}
 * at 25,000 messages a second kept up with this one and fell seconds behind with Pekko's (README "The
 * feeds at scale", session 10). What reads the frames (parsing, batches, the lanes) stays a Pekko
 * stream. The JDK's client answers the server's pings by itself.
 */
final class LsSocket {
    /** Messages waiting for the stream before the socket stops asking for more. */
    static final int HIGH = 4_096;

    private final BoundedSourceQueue<String> in;
    private final AtomicBoolean paused = new AtomicBoolean();
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket ws;
    private volatile boolean aborted;
    /** The last send: the JDK's socket takes one text message at a time. Sends come from one thread. */
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

    /** @param in where the text messages go: a queue of at least {@code 2 * HIGH} */
    LsSocket(BoundedSourceQueue<String> in) {
        this.in = in;
    }

    /**
     * Opens the websocket; completes when the server answered the upgrade, failing with
     * {@link #why(Throwable)}'s words when it did not. Its messages then go into the queue, which
     * completes when the server closes and fails when the connection fails.
     */
    CompletionStage<Void> open(HttpClient http, URI url, Duration timeout) {
        return http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(url, new Listener())
                .thenAccept(w -> {
                    ws = w;
                    if (aborted) {
                        w.abort();
                    }
                });
    }

    /** Sends one text message after the ones before it; a failed send aborts the connection. */
    void send(String text) {
        WebSocket w = ws;
        if (w == null || aborted) {
            return;
        }
        sending = sending.handle((x, e) -> null).thenCompose(x -> w.sendText(text, true))
                .whenComplete((x, e) -> {
                    if (e != null) {
                        abort();
                    }
                });
    }

    /** The stream took a message: asks for more once the queue is down to half of {@link #HIGH}. */
    void taken() {
        if (paused.get() && in.size() < HIGH / 2 && paused.compareAndSet(true, false)) {
            request();
        }
    }

    /** Closes the connection at once, now or as soon as it is open. */
    void abort() {
        aborted = true;
        WebSocket w = ws;
        if (w != null) {
            w.abort();
        }
    }

    /** Why an open failed, in a line: the upgrade's HTTP status when the server answered one. */
    static String why(Throwable e) {
        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof WebSocketHandshakeException h) {
            return "upgrade answered HTTP " + h.getResponse().statusCode();
        }
        return "connect failed: " + LsSource.message(t);
    }

    private void request() {
        WebSocket w = ws;
        if (w != null) {
            w.request(1);
        }
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public void onOpen(WebSocket w) {
            ws = w;
            w.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            if (!last) {
                partial.append(data); // the rest comes in later parts, each asked for
                w.request(1);
                return null;
            }
            String text;
            if (partial.isEmpty()) {
                text = data.toString();
            } else {
                text = partial.append(data).toString();
                partial.setLength(0);
            }
            if (in.offer(text) != QueueOfferResult.enqueued()) {
                w.abort(); // cannot happen while it asks only for what fits; if it did, a gap would follow
                in.fail(new IllegalStateException("frames not taken by the stream"));
                return null;
            }
            if (in.size() < HIGH) {
                w.request(1);
            } else {
                paused.set(true);
                if (in.size() < HIGH / 2 && paused.compareAndSet(true, false)) {
                    w.request(1); // the stream took them meanwhile
                }
            }
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
            w.request(1); // LS sends text
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
            in.complete();
            return null;
        }

        @Override
        public void onError(WebSocket w, Throwable error) {
            in.fail(error);
        }
    }
}
