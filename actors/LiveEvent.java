package actors;

/**
 * Something the dashboard's live stream ({@code GET /api/events}) shows. Publish an object that
 * implements it on the ActorSystem's event stream
 * ({@code system.eventStream().tell(new EventStream.Publish<>(event))}) and every node's stream
 * carries it as an SSE event named {@link #liveType()} with {@link #livePayload()} as its JSON data:
 * {@link LiveFeed} on the publishing node writes it to JSON and passes it to every node. Publish
 * after the fact is stored (never before a write that may fail), from any thread; it costs the
 * publisher one message to a local actor, never a wait.
 */
public interface LiveEvent {
    /** The SSE event name: {@code bar}, {@code hit}, {@code source}, {@code sink}, or a new one (lower case). */
    String liveType();

    /** What the stream's {@code data} holds: a record Jackson writes (snake_case via {@code @JsonProperty}). */
    Object livePayload();
}
