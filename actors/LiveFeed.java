package actors;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import persistence.CborSerializable;

/**
 * Carries every {@link LiveEvent} published on a node's event stream to every node: one actor per
 * node writes the event's payload to JSON once and publishes it on the cluster-wide topic
 * {@value #TOPIC}, which each node's live stream ({@code engine.live.LiveHub}) subscribes to. So a
 * hit, produced on the node of its ticker's entity, reaches the browsers connected to any node.
 */
public final class LiveFeed {
    public static final String TOPIC = "tickwatch-live";

    /**
     * One live event as it crosses the cluster: the SSE event name, its JSON data, and the key
     * that identifies it for de-duplication ({@code hit} events: the hit id), or null.
     */
    public record Message(String type, String data, String key) implements CborSerializable {
    }

    private LiveFeed() {
    }

    /**
     * Starts this node's topic and the actor that feeds it from the event stream; returns the topic
     * (subscribe with {@code Topic.subscribe(ref)}).
     */
    public static ActorRef<Topic.Command<Message>> start(ActorSystem<?> system) {
        ActorRef<Topic.Command<Message>> topic = system.systemActorOf(Topic.create(Message.class, TOPIC),
                "live-topic", Props.empty());
        ObjectMapper json = JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty());
        system.systemActorOf(publisher(topic, json), "live-feed", Props.empty());
        return topic;
    }

    /**
     * Starts this node's side of {@link LiveDemand}: the topic on which nodes with stream clients
     * announce them, and the actor that hears it for this node's entities; returns the topic.
     */
    public static ActorRef<Topic.Command<LiveDemand.Watching>> startDemand(ActorSystem<?> system) {
        ActorRef<Topic.Command<LiveDemand.Watching>> topic = system.systemActorOf(
                Topic.create(LiveDemand.Watching.class, LiveDemand.TOPIC), "live-demand-topic", Props.empty());
        LiveDemand demand = LiveDemand.get(system);
        system.systemActorOf(Behaviors.<LiveDemand.Watching>setup(ctx -> {
            topic.tell(Topic.subscribe(ctx.getSelf()));
            return Behaviors.receiveMessage(w -> {
                demand.heard();
                return Behaviors.same();
            });
        }), "live-demand", Props.empty());
        return topic;
    }

    private static Behavior<LiveEvent> publisher(ActorRef<Topic.Command<Message>> topic, ObjectMapper json) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(LiveEvent.class, ctx.getSelf()));
            return Behaviors.receiveMessage(e -> {
                try {
                    String key = e instanceof LiveTicker.HitFound h ? h.id() : null;
                    topic.tell(Topic.publish(new Message(e.liveType(), json.writeValueAsString(e.livePayload()), key)));
                } catch (Exception ex) { // a payload Jackson cannot write is a programming error: say so, go on
                    ctx.getLog().warn("live event {} of {} left out: {}", e.liveType(), e.getClass().getName(),
                            ex.toString());
                }
                return Behaviors.same();
            });
        });
    }
}
