package engine.live;

import actors.LiveDemand;
import actors.LiveFeed;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Source;

/**
 * This node's live stream ({@code GET /api/events}): every live event of the cluster (the
 * {@link LiveFeed} topic) numbered in the order this node received it, a bounded replay buffer of
 * the latest ones, and one bounded queue per connected client.
 *
 * <p>Ids are {@code <stream>-<n>}: {@code stream} is random per start of this hub, {@code n} counts
 * from 1. A client that reconnects with {@code Last-Event-ID} gets every event after it from the
 * buffer, then the live ones, registered under one lock, so nothing is lost or repeated. When the id
 * cannot be resumed (another node's or an earlier start's stream, or older than the buffer) the first
 * event is a {@code reset}: the client reloads what it shows from the API ({@code GET /api/hits}) and
 * continues from there.
 *
 * <p>A client whose queue is full is disconnected, not waited for (counted in {@link #slowClients()}):
 * its browser reconnects with its last id and catches up from the buffer. A hit is carried once per
 * id (a message repeated by the cluster is dropped).
 */
public final class LiveHub {
    /** {@code tickwatch.live.*}: buffer sizes. */
    public record Settings(int replay, int clientQueue) {
        public static Settings from(com.typesafe.config.Config c) {
            com.typesafe.config.Config l = c.getConfig("tickwatch.live");
            return new Settings(l.getInt("replay"), l.getInt("client-queue"));
        }
    }

    private record Entry(long n, String type, String data) {
    }

    private record Client(BoundedSourceQueue<ServerSentEvent> queue) {
    }

    private static final int HITS_REMEMBERED = 10_000;

    private final ActorSystem<?> system;
    private final Settings settings;
    private final String stream = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    private final ArrayDeque<Entry> buffer = new ArrayDeque<>(); // guarded by this
    private final List<Client> clients = new ArrayList<>(); // guarded by this
    private final Set<String> hits = new LinkedHashSet<>(); // guarded by this
    private long last; // guarded by this
    private final AtomicLong slow = new AtomicLong();
    private final AtomicLong repeated = new AtomicLong();
    private volatile ActorRef<Topic.Command<LiveDemand.Watching>> demand;

    LiveHub(ActorSystem<?> system, Settings settings) {
        this.system = system;
        this.settings = settings;
    }

    /** Starts the node's live feed (its {@link LiveFeed}) and the hub subscribed to the cluster's topic. */
    public static LiveHub start(ActorSystem<?> system, Settings settings) {
        LiveHub hub = new LiveHub(system, settings);
        ActorRef<Topic.Command<LiveFeed.Message>> topic = LiveFeed.start(system);
        system.systemActorOf(hub.subscriber(topic), "live-hub", Props.empty());
        hub.demand = LiveFeed.startDemand(system);
        system.systemActorOf(hub.announcer(), "live-demand-announcer", Props.empty());
        return hub;
    }

    /**
     * While this node has clients, tells every node so ({@link LiveDemand}) every demand interval,
     * so the entities make forming bars; with none, says nothing and the entities stop.
     */
    private Behavior<String> announcer() {
        return Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay("announce", "announce", LiveDemand.interval(system));
            return Behaviors.receiveMessage(tick -> {
                if (clients() > 0) {
                    announce();
                }
                return Behaviors.same();
            });
        });
    }

    private void announce() {
        var topic = demand;
        if (topic != null) {
            topic.tell(Topic.publish(new LiveDemand.Watching(system.address().toString())));
        }
    }

    private Behavior<LiveFeed.Message> subscriber(ActorRef<Topic.Command<LiveFeed.Message>> topic) {
        return Behaviors.setup(ctx -> {
            topic.tell(Topic.subscribe(ctx.getSelf()));
            return Behaviors.receiveMessage(m -> {
                publish(m.type(), m.data(), m.key());
                return Behaviors.same();
            });
        });
    }

    /** Numbers an event, keeps it for replay and offers it to every client. */
    synchronized void publish(String type, String data, String key) {
        if (key != null && !hits.add(key)) {
            repeated.incrementAndGet();
            return;
        }
        if (hits.size() > HITS_REMEMBERED) {
            Iterator<String> it = hits.iterator();
            it.next();
            it.remove();
        }
        Entry e = new Entry(++last, type, data);
        buffer.addLast(e);
        if (buffer.size() > settings.replay()) {
            buffer.removeFirst();
        }
        ServerSentEvent sse = sse(e);
        for (Iterator<Client> it = clients.iterator(); it.hasNext(); ) {
            Client c = it.next();
            if (c.queue().offer(sse) != QueueOfferResult.enqueued()) {
                // never wait for a browser: end its stream; it reconnects with its last id and replays
                slow.incrementAndGet();
                c.queue().complete();
                it.remove();
            }
        }
    }

    /**
     * A client's stream: a {@code hello} (or {@code reset}) event carrying the current id, the events
     * after {@code lastEventId} when it can be resumed, then the live ones.
     */
    public synchronized Source<ServerSentEvent, NotUsed> subscribe(Optional<String> lastEventId) {
        List<ServerSentEvent> first = new ArrayList<>();
        long after = resumable(lastEventId.orElse(null));
        if (after >= 0) {
            for (Entry e : buffer) {
                if (e.n() > after) {
                    first.add(sse(e));
                }
            }
            if (first.isEmpty()) {
                first.add(control("hello", "{\"resumed\":true}"));
            }
        } else if (lastEventId.isPresent()) {
            first.add(control("reset", "{\"reason\":\"the id " + quote(lastEventId.get())
                    + " cannot be resumed here (another node, an earlier start, or older than the replay buffer):"
                    + " reload from the API\"}"));
        } else {
            first.add(control("hello", "{\"resumed\":false}"));
        }
        Pair<BoundedSourceQueue<ServerSentEvent>, Source<ServerSentEvent, NotUsed>> q =
                Source.<ServerSentEvent>queue(settings.clientQueue()).preMaterialize(system);
        Client client = new Client(q.first());
        clients.add(client);
        announce(); // at once: the forming bars start with the entities' next writes, not an interval later
        return Source.from(first).concat(q.second())
                .watchTermination((mat, done) -> {
                    done.whenComplete((d, e) -> remove(client));
                    return mat;
                });
    }

    /** The number after which {@code id} resumes, or -1 when it cannot be resumed here. */
    private long resumable(String id) {
        if (id == null || !id.startsWith(stream + "-")) {
            return -1;
        }
        long n;
        try {
            n = Long.parseLong(id.substring(stream.length() + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
        long oldest = buffer.isEmpty() ? last + 1 : buffer.peekFirst().n();
        return n > last || n < oldest - 1 ? -1 : n;
    }

    private synchronized void remove(Client c) {
        clients.remove(c);
    }

    private ServerSentEvent sse(Entry e) {
        return ServerSentEvent.create(e.data(), Optional.of(e.type()), Optional.of(stream + "-" + e.n()),
                OptionalInt.empty());
    }

    /** An event that carries the current id (so a drop before the next event resumes from here). */
    private ServerSentEvent control(String type, String data) {
        return ServerSentEvent.create(data, Optional.of(type), Optional.of(stream + "-" + last), OptionalInt.empty());
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder();
        for (char ch : s.toCharArray()) {
            if (ch >= 0x20 && ch != '"' && ch != '\\' && ch < 0x7f && sb.length() < 80) {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    /** Clients disconnected because their queue was full (each reconnects and catches up). */
    public long slowClients() {
        return slow.get();
    }

    /** Hits the topic carried twice, dropped. */
    public long repeatedHits() {
        return repeated.get();
    }

    /** Clients connected now. */
    public synchronized int clients() {
        return clients.size();
    }
}
