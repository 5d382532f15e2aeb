package engine.http;

import actors.sinks.telegram.Subscriber;
import actors.sinks.telegram.TelegramSink;
import engine.Node;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/subscribers}: the chats subscribed to the node's Telegram sinks;
 * {@code DELETE /api/subscribers/{chat}} (optionally {@code ?sink=NAME}) removes one and its queued alerts.
 */
public final class SubscriberRoutes extends ApiDirectives {

    /**
     * A subscriber; {@code follows} is null while it follows every condition naming the sink,
     * {@code watching} empty while it watches every symbol; {@code chart} true when every alert to it
     * carries a chart ({@code /chart on}).
     */
    public record SubscriberReply(String sink, long chat, String type, String title, List<String> watching,
                                  List<String> follows, String mutedUntil, String joinedAt, boolean chart) {
        static SubscriberReply of(String sink, Subscriber s) {
            return new SubscriberReply(sink, s.chat(), s.type(), s.title(), List.copyOf(s.watching()),
                    s.follows() == null ? null : List.copyOf(s.follows()),
                    s.mutedUntil() > System.currentTimeMillis() ? Instant.ofEpochMilli(s.mutedUntil()).toString() : null,
                    Instant.ofEpochMilli(s.joinedAt()).toString(), s.chart());
        }
    }

    private final Node node;
    private final Executor blocking;

    public SubscriberRoutes(ApiJson json, Node node) {
        super(json);
        this.node = node;
        this.blocking = node.system().dispatchers().lookup(DispatcherSelector.blocking());
    }

    /** At {@code /api/subscribers}. */
    public Route route() {
        return concat(
                pathEnd(() -> get(() -> onSuccess(async(this::all), this::ok))),
                // segment, not longSegment: group chat ids are negative
                path(PathMatchers.segment(), text -> delete(() -> parameterOptional("sink", sink -> {
                    long chat;
                    try {
                        chat = Long.parseLong(text);
                    } catch (NumberFormatException e) {
                        return error(StatusCodes.BAD_REQUEST, "a chat id is a whole number", text);
                    }
                    return onSuccess(async(() -> remove(chat, sink.orElse(null))),
                            removed -> removed ? noContent() : error(StatusCodes.NOT_FOUND, "no such subscriber", chat));
                }))));
    }

    private List<SubscriberReply> all() {
        List<SubscriberReply> out = new ArrayList<>();
        for (TelegramSink t : telegramSinks()) {
            t.subscribers().forEach(s -> out.add(SubscriberReply.of(t.name(), s)));
        }
        return out;
    }

    private boolean remove(long chat, String sink) {
        boolean removed = false;
        for (TelegramSink t : telegramSinks()) {
            if (sink == null || sink.equals(t.name())) {
                removed |= t.removeSubscriber(chat);
            }
        }
        return removed;
    }

    private List<TelegramSink> telegramSinks() {
        return node.sinkInstances().stream().filter(TelegramSink.class::isInstance).map(TelegramSink.class::cast).toList();
    }

    /** The store blocks on the database: off the HTTP threads. */
    private <T> CompletionStage<T> async(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, blocking);
    }
}
