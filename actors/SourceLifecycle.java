package actors;

import java.time.Instant;

/**
 * A source's lifecycle event (connected, disconnected, reconnecting, registration refused, token
 * renewed), published by the source on the ActorSystem's event stream
 * ({@code system.eventStream().tell(new EventStream.Publish<>(event))}) so that whoever tells
 * people (the telegram sink's admin chat) hears of it without knowing the source. An interface, not
 * a record, so each source's own event record (with its own extra fields) can implement it; it lives
 * in {@code actors} because sinks, which listen, may not depend on {@code engine}. It is a
 * {@link LiveEvent}, so the dashboard's stream shows it too.
 */
public interface SourceLifecycle extends LiveEvent {
    String CONNECTED = "connected";
    String DISCONNECTED = "disconnected";
    String RECONNECTING = "reconnecting";
    String REGISTRATION_REFUSED = "registration_refused";
    String TOKEN_RENEWED = "token_renewed";

    /** The configured source name ({@code ls}, {@code binance}). */
    String source();

    /** One of the constants above (a listener ignores kinds it does not know). */
    String kind();

    /** The ticker it concerns (a refused registration), or null for the connection. */
    default String symbol() {
        return null;
    }

    /** What an operator reads: the reason, the attempt, the code and message; never a secret. */
    String detail();

    Instant time();

    /** On the live stream as a {@code source} event. */
    @Override
    default String liveType() {
        return "source";
    }

    /** The interface's fields only: a source's own record may hold more than an operator should see. */
    @Override
    default Object livePayload() {
        return new Shown(source(), kind(), symbol(), detail(), time().toString());
    }

    /** What the live stream shows of a source event. */
    record Shown(String source, String kind, String symbol, String detail, String time) {
    }

    /** A plain event, for sources with nothing to add. */
    record Event(String source, String kind, String symbol, String detail, Instant time) implements SourceLifecycle {
    }
}
