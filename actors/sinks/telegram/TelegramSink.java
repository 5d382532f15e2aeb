package actors.sinks.telegram;

import actors.sinks.HitSink;
import actors.sinks.NodeFacts;
import actors.sinks.QueuedSink;
import actors.sinks.SendResult;
import actors.sinks.SinkContext;
import conditions.Hit;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import persistence.CborSerializable;

/**
 * The {@code telegram} sink type: alerts to the chats that subscribed to a Telegram bot with the
 * invite code, and the bot's commands ({@link BotCommands}).
 *
 * <p>A {@link QueuedSink}: the node's queue and the cluster's delivery ledger hand it each hit once
 * (bounded queue, retries, dead letters, {@code max-age}, health in {@code GET /api/sinks}), and its
 * one attempt, {@link #send}, fans the hit out: in one transaction it records the hit id (a hit
 * taken once is never queued again, even when the ledger's attempt is repeated after a crash) and
 * puts one message per subscriber that wants it in the outbox, in the node's database; the
 * ledger's "sent" for the hit means "fanned out". The bot ({@link TelegramBot}), a cluster
 * singleton, sends the outbox within Telegram's limits, one row per chat deleted once Telegram
 * confirmed it, and polls for commands, so one node sends and polls however many run. An outbox
 * without room for every message of a hit ({@code max-queued}) takes none of them and answers
 * {@code Retry}: the ledger keeps the hit and tries again; the overflow is counted and the admin chat
 * told once.
 */
public final class TelegramSink implements QueuedSink {
    public static final String TYPE = "telegram";
    private static final Logger LOG = LoggerFactory.getLogger(TelegramSink.class);
    /** How long a taken hit id is remembered (a hit is only delivered again while it is recent). */
    static final Duration REMEMBER = Duration.ofDays(30);

    /** Tells the singleton there is something new to send. */
    enum Nudge implements CborSerializable {
        INSTANCE
    }

    private final String name;
    private final TelegramSettings settings;
    private final TelegramStore store;
    private final BotHealth health = new BotHealth();
    private final AtomicReference<NodeFacts> facts = new AtomicReference<>();
    private final AtomicReference<TelegramBot> localBot = new AtomicReference<>();
    private final AtomicBoolean overflowTold = new AtomicBoolean();
    private final AdminNotices notices;
    private ActorRef<Nudge> singleton;
    private Executor blocking;

    private TelegramSink(String name, TelegramSettings settings, TelegramStore store) {
        this.name = name;
        this.settings = settings;
        this.store = store;
        this.notices = new AdminNotices(store, settings.adminChat(), health, "queueing", settings.adminQuiet());
    }

    /** The factory {@code SinkTypes} registers for {@value #TYPE}. */
    public static HitSink open(SinkContext ctx) {
        TelegramSettings settings = TelegramSettings.from(ctx.config(), System.getenv());
        TelegramSink sink = new TelegramSink(ctx.name(), settings, TelegramStore.open(ctx.system(), ctx.name()));
        if (settings.inviteCode().isEmpty()) {
            LOG.warn("telegram sink {}: no invite code (TICKWATCH_TELEGRAM_INVITE): nobody can subscribe", ctx.name());
        }
        int forgotten = sink.store.forgetHits(System.currentTimeMillis() - REMEMBER.toMillis());
        LOG.debug("telegram sink {}: forgot {} old hit id(s)", ctx.name(), forgotten);
        sink.blocking = ctx.system().dispatchers().lookup(DispatcherSelector.blocking());
        sink.startBot(ctx);
        if (settings.adminChat() != 0) {
            ctx.system().systemActorOf(new SourceNotices(sink.store, settings.adminChat(), settings.adminQuiet(),
                            new Scrubber(settings.token())).behavior(), "telegram-source-notices-"
                            + java.net.URLEncoder.encode(ctx.name(), java.nio.charset.StandardCharsets.UTF_8),
                    DispatcherSelector.blocking()); // it writes the outbox
        }
        return sink;
    }

    private void startBot(SinkContext ctx) {
        BotApi api = new BotApi(settings);
        BotCommands commands = new BotCommands(store, settings.inviteCode(), facts::get);
        Behavior<Nudge> bot = Behaviors.setup(actorCtx -> {
            TelegramBot b = new TelegramBot(settings, store, api, commands, health).start();
            localBot.set(b);
            return Behaviors.receive(Nudge.class)
                    .onMessage(Nudge.class, n -> {
                        b.nudge();
                        return Behaviors.same();
                    })
                    .onSignal(PostStop.class, s -> {
                        localBot.compareAndSet(b, null);
                        b.close();
                        return Behaviors.same();
                    })
                    .build();
        });
        singleton = ClusterSingleton.get(ctx.system()).init(SingletonActor.of(bot, "telegram-bot-" + name));
        // Stop sending before the database pool closes, so the message on the wire is recorded as sent.
        CoordinatedShutdown.get(ctx.system()).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(),
                "telegram-bot-" + name, () -> {
                    stopLocalBot();
                    return CompletableFuture.completedFuture(Done.getInstance());
                });
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void nodeStarted(NodeFacts f) {
        facts.set(f);
    }

    /** One attempt: the fan-out, on the blocking dispatcher (it waits for the database and the entity's bars). */
    @Override
    public CompletionStage<SendResult> send(Hit hit, int attempt) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return take(hit) ? SendResult.sent()
                        : new SendResult.Retry("the Telegram outbox is full (" + settings.maxQueued() + " messages)", null);
            } catch (RuntimeException e) {
                return new SendResult.Retry("queueing the alert: " + new Scrubber(settings.token()).describe(e), null);
            }
        }, blocking);
    }

    /**
     * Queues one message per subscriber that wants the hit, all or none; true when queued (or taken
     * before), false when the outbox has no room for them all.
     */
    boolean take(Hit hit) {
        List<Map<String, Object>> bars = bars(hit);
        AlertText.Details details = details(hit, bars);
        NodeFacts f = facts.get();
        String description = f == null ? null : f.conditionsFor(name).get(hit.condition());
        boolean conditionCharts = f != null && f.chartedConditions(name).contains(hit.condition());
        long now = System.currentTimeMillis();
        AtomicInteger queuedNow = new AtomicInteger();
        // 1 taken now, 0 taken before, -1 no room
        int outcome = store.tx(c -> {
            if (!store.takeHit(c, hit.id(), now)) {
                return 0;
            }
            List<Subscriber> to = store.subscribers(c).stream()
                    .filter(s -> s.wants(hit.condition(), hit.symbol(), now)).toList();
            int queue = store.queued(c);
            queuedNow.set(queue);
            if (!to.isEmpty() && queue + to.size() > settings.maxQueued()) {
                c.rollback(); // the hit id too: the ledger offers the hit again
                return -1;
            }
            String text = AlertText.render(hit, description, details);
            // Drawn once for every chat that wants it, from the bars as they are now (the chart
            // ends at the hit's bar); a photo row follows its text row under the same hit id, so
            // both are queued, or neither, exactly once.
            Chart chart = new Chart(hit, bars);
            for (Subscriber s : to) {
                store.enqueue(c, s.chat(), hit.id(), text, now);
                byte[] png = conditionCharts || s.chart() ? chart.png() : null;
                if (png != null) {
                    store.enqueue(c, s.chat(), hit.id(), chart.caption(), png, now);
                }
            }
            return 1;
        });
        if (outcome < 0) {
            health.overflow.incrementAndGet();
            if (overflowTold.compareAndSet(false, true)) {
                LOG.warn("telegram sink {}: the outbox is full ({} messages); alerts wait in the sink's queue", name,
                        settings.maxQueued());
                notices.tell("⚠️ The Telegram outbox is full (" + settings.maxQueued() + " messages): alerts wait in "
                        + "the sink's queue and are retried (GET /api/sinks).");
            }
            return false;
        }
        if (queuedNow.get() < settings.maxQueued() / 2) {
            overflowTold.set(false); // drained: a new overflow is told again
        }
        if (outcome > 0 && singleton != null) {
            singleton.tell(Nudge.INSTANCE);
        }
        return true;
    }

    /** A hit's chart, drawn at most once however many chats get it. */
    private static final class Chart {
        private final Hit hit;
        private final List<Map<String, Object>> bars;
        private byte[] png;
        private boolean drawn;

        Chart(Hit hit, List<Map<String, Object>> bars) {
            this.hit = hit;
            this.bars = bars;
        }

        /** The PNG, or null when there is no bar to draw. */
        byte[] png() {
            if (!drawn) {
                drawn = true;
                png = bars.isEmpty() ? null : ChartImage.png(bars, hit.barStart(), hit.symbol() + " "
                        + AlertText.hhmm(hit.barStart(), hit.market()) + " · " + hit.condition());
            }
            return png;
        }

        String caption() {
            return AlertText.escape("#" + hit.condition() + " (" + hit.symbol() + ")");
        }
    }

    /** The entity's kept bars, oldest first; empty when the node cannot give them. */
    private List<Map<String, Object>> bars(Hit hit) {
        NodeFacts f = facts.get();
        if (f == null) {
            return List.of();
        }
        try {
            return f.bars(hit.symbol()).toCompletableFuture().get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("telegram sink {}: no bars of {} for the alert: {}", name, hit.symbol(), e.toString());
            return List.of();
        }
    }

    /**
     * The hit's bar with every indicator and the previous day's close, from the entity's kept bars
     * when the node can give them; otherwise the hit's own values and no previous close.
     */
    private AlertText.Details details(Hit hit, List<Map<String, Object>> bars) {
        Map<String, Double> values = new HashMap<>(hit.values());
        if (bars.isEmpty()) {
            return new AlertText.Details(values, null);
        }
        long day = localDay(hit.barStart(), hit);
        Double previousClose = null;
        for (Map<String, Object> bar : bars) {
            long start;
            try {
                start = OffsetDateTime.parse(String.valueOf(bar.get("start"))).toInstant().toEpochMilli();
            } catch (RuntimeException e) {
                continue;
            }
            if (start == hit.barStart()) {
                bar.forEach((k, v) -> {
                    if (v instanceof Number n && !k.equals("start")) {
                        values.putIfAbsent(k.toUpperCase(java.util.Locale.ROOT), n.doubleValue());
                    }
                });
            } else if (localDay(start, hit) < day && bar.get("close") instanceof Number n) {
                previousClose = n.doubleValue(); // bars are oldest first: the last such is the day's close
            }
        }
        return new AlertText.Details(values, previousClose);
    }

    private static long localDay(long epochMillis, Hit hit) {
        return Math.floorDiv(epochMillis + hit.market().offsetMillis(), 86_400_000L);
    }

    /** The subscribers, in order of joining. */
    public List<Subscriber> subscribers() {
        return store.subscribers();
    }

    /** Removes a subscriber (and its queued alerts); false when there was none. */
    public boolean removeSubscriber(long chat) {
        return store.remove(chat);
    }

    /** The sink's health on this node (queued is the whole outbox, shared by the cluster). */
    public BotHealth.View health() {
        return health.view(store.queued());
    }

    /** {@code GET /api/sinks} shows the bot's message-level figures beside the ledger's hit counts. */
    @Override
    public Object details() {
        return health();
    }

    TelegramSettings settings() {
        return settings;
    }

    private void stopLocalBot() {
        TelegramBot b = localBot.getAndSet(null);
        if (b != null) {
            b.close();
        }
    }

    @Override
    public void close() {
        stopLocalBot();
    }
}
