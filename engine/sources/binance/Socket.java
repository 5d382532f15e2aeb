package engine.sources.binance;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.UniqueKillSwitch;

/**
 * One websocket of a {@link Connection}: what it has subscribed, what it still has to send, and when
 * it last heard from the server. A connection has one, and two while it renews. Guarded by the
 * source's lock, except the volatile times the frame path writes.
 */
final class Socket {
    /** A request in flight: {@code SUBSCRIBE} or {@code UNSUBSCRIBE} of these streams. */
    record Request(String method, List<String> streams) {
    }

    final int serial;
    BoundedSourceQueue<org.apache.pekko.http.javadsl.model.ws.Message> out;
    UniqueKillSwitch kill;
    /** The upgrade succeeded and the server may be spoken to. */
    boolean up;
    /** We closed it (renewed, unwatched, stopping): its end is no drop. */
    boolean intended;
    /** Why it is being closed (an error frame, silence), for the disconnect event. */
    String closeReason;
    Instant openedAt;
    long openedNanos;
    volatile long lastFrameNanos;
    volatile Instant lastFrameAt;
    /** When the first stream was acknowledged: silence is counted from then, or from the last frame. */
    long subscribedNanos;
    final Set<String> subscribed = new HashSet<>();
    final LinkedHashSet<String> toSubscribe = new LinkedHashSet<>();
    final LinkedHashSet<String> toUnsubscribe = new LinkedHashSet<>();
    final Map<Long, Request> inFlight = new HashMap<>();
    long nextId = 1;
    /** When the latest messages were sent (at most messages-per-second of them in any second). */
    final java.util.ArrayDeque<Long> sentNanos = new java.util.ArrayDeque<>();
    /**
     * A renewal's socket holds its trades back until the socket it replaces has ended and every trade
     * of that one reached the ingest stage: otherwise a trade only the old one carried could arrive after
     * a later one of the new, and be dropped as a duplicate.
     */
    volatile boolean gated;
    /** Trades held while gated; touched only by this socket's stream. */
    final List<Frame.Trade> held = new java.util.ArrayList<>();
    /** Wakes this socket's stream (an empty text) to pass on what it held. */
    BoundedSourceQueue<String> control;
    /** The renewal's socket that takes over when this one has ended. */
    Socket successor;

    Socket(int serial) {
        this.serial = serial;
    }

    boolean subscribing() {
        return !toSubscribe.isEmpty() || inFlight.values().stream().anyMatch(r -> r.method.equals("SUBSCRIBE"));
    }

    /** Asks for {@code stream}: sent with the next paced message, unless an unsubscribe of it is still unsent. */
    void subscribe(String stream) {
        if (toUnsubscribe.remove(stream) && subscribed.contains(stream)) {
            return;
        }
        toSubscribe.add(stream);
    }

    void unsubscribe(String stream) {
        if (!toSubscribe.remove(stream)) {
            toUnsubscribe.add(stream);
        }
    }
}
