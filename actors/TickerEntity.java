package actors;

import conditions.Condition;
import conditions.ConditionException;
import conditions.ConditionParser;
import conditions.Bar;
import conditions.ConditionSet;
import conditions.DailyContext;
import conditions.Hit;
import conditions.Market;
import conditions.ModelListener;
import conditions.SymbolState;
import conditions.Tick;
import conditions.TickOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.SnapshotFailed;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import persistence.BarJson;
import persistence.CborSerializable;
import persistence.JournalPurge;
import persistence.StoredHit;
import persistence.StoredTick;
import persistence.TickerEvent;
import persistence.TickerEvent.BarClosedByClock;
import persistence.TickerEvent.HitDelivered;
import persistence.TickerEvent.HitRecorded;
import persistence.TickerEvent.TicksApplied;
import persistence.TickerSnapshot;

/**
 * One symbol, event sourced and sharded by symbol: builds its bars from the ticks it accepts, finds
 * hits, and hands each hit to the {@link HitRouter} until it is confirmed.
 *
 * <h2>Why replay rebuilds the same bars</h2>
 * The command handler never touches the state: it runs a command's ticks on a copy of the symbol
 * (snapshot and restore, a few microseconds; see {@link TickerState#workCopy}) with the node's current
 * conditions, to learn which ticks are accepted and which hits they make. It then persists, in one
 * write, one {@link TicksApplied} holding the accepted ticks and the reject counts plus one
 * {@link HitRecorded} per hit, and replies after the write. The event handler offers the accepted
 * ticks to the real state with no conditions at all; hits only ever come from {@code HitRecorded}
 * (which also closes the condition's gate). So replay gives the same bars whatever the conditions
 * are now, and a hit is found once.
 *
 * <h2>Clock close</h2>
 * A bar closes when a later tick arrives, or when the {@link FeedClock} passes its end plus the
 * grace: then {@link BarClosedByClock} is persisted with the hits the close makes.
 *
 * <h2>Hits</h2>
 * Persisted before they are routed; pending in the {@link TickerState} (and its snapshot) until the
 * router confirms every sink has them, then {@link HitDelivered}. The {@link HitOutbox} sends them,
 * again when not confirmed in time and after recovery.
 *
 * <p>Reading order: commands and replies, wiring, the command handlers, the event handler, signals.
 */
public final class TickerEntity
        extends EventSourcedBehaviorWithEnforcedReplies<TickerEntity.Command, TickerEvent, TickerState> {

    public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "Ticker");

    // ---- commands ----

    public sealed interface Command extends CborSerializable {
    }

    /**
     * Offer ticks (in order, all of this entity's symbol); the reply comes once they are stored.
     *
     * @param batch  the client's id for these ticks (see {@link RecentBatches}), or 0 for none: a
     *               batch whose id the entity has applied recently is answered as already stored
     * @param market the market the ticker was added with, or {@code null}: until the ticker has
     *               accepted a tick it wins over the ticks' own (see {@link TickerState#marketFor})
     * @param source the configured name of the source the ticks came through, under which the
     *               accepted ones are recorded ({@link AcceptedTicks}); {@code null} means
     *               {@value #API_SOURCE} (the API's)
     * @param positions  each tick's sequence number at its source (Binance's aggregate id, rising), or
     *                   {@code null} when the source numbers none: a tick at or below the highest one
     *                   stored is a duplicate (one another node stored before the symbol moved here)
     */
    public record Ingest(List<Tick> ticks, long batch, Market market, String source, long[] positions,
                         ActorRef<IngestResult> replyTo) implements Command {
        /** The source name of ticks that name none: those posted to the API. */
        public static final String API_SOURCE = "push";

        public Ingest {
            if (positions != null && positions.length != ticks.size()) {
                throw new IllegalArgumentException(positions.length + " positions for " + ticks.size() + " ticks");
            }
        }

        public Ingest(List<Tick> ticks, long batch, Market market, String source, ActorRef<IngestResult> replyTo) {
            this(ticks, batch, market, source, null, replyTo);
        }

        public Ingest(List<Tick> ticks, long batch, Market market, ActorRef<IngestResult> replyTo) {
            this(ticks, batch, market, null, replyTo);
        }

        public Ingest(List<Tick> ticks, long batch, ActorRef<IngestResult> replyTo) {
            this(ticks, batch, null, null, replyTo);
        }

        String sourceName() {
            return source == null ? API_SOURCE : source;
        }
    }

    public record GetStatus(ActorRef<TickerStatus> replyTo) implements Command {
    }

    /**
     * The highest source sequence number stored ({@link Position}): a source that starts feeding the
     * symbol on this node (it moved here) goes on after it, fetching what it missed meanwhile.
     */
    public record GetPosition(ActorRef<Position> replyTo) implements Command {
    }

    /**
     * @param position     the highest source sequence number stored; 0 when none
     * @param lastTickTime the latest stored tick's time, epoch millis; 0 when none (a crawler that
     *                     starts feeding the symbol reads its day on from there, not from the open)
     */
    public record Position(long position, long lastTickTime) implements CborSerializable {
    }

    /** The last {@code limit} closed bars (all that are kept when {@code limit <= 0}), oldest first. */
    public record GetBars(int limit, ActorRef<Bars> replyTo) implements Command {
    }

    /** Starts the entity (recovery re-sends its pending hits); nothing else. */
    public enum Wake implements Command {
        INSTANCE
    }

    /** Stops the entity (sharding's stop message, on hand-off or when the node leaves). */
    public enum Stop implements Command {
        INSTANCE
    }

    /** The ticker was removed: the entity asks its shard to passivate it (its journal stays). */
    public enum Passivate implements Command {
        INSTANCE
    }

    /**
     * The ticker was removed with {@code purge}: delete every stored event and snapshot, answer,
     * and stop, so the next incarnation starts from nothing. Commands that arrive meanwhile are
     * dropped (their asks time out and are sent again to that next incarnation).
     */
    public record Purge(ActorRef<Purged> replyTo) implements Command {
    }

    // The entity's own messages (timers and the router's answers; see FeedClock and HitOutbox).

    /** The feed clock may have passed the forming bar's end plus the grace. */
    enum ClockTick implements Command {
        INSTANCE
    }

    /**
     * The entity received nothing for {@code tickwatch.passivate-after} (its receive timeout, which
     * fires again after each further idle period).
     */
    enum Idle implements Command {
        INSTANCE
    }

    /** Every sink the hit names has handled it. */
    record HitAcked(String hitId) implements Command {
    }

    /** The router did not confirm the hit in time. */
    record HitNotAcked(String hitId) implements Command {
    }

    /** Time to send a hit again that was not confirmed. */
    record RetryHit(String hitId) implements Command {
    }

    /** Time to store the confirmations that no tick write has carried yet. */
    /** The live stream's throttle timer: publish the forming bar ({@link LivePublisher}). */
    enum LiveFlush implements Command {
        INSTANCE
    }

    /**
     * What a condition would have hit over the kept bars ({@code POST /api/conditions/preview}): the
     * condition as JSON (either form), parsed here by the model's parser.
     */
    public record Preview(String name, String condition, ActorRef<Previewed> replyTo) implements Command {
    }

    /** The hits a preview found, oldest first, over {@code bars} kept bars; or the parser's problems. */
    public record Previewed(List<StoredHit> hits, long bars, List<String> problems) implements CborSerializable {
    }

    enum FlushConfirmed implements Command {
        INSTANCE
    }

    /** The daily context of {@code day} was computed ({@code context} null: none), or failed ({@code error}). */
    private record DailyReady(LocalDate day, DailyContext context, String error) implements Command {
    }

    /** The purge's delete finished: {@code rows} deleted, or {@code error}. */
    private record PurgeDone(long rows, String error, ActorRef<Purged> replyTo) implements Command {
    }

    // ---- replies ----

    /**
     * What became of a batch of ticks.
     *
     * @param accepted ticks folded into bars
     * @param rejected by reason: {@code outside_session}, {@code duplicate}, {@code late},
     *                 {@code future}, {@code malformed} (every key present, in that order)
     * @param alreadyStored ticks of a batch the entity had applied before (same batch id): neither
     *                      accepted nor rejected again
     */
    public record IngestResult(long accepted, Map<String, Long> rejected, long alreadyStored)
            implements CborSerializable {
        public static final String MALFORMED = "malformed";
        /** The reasons a tick that reached its entity is rejected for, in the order answers list them. */
        static final List<TickOutcome> REASONS = List.of(TickOutcome.OUTSIDE_SESSION, TickOutcome.DUPLICATE,
                TickOutcome.LATE, TickOutcome.FUTURE);
        public static final IngestResult NONE = of(0, 0, 0, 0, 0);

        public static IngestResult of(long accepted, long outsideSession, long duplicate, long late, long malformed) {
            return of(accepted, outsideSession, duplicate, late, malformed, 0);
        }

        public static IngestResult of(long accepted, long outsideSession, long duplicate, long late, long malformed,
                                      long alreadyStored) {
            long[] byOutcome = new long[TickOutcome.values().length];
            byOutcome[TickOutcome.OUTSIDE_SESSION.ordinal()] = outsideSession;
            byOutcome[TickOutcome.DUPLICATE.ordinal()] = duplicate;
            byOutcome[TickOutcome.LATE.ordinal()] = late;
            return of(accepted, byOutcome, malformed, alreadyStored);
        }

        /** @param rejected counts by {@link TickOutcome#ordinal()} */
        static IngestResult of(long accepted, long[] rejected, long malformed, long alreadyStored) {
            Map<String, Long> m = new LinkedHashMap<>();
            for (TickOutcome o : REASONS) {
                m.put(o.key(), rejected[o.ordinal()]);
            }
            m.put(MALFORMED, malformed);
            return new IngestResult(accepted, m, alreadyStored);
        }

        /** The answer to a batch sent again. */
        public static IngestResult alreadyStored(long ticks) {
            return of(0, 0, 0, 0, 0, ticks);
        }

        public long rejected(String reason) {
            return rejected.getOrDefault(reason, 0L);
        }

        public long rejectedTotal() {
            return rejected.values().stream().mapToLong(Long::longValue).sum();
        }

        public IngestResult plus(IngestResult o) {
            Map<String, Long> m = new LinkedHashMap<>(rejected);
            o.rejected.forEach((reason, n) -> m.merge(reason, n, Long::sum));
            return new IngestResult(accepted + o.accepted, m, alreadyStored + o.alreadyStored);
        }
    }

    /** The answer to {@link Purge}: how many rows (events and snapshots) were deleted, or why not. */
    public record Purged(long rows, String error) implements CborSerializable {
    }

    /**
     * A symbol's state for the API.
     *
     * @param market       {@code KRX} or {@code CRYPTO}; {@code null} before the first tick (before the
     *                     first accepted tick it may still change: see {@link TickerState#marketFor})
     * @param accepted     ticks accepted so far
     * @param rejected     ticks rejected so far by reason ({@code outside_session}, {@code duplicate}, {@code late},
     *                     {@code future})
     * @param lastTickTime latest accepted tick time, ISO-8601 in the market's offset, or {@code null}
     * @param forming      the forming bar ({@code start}, {@code open}, {@code high}, {@code low},
     *                     {@code close}, {@code volume}) or {@code null}
     * @param lastBar      the last closed bar in the {@link BarJson} shape (ready indicators only) or {@code null}
     * @param barsClosed   bars closed since the first tick
     * @param pendingHits  hits not yet confirmed by every sink, oldest first
     * @param daily        the daily context keys the entity holds ({@code day} and every computed key),
     *                     or {@code null} when it holds none
     */
    public record TickerStatus(String symbol, String market, long accepted, Map<String, Long> rejected,
                               String lastTickTime, Map<String, Object> forming, Map<String, Object> lastBar,
                               long barsClosed, List<StoredHit> pendingHits, Map<String, Object> daily)
            implements CborSerializable {
        public TickerStatus(String symbol, String market, long accepted, Map<String, Long> rejected,
                            String lastTickTime, Map<String, Object> forming, Map<String, Object> lastBar,
                            long barsClosed, List<StoredHit> pendingHits) {
            this(symbol, market, accepted, rejected, lastTickTime, forming, lastBar, barsClosed, pendingHits, null);
        }

        TickerStatus withDaily(DailyContext c) {
            if (c == null) {
                return this;
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("day", c.day().toString());
            d.putAll(c.present());
            return new TickerStatus(symbol, market, accepted, rejected, lastTickTime, forming, lastBar, barsClosed,
                    pendingHits, d);
        }
    }

    /** Closed bars, oldest first, each in the {@link BarJson} shape. */
    public record Bars(List<Map<String, Object>> bars) implements CborSerializable {
    }

    /**
     * What every entity on a node shares.
     *
     * @param wallClock the node's wall clock, which {@code future} ticks are judged by (a fixed one in tests)
     * @param recorder  gets every batch of accepted ticks after it is stored (the node's tick recorder)
     * @param archive   gets the bars each write closed, after it is stored (the node's bar archive)
     * @param daily     computes the daily context of a trading day (daily table and bar archive)
     */
    public record Deps(ConditionRegistry conditions, ActorRef<HitRouter.Command> router, TickerSettings settings,
                       Clock wallClock, AcceptedTicks recorder, ClosedBars archive, DailyContexts daily) {
        public Deps(ConditionRegistry conditions, ActorRef<HitRouter.Command> router, TickerSettings settings,
                    Clock wallClock, AcceptedTicks recorder) {
            this(conditions, router, settings, wallClock, recorder, ClosedBars.NONE, DailyContexts.NONE);
        }

        public Deps(ConditionRegistry conditions, ActorRef<HitRouter.Command> router, TickerSettings settings,
                    Clock wallClock) {
            this(conditions, router, settings, wallClock, AcceptedTicks.NONE);
        }

        public Deps(ConditionRegistry conditions, ActorRef<HitRouter.Command> router, TickerSettings settings) {
            this(conditions, router, settings, Clock.systemUTC());
        }
    }

    // ---- wiring ----

    /** Registers the entity type with sharding on this node. */
    public static void init(ClusterSharding sharding, Deps deps) {
        sharding.init(Entity.of(KEY, ctx -> create(ctx.getEntityId(),
                        PersistenceId.of(ctx.getEntityTypeKey().name(), ctx.getEntityId()), deps, ctx.getShard()))
                .withStopMessage(Stop.INSTANCE));
    }

    /** The entity's behavior, unsharded (tests). */
    public static Behavior<Command> create(String symbol, PersistenceId id, Deps deps) {
        return create(symbol, id, deps, null);
    }

    /** The entity's behavior; {@code shard} is the shard it runs in, or null when it is not sharded. */
    public static Behavior<Command> create(String symbol, PersistenceId id, Deps deps,
                                           ActorRef<ClusterSharding.ShardCommand> shard) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new TickerEntity(symbol, id, deps, ctx, timers, shard)));
    }

    private final String symbol;
    private final Deps deps;
    private final TickerSettings settings;
    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final FeedClock clock;
    private final HitOutbox outbox;
    private final LivePublisher live;
    private final NodeMetrics metrics;
    /** Whether this incarnation is counted in the node's live entities (once, whatever recoveries it goes through). */
    private boolean counted;
    /** Where a {@link Purge} is; from DELETING on, every command but Stop is dropped until the entity stops. */
    private enum Purging { NO, DELETING, DELETED }

    private Purging purging = Purging.NO;
    /**
     * The daily context keys of the current trading day: not part of the stored state (it is derived
     * from the daily table and the archive, and recomputed after a restart), given to every work
     * copy that evaluates conditions.
     */
    private DailyContext daily;
    /** The day whose context was asked for last, and when that may be asked again after a failure. */
    private LocalDate dailyAsked;
    private long dailyRetryAt;
    /** The shard asked this entity to stop while its purge was deleting. */
    private boolean stopAfterPurge;

    private TickerEntity(String symbol, PersistenceId id, Deps deps, ActorContext<Command> ctx,
                         TimerScheduler<Command> timers, ActorRef<ClusterSharding.ShardCommand> shard) {
        super(id, SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
        this.symbol = symbol;
        this.deps = deps;
        this.settings = deps.settings();
        this.ctx = ctx;
        this.timers = timers;
        this.shard = shard;
        this.clock = new FeedClock(timers, settings.clockGrace(), System::nanoTime);
        this.outbox = new HitOutbox(ctx, timers, deps.router(), settings);
        this.live = new LivePublisher(ctx.getSystem(), timers);
        this.metrics = NodeMetrics.get(ctx.getSystem());
    }

    @Override
    public TickerState emptyState() {
        return new TickerState(symbol, settings);
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2).withDeleteEventsOnSnapshot();
    }

    @Override
    public SnapshotAdapter<TickerState> snapshotAdapter() {
        return new SnapshotAdapter<>() {
            @Override
            public Object toJournal(TickerState s) {
                return s.toSnapshot();
            }

            @Override
            public TickerState fromJournal(Object from) {
                return TickerState.fromSnapshot(symbol, settings, (TickerSnapshot) from);
            }
        };
    }

    // ---- command handlers ----

    @Override
    public CommandHandlerWithReply<Command, TickerEvent, TickerState> commandHandler() {
        return newCommandHandlerWithReplyBuilder().forAnyState()
                .onCommand(PurgeDone.class, this::onPurgeDone)
                .onCommand(Stop.class, (s, c) -> {
                    if (purging == Purging.DELETING) { // the shard passivates us (the ticker was removed): purge first
                        stopAfterPurge = true;
                        return Effect().noReply();
                    }
                    return Effect().stop().thenNoReply();
                })
                .onCommand(c -> purging != Purging.NO, (s, c) -> Effect().unhandled().thenNoReply())
                .onCommand(Idle.class, (s, c) -> onIdle(s))
                .onCommand(Purge.class, (s, c) -> onPurge(c))
                .onCommand(Ingest.class, this::onIngest)
                .onCommand(GetStatus.class, (s, c) -> Effect().reply(c.replyTo(), s.status().withDaily(daily)))
                .onCommand(GetPosition.class, (s, c) -> Effect().reply(c.replyTo(),
                        new Position(s.position(), Math.max(0, s.lastTickTime()))))
                .onCommand(GetBars.class, (s, c) -> Effect().reply(c.replyTo(), s.bars(c.limit())))
                .onCommand(Wake.class, (s, c) -> Effect().noReply())
                .onCommand(Passivate.class, (s, c) -> {
                    if (shard == null) {
                        return Effect().stop().thenNoReply();
                    }
                    shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
                    return Effect().noReply();
                })
                .onCommand(ClockTick.class, (s, c) -> onClock(s))
                .onCommand(HitAcked.class, (s, c) -> {
                    outbox.acked(s, c.hitId());
                    return Effect().noReply();
                })
                .onCommand(HitNotAcked.class, (s, c) -> {
                    outbox.notAcked(s, c.hitId());
                    return Effect().noReply();
                })
                .onCommand(RetryHit.class, (s, c) -> {
                    outbox.retry(s, c.hitId());
                    return Effect().noReply();
                })
                .onCommand(FlushConfirmed.class, (s, c) -> onFlushConfirmed(s))
                .onCommand(LiveFlush.class, (s, c) -> {
                    live.forming(s);
                    return Effect().noReply();
                })
                .onCommand(Preview.class, (s, c) -> Effect().reply(c.replyTo(), preview(s, c)))
                .onCommand(DailyReady.class, (s, c) -> onDailyReady(c))
                .build();
    }

    /** Collects the hits a work copy finds and the bars it closes. */
    private static final class HitCollector implements ModelListener {
        final List<Hit> hits = new ArrayList<>();
        final List<Bar> closed = new ArrayList<>(2);

        @Override
        public void onBarClosed(SymbolState symbol, long barStart, double[] values) {
            closed.add(symbol.history().bar(symbol.history().count() - 1));
        }

        @Override
        public void onHit(Hit hit) {
            hits.add(hit);
        }
    }

    /**
     * A work copy with the day's daily context; asks for the context of the batch's trading day
     * when a condition reads daily keys and it is not there yet (once a day; again 30 s after a failure).
     */
    private SymbolState workCopy(TickerState s, Market market, ConditionSet conditions, long time) {
        SymbolState work = s.workCopy(market);
        if (conditions.readsDailyKeys() && time != Long.MIN_VALUE) {
            LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(time + market.offsetMillis(), 86_400_000L));
            boolean have = daily != null && daily.day().equals(day);
            long now = System.nanoTime();
            if (!have && (!day.equals(dailyAsked) || dailyRetryAt != 0 && now - dailyRetryAt >= 0)) {
                dailyAsked = day;
                dailyRetryAt = 0;
                ctx.pipeToSelf(deps.daily().forDay(symbol, market, day), (c, failure) ->
                        new DailyReady(day, c, failure == null ? null : failure.toString()));
            }
        }
        work.daily(daily);
        return work;
    }

    private ReplyEffect<TickerEvent, TickerState> onDailyReady(DailyReady r) {
        if (r.error() != null) {
            ctx.getLog().warn("{}: daily context of {} failed, trying again in 30 s: {}", symbol, r.day(), r.error());
            dailyRetryAt = System.nanoTime() + 30_000_000_000L;
        } else if (r.context() != null && (daily == null || !r.day().isBefore(daily.day()))) {
            daily = r.context();
        }
        return Effect().noReply();
    }

    private ReplyEffect<TickerEvent, TickerState> onIngest(TickerState s, Ingest cmd) {
        List<Tick> ticks = cmd.ticks();
        if (s.applied(cmd.batch())) {
            return Effect().reply(cmd.replyTo(), IngestResult.alreadyStored(ticks.size()));
        }
        long malformed = 0;
        Market market = s.marketFor(cmd.market(), ticks);
        if (market == null) { // nothing usable and no state yet
            return Effect().reply(cmd.replyTo(), IngestResult.of(0, 0, 0, 0, ticks.size()));
        }
        ConditionSet conditions = deps.conditions().current();
        SymbolState work = workCopy(s, market, conditions, ticks.isEmpty() ? Long.MIN_VALUE : ticks.get(ticks.size() - 1).time());
        HitCollector found = new HitCollector();
        List<StoredTick> accepted = new ArrayList<>(ticks.size());
        List<Tick> toRecord = new ArrayList<>(ticks.size());
        long[] rejected = new long[TickOutcome.values().length];
        long latest = latestAllowed();
        long[] positions = cmd.positions();
        long position = s.position();
        for (int i = 0; i < ticks.size(); i++) {
            Tick t = ticks.get(i);
            if (!symbol.equals(t.symbol()) || t.problem() != null) {
                malformed++;
                continue;
            }
            if (positions != null) {
                if (positions[i] <= position) { // stored already (from another node, before the symbol moved)
                    rejected[TickOutcome.DUPLICATE.ordinal()]++;
                    continue;
                }
                position = positions[i];
            }
            if (t.time() > latest) { // must not reach the model: it would make every later tick late
                rejected[TickOutcome.FUTURE.ordinal()]++;
                continue;
            }
            TickOutcome o = work.offer(t, conditions, found);
            if (o == TickOutcome.ACCEPTED) {
                accepted.add(StoredTick.of(t));
                // recorded as the entity applied it: in the ticker's market, so a replay builds the same bars
                toRecord.add(t.market() == market ? t : new Tick(t.symbol(), t.time(), t.price(), t.volume(),
                        t.volumeFraction(), t.cumVolume(), t.cumVolumeFraction(), market));
            } else {
                rejected[o.ordinal()]++;
            }
        }
        // The model refuses a tick as malformed only when it would overflow its bar's volume.
        malformed += rejected[TickOutcome.MALFORMED.ordinal()];
        IngestResult result = IngestResult.of(accepted.size(), rejected, malformed, 0);
        if (accepted.isEmpty() && result.rejectedTotal() == malformed) {
            return Effect().reply(cmd.replyTo(), result);
        }
        List<TickerEvent> events = new ArrayList<>(1 + found.hits.size());
        events.add(new TicksApplied(market.name(), accepted, rejected[TickOutcome.OUTSIDE_SESSION.ordinal()],
                rejected[TickOutcome.DUPLICATE.ordinal()], rejected[TickOutcome.LATE.ordinal()], cmd.batch(),
                rejected[TickOutcome.FUTURE.ordinal()], position == s.position() ? 0 : position));
        List<StoredHit> hits = recorded(found, events);
        outbox.carryConfirmed(s, events);
        String source = cmd.sourceName();
        long asked = System.nanoTime();
        long barsBefore = s.barsClosed();
        return Effect().persist(events)
                .thenRun(after -> {
                    // only after the write: a tick the journal refused is not accepted, so not recorded
                    if (!toRecord.isEmpty()) {
                        deps.recorder().accepted(source, toRecord);
                    }
                    written(asked, after.barsClosed() - barsBefore, hits);
                    if (!found.closed.isEmpty()) {
                        deps.archive().closed(symbol, found.closed);
                    }
                    afterWrite(after, hits);
                })
                .thenReply(cmd.replyTo(), after -> result);
    }

    /** The latest tick time live ingest accepts: the wall clock plus {@code tickwatch.ingest.max-future}. */
    private long latestAllowed() {
        long now = deps.wallClock().millis();
        return now + Math.min(settings.maxFuture().toMillis(), Long.MAX_VALUE - now);
    }

    /**
     * Idle: stop until the next message (sharding starts the entity again then, and it recovers its
     * state from its snapshot and events), unless a forming bar still has to close by the clock or
     * a hit still waits for its sinks: those need this incarnation's timers. Once the bar has
     * closed and the hits are confirmed, the next idle period passivates it.
     */
    private ReplyEffect<TickerEvent, TickerState> onIdle(TickerState s) {
        if (shard != null && s.formingEnd() == TickerState.NONE && s.pending().isEmpty()) {
            ctx.getLog().debug("{}: idle for {}; passivating", symbol, settings.passivateAfter());
            shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
        }
        return Effect().noReply();
    }

    /** The feed clock passed the forming bar's end plus the grace (or the timer fired early). */
    private ReplyEffect<TickerEvent, TickerState> onClock(TickerState s) {
        if (!clock.due(s)) {
            clock.schedule(s);
            return Effect().noReply();
        }
        long barStart = s.formingStart();
        ConditionSet conditions = deps.conditions().current();
        SymbolState work = workCopy(s, s.market(), conditions, barStart);
        HitCollector found = new HitCollector();
        work.closeForming(conditions, found);
        List<TickerEvent> events = new ArrayList<>(1 + found.hits.size());
        events.add(new BarClosedByClock(barStart));
        List<StoredHit> hits = recorded(found, events);
        outbox.carryConfirmed(s, events);
        long asked = System.nanoTime();
        return Effect().persist(events).thenRun(after -> {
            written(asked, 1, hits);
            deps.archive().closed(symbol, found.closed);
            afterWrite(after, hits);
        }).thenNoReply();
    }

    private ReplyEffect<TickerEvent, TickerState> onFlushConfirmed(TickerState s) {
        List<TickerEvent> events = new ArrayList<>();
        outbox.carryConfirmed(s, events);
        return events.isEmpty() ? Effect().noReply() : Effect().persist(events).thenNoReply();
    }

    private ReplyEffect<TickerEvent, TickerState> onPurge(Purge cmd) {
        purging = Purging.DELETING;
        timers.cancelAll();
        ctx.getLog().info("{}: purging its stored events and snapshots", symbol);
        ctx.pipeToSelf(JournalPurge.purge(ctx.getSystem(), persistenceId().id()), (rows, failure) ->
                new PurgeDone(rows == null ? 0 : rows, failure == null ? null : failure.toString(), cmd.replyTo()));
        return Effect().noReply();
    }

    private ReplyEffect<TickerEvent, TickerState> onPurgeDone(TickerState s, PurgeDone done) {
        if (done.error() != null) {
            ctx.getLog().error("{}: purge failed: {}", symbol, done.error());
        } else {
            ctx.getLog().info("{}: purged ({} rows)", symbol, done.rows());
        }
        // Stop either way: after a failed purge the next incarnation recovers whatever is left.
        Purged answer = new Purged(done.rows(), done.error());
        purging = Purging.DELETED;
        if (shard == null || stopAfterPurge) {
            return Effect().stop().thenReply(done.replyTo(), after -> answer);
        }
        // Through the shard, which holds messages that arrive meanwhile for the next incarnation
        // (an entity that stops by itself can lose them); commands already queued here are dropped.
        shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
        return Effect().reply(done.replyTo(), answer);
    }

    /** One HitRecorded per hit found, added to {@code events}; the hits as stored. */
    private static List<StoredHit> recorded(HitCollector found, List<TickerEvent> events) {
        List<StoredHit> hits = new ArrayList<>(found.hits.size());
        for (Hit h : found.hits) {
            StoredHit sh = StoredHit.of(h);
            hits.add(sh);
            events.add(new HitRecorded(sh));
        }
        return hits;
    }

    private Previewed preview(TickerState s, Preview p) {
        try {
            Condition c = ConditionParser.parseOne(p.name(), ConditionParser.readJson(p.condition()));
            return new Previewed(s.preview(c), s.barsClosed(), List.of());
        } catch (ConditionException e) {
            return new Previewed(List.of(), s.barsClosed(), e.problems());
        }
    }

    /**
     * Counts a write in the node's metrics: its round trip, the bars it closed, its hits. In the
     * command's {@code thenRun}, never in the event handler, so a recovery counts nothing again.
     */
    private void written(long askedNanos, long barsClosed, List<StoredHit> hits) {
        metrics.journalWrite(System.nanoTime() - askedNanos);
        metrics.barsClosed(barsClosed);
        for (StoredHit h : hits) {
            metrics.hit(h.condition());
        }
    }

    /** After a write: route its hits, show it live, move the feed clock, set the close timer. */
    private void afterWrite(TickerState after, List<StoredHit> hits) {
        outbox.send(hits);
        live.written(after, hits);
        clock.observe(after);
        clock.schedule(after);
    }

    // ---- event handler ----

    @Override
    public EventHandler<TickerState, TickerEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(TicksApplied.class, (s, e) -> {
                    s.applyTicks(e, ctx.getLog());
                    return s;
                })
                .onEvent(BarClosedByClock.class, (s, e) -> {
                    s.closeByClock(e.barStart());
                    return s;
                })
                .onEvent(HitRecorded.class, (s, e) -> {
                    s.recordHit(e.hit());
                    return s;
                })
                .onEvent(HitDelivered.class, (s, e) -> {
                    s.delivered(e.hitId());
                    return s;
                })
                .build();
    }

    // ---- signals ----

    @Override
    public SignalHandler<TickerState> signalHandler() {
        return newSignalHandlerBuilder()
                // a failed write restarts the entity: its next recovery must start from nothing
                .onSignal(org.apache.pekko.actor.typed.PreRestart.class, (s, signal) -> s.reset())
                .onSignal(RecoveryCompleted.class, (s, signal) -> {
                    live.recovered(s);
                    if (!settings.passivateAfter().isZero()) { // never negative (TickerSettings)
                        ctx.setReceiveTimeout(settings.passivateAfter(), Idle.INSTANCE);
                    }
                    if (!counted) {
                        counted = true;
                        metrics.entityStarted();
                    }
                    clock.observe(s);
                    clock.schedule(s);
                    List<StoredHit> pending = s.pending();
                    if (!pending.isEmpty()) {
                        ctx.getLog().info("{}: recovered with {} undelivered hit(s); sending them again", symbol,
                                pending.size());
                    }
                    outbox.send(pending);
                })
                .onSignal(PostStop.class, (s, signal) -> {
                    if (counted) {
                        counted = false;
                        metrics.entityStopped();
                    }
                })
                .onSignal(SnapshotFailed.class, (s, f) -> ctx.getLog().warn("{}: snapshot failed: {}", symbol,
                        f.getFailure().toString()))
                .build();
    }
}
