package actors;

import conditions.Bar;
import conditions.BarHistory;
import conditions.ConditionSet;
import conditions.Field;
import conditions.Hit;
import conditions.Market;
import conditions.ModelListener;
import conditions.SymbolState;
import conditions.Tick;
import conditions.TickOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
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
import persistence.Json;
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
 * (snapshot and restore, a few microseconds; see {@link #workCopy}) with the node's current
 * conditions, to learn which ticks are accepted and which hits they make. It then persists, in one
 * write, one {@link TicksApplied} holding the accepted ticks and the reject counts plus one
 * {@link HitRecorded} per hit, and replies after the write. The event handler offers the accepted
 * ticks to the real state with no conditions at all; hits only ever come from {@code HitRecorded}
 * (which also closes the condition's gate). So replay gives the same bars whatever the conditions
 * are now, and a hit is found once.
 *
 * <h2>Clock close</h2>
 * A bar closes when a later tick arrives, or when the feed clock passes its end plus the grace. The
 * feed clock is the latest accepted tick time plus the real time since that tick arrived (since
 * recovery, after a restart). A timer fires when that moment comes; then {@link BarClosedByClock}
 * is persisted with the hits the close makes. A past day pushed faster than real time keeps its
 * bars open until the next tick, exactly as {@code backtest} builds them.
 *
 * <h2>Hits</h2>
 * Persisted before they are routed; pending in the state (and its snapshot) until the router
 * confirms every sink has them, then {@link HitDelivered}. Not confirmed in time: sent again after
 * the retry interval. After recovery every pending hit is sent again (sinks drop ids they handled).
 */
public final class TickerEntity
        extends EventSourcedBehaviorWithEnforcedReplies<TickerEntity.Command, TickerEvent, TickerEntity.State> {

    public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "Ticker");

    // ---- commands ----

    public sealed interface Command extends CborSerializable {
    }

    /**
     * Offer ticks (in order, all of this entity's symbol); the reply comes once they are stored.
     *
     * @param batch the client's id for these ticks (see {@link RecentBatches}), or 0 for none: a
     *              batch whose id the entity has applied recently is answered as already stored
     */
    public record Ingest(List<Tick> ticks, long batch, ActorRef<IngestResult> replyTo) implements Command {
    }

    public record GetStatus(ActorRef<TickerStatus> replyTo) implements Command {
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

    private enum ClockTick implements Command {
        INSTANCE
    }

    private record HitAcked(String hitId) implements Command {
    }

    private record HitNotAcked(String hitId) implements Command {
    }

    private record RetryHit(String hitId) implements Command {
    }

    /** Time to store the confirmations that no tick write has carried yet. */
    private enum FlushConfirmed implements Command {
        INSTANCE
    }

    // ---- replies ----

    /**
     * What became of a batch of ticks.
     *
     * @param accepted ticks folded into bars
     * @param rejected by reason: {@code outside_session}, {@code duplicate}, {@code late},
     *                 {@code malformed} (every key present, in that order)
     * @param alreadyStored ticks of a batch the entity had applied before (same batch id): neither
     *                      accepted nor rejected again
     */
    public record IngestResult(long accepted, Map<String, Long> rejected, long alreadyStored)
            implements CborSerializable {
        public static final String MALFORMED = "malformed";
        public static final IngestResult NONE = of(0, 0, 0, 0, 0);

        public static IngestResult of(long accepted, long outsideSession, long duplicate, long late, long malformed) {
            return of(accepted, outsideSession, duplicate, late, malformed, 0);
        }

        public static IngestResult of(long accepted, long outsideSession, long duplicate, long late, long malformed,
                                      long alreadyStored) {
            Map<String, Long> m = new LinkedHashMap<>();
            m.put(TickOutcome.OUTSIDE_SESSION.key(), outsideSession);
            m.put(TickOutcome.DUPLICATE.key(), duplicate);
            m.put(TickOutcome.LATE.key(), late);
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
            return of(accepted + o.accepted,
                    rejected(TickOutcome.OUTSIDE_SESSION.key()) + o.rejected(TickOutcome.OUTSIDE_SESSION.key()),
                    rejected(TickOutcome.DUPLICATE.key()) + o.rejected(TickOutcome.DUPLICATE.key()),
                    rejected(TickOutcome.LATE.key()) + o.rejected(TickOutcome.LATE.key()),
                    rejected(MALFORMED) + o.rejected(MALFORMED), alreadyStored + o.alreadyStored);
        }
    }

    /**
     * A symbol's state for the API.
     *
     * @param market       {@code KRX} or {@code CRYPTO}; {@code null} before the first tick
     * @param accepted     ticks accepted so far
     * @param rejected     ticks rejected so far by reason ({@code outside_session}, {@code duplicate}, {@code late})
     * @param lastTickTime latest accepted tick time, ISO-8601 in the market's offset, or {@code null}
     * @param forming      the forming bar ({@code start}, {@code open}, {@code high}, {@code low},
     *                     {@code close}, {@code volume}) or {@code null}
     * @param lastBar      the last closed bar in the {@link BarJson} shape (ready indicators only) or {@code null}
     * @param barsClosed   bars closed since the first tick
     * @param pendingHits  hits not yet confirmed by every sink, oldest first
     */
    public record TickerStatus(String symbol, String market, long accepted, Map<String, Long> rejected,
                               String lastTickTime, Map<String, Object> forming, Map<String, Object> lastBar,
                               long barsClosed, List<StoredHit> pendingHits) implements CborSerializable {
    }

    /** Closed bars, oldest first, each in the {@link BarJson} shape. */
    public record Bars(List<Map<String, Object>> bars) implements CborSerializable {
    }

    // ---- state ----

    /**
     * The symbol (mutable, changed only by the event handler) and its undelivered hits. Stored as a
     * {@link TickerSnapshot} through {@link #snapshotAdapter()}.
     */
    public static final class State {
        private SymbolState symbol;
        private final LinkedHashMap<String, StoredHit> pending = new LinkedHashMap<>();
        /** Made on the first batch with an id: tickers fed without ids never pay for it. */
        private RecentBatches batches;

        /** The symbol's model state, or {@code null} before its first tick. */
        public SymbolState symbol() {
            return symbol;
        }

        public List<StoredHit> pending() {
            return List.copyOf(pending.values());
        }
    }

    /** What every entity on a node shares. */
    public record Deps(ConditionRegistry conditions, ActorRef<HitRouter.Command> router, TickerSettings settings) {
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

    private static final String CLOCK = "clock";
    private static final String FLUSH = "flush-confirmed";
    /**
     * How long a confirmation may wait for the entity's next tick write to carry it. Storing each
     * one on its own doubled the journal writes of a busy symbol (a hit per bar is a write per bar).
     */
    static final Duration FLUSH_AFTER = Duration.ofMillis(500);
    private static final long NONE = Long.MIN_VALUE;

    private final String symbol;
    private final Deps deps;
    private final TickerSettings settings;
    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    /** Hits sent to the router and not yet answered (not state: an incarnation's bookkeeping). */
    private final Set<String> inFlight = new HashSet<>();
    /**
     * Hits every sink has confirmed, whose HitDelivered is not stored yet. Lost on a crash, which is
     * harmless: those hits are sent again and every sink drops ids it has handled.
     */
    private final Set<String> confirmed = new java.util.LinkedHashSet<>();
    // The feed clock: latest accepted tick time, and System.nanoTime() when it arrived.
    private long clockTickTime = NONE;
    private long clockArrivedNanos;

    private TickerEntity(String symbol, PersistenceId id, Deps deps, ActorContext<Command> ctx,
                         TimerScheduler<Command> timers, ActorRef<ClusterSharding.ShardCommand> shard) {
        super(id, SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
        this.symbol = symbol;
        this.deps = deps;
        this.settings = deps.settings();
        this.ctx = ctx;
        this.timers = timers;
        this.shard = shard;
    }

    @Override
    public State emptyState() {
        return new State();
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2).withDeleteEventsOnSnapshot();
    }

    @Override
    public SnapshotAdapter<State> snapshotAdapter() {
        return new SnapshotAdapter<>() {
            @Override
            public Object toJournal(State s) {
                return new TickerSnapshot(s.symbol == null ? null : s.symbol.snapshot(), List.copyOf(s.pending.values()),
                        s.batches == null ? List.of() : s.batches.oldestFirst());
            }

            @Override
            public State fromJournal(Object from) {
                TickerSnapshot snap = (TickerSnapshot) from;
                State s = new State();
                if (snap.symbol() != null) {
                    s.symbol = SymbolState.restore(snap.symbol(), settings.model());
                }
                for (StoredHit h : snap.pending()) {
                    s.pending.put(h.id(), h);
                }
                if (!snap.batches().isEmpty()) {
                    s.batches = RecentBatches.of(snap.batches(), settings.rememberedBatches());
                }
                return s;
            }
        };
    }

    // ---- commands ----

    @Override
    public CommandHandlerWithReply<Command, TickerEvent, State> commandHandler() {
        return newCommandHandlerWithReplyBuilder().forAnyState()
                .onCommand(Ingest.class, this::onIngest)
                .onCommand(GetStatus.class, (s, c) -> Effect().reply(c.replyTo(), status(s)))
                .onCommand(GetBars.class, (s, c) -> Effect().reply(c.replyTo(), bars(s, c.limit())))
                .onCommand(Wake.class, (s, c) -> Effect().noReply())
                .onCommand(Stop.class, (s, c) -> Effect().stop().thenNoReply())
                .onCommand(Passivate.class, (s, c) -> {
                    if (shard == null) {
                        return Effect().stop().thenNoReply();
                    }
                    shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
                    return Effect().noReply();
                })
                .onCommand(ClockTick.class, (s, c) -> onClock(s))
                .onCommand(HitAcked.class, this::onHitAcked)
                .onCommand(FlushConfirmed.class, (s, c) -> onFlushConfirmed(s))
                .onCommand(HitNotAcked.class, this::onHitNotAcked)
                .onCommand(RetryHit.class, this::onRetryHit)
                .build();
    }

    /** Collects the hits a work copy finds. */
    private static final class HitCollector implements ModelListener {
        final List<Hit> hits = new ArrayList<>();

        @Override
        public void onHit(Hit hit) {
            hits.add(hit);
        }
    }

    /**
     * A copy of the symbol to try a command on. Restoring from a snapshot is exact (that is its
     * contract); it costs one pass over the kept bars, a few microseconds for 120 bars, which is
     * small next to the journal write each command waits for.
     */
    private SymbolState workCopy(State s, Market market) {
        return s.symbol == null ? new SymbolState(symbol, market, settings.model())
                : SymbolState.restore(s.symbol.snapshot(), settings.model());
    }

    private ReplyEffect<TickerEvent, State> onIngest(State s, Ingest cmd) {
        List<Tick> ticks = cmd.ticks();
        if (cmd.batch() != 0 && s.batches != null && s.batches.contains(cmd.batch())) {
            return Effect().reply(cmd.replyTo(), IngestResult.alreadyStored(ticks.size()));
        }
        long malformed = 0;
        Market market = s.symbol != null ? s.symbol.market() : null;
        for (Tick t : ticks) {
            if (market == null && symbol.equals(t.symbol()) && t.problem() == null) {
                market = t.market();
            }
        }
        if (market == null) { // nothing usable and no state yet
            return Effect().reply(cmd.replyTo(), IngestResult.of(0, 0, 0, 0, ticks.size()));
        }
        ConditionSet conditions = deps.conditions().current();
        SymbolState work = workCopy(s, market);
        HitCollector found = new HitCollector();
        List<StoredTick> accepted = new ArrayList<>(ticks.size());
        long[] rejected = new long[TickOutcome.values().length];
        for (Tick t : ticks) {
            if (!symbol.equals(t.symbol()) || t.problem() != null) {
                malformed++;
                continue;
            }
            TickOutcome o = work.offer(t, conditions, found);
            if (o == TickOutcome.ACCEPTED) {
                accepted.add(StoredTick.of(t));
            } else {
                rejected[o.ordinal()]++;
            }
        }
        // The model refuses a tick as malformed only when it would overflow its bar's volume.
        malformed += rejected[TickOutcome.MALFORMED.ordinal()];
        IngestResult result = IngestResult.of(accepted.size(), rejected[TickOutcome.OUTSIDE_SESSION.ordinal()],
                rejected[TickOutcome.DUPLICATE.ordinal()], rejected[TickOutcome.LATE.ordinal()], malformed);
        if (accepted.isEmpty() && result.rejectedTotal() == malformed) {
            return Effect().reply(cmd.replyTo(), result);
        }
        List<TickerEvent> events = new ArrayList<>(1 + found.hits.size());
        events.add(new TicksApplied(market.name(), accepted, rejected[TickOutcome.OUTSIDE_SESSION.ordinal()],
                rejected[TickOutcome.DUPLICATE.ordinal()], rejected[TickOutcome.LATE.ordinal()], cmd.batch()));
        List<StoredHit> hits = recorded(found, events);
        carryConfirmed(s, events);
        return Effect().persist(events)
                .thenRun(after -> afterWrite(after, hits))
                .thenReply(cmd.replyTo(), after -> result);
    }

    private static List<StoredHit> recorded(HitCollector found, List<TickerEvent> events) {
        List<StoredHit> hits = new ArrayList<>(found.hits.size());
        for (Hit h : found.hits) {
            StoredHit sh = StoredHit.of(h);
            hits.add(sh);
            events.add(new HitRecorded(sh));
        }
        return hits;
    }

    private void afterWrite(State after, List<StoredHit> hits) {
        for (StoredHit h : hits) {
            send(h);
        }
        long last = after.symbol == null ? NONE : after.symbol.lastTickTime();
        if (last != NONE && last > clockTickTime) {
            clockTickTime = last;
            clockArrivedNanos = System.nanoTime();
        }
        scheduleClock(after);
    }

    // ---- the feed clock ----

    private long feedNow() {
        return clockTickTime + (System.nanoTime() - clockArrivedNanos) / 1_000_000L;
    }

    /** When the forming bar should close by the clock (epoch millis of feed time), or NONE. */
    private long closeDue(State s) {
        if (s.symbol == null || clockTickTime == NONE) {
            return NONE;
        }
        long end = s.symbol.formingEnd();
        return end == NONE ? NONE : end + settings.clockGrace().toMillis();
    }

    private void scheduleClock(State s) {
        long due = closeDue(s);
        if (due == NONE) {
            timers.cancel(CLOCK);
            return;
        }
        long delay = Math.max(0, due - feedNow()) + 1;
        timers.startSingleTimer(CLOCK, ClockTick.INSTANCE, Duration.ofMillis(delay));
    }

    private ReplyEffect<TickerEvent, State> onClock(State s) {
        long due = closeDue(s);
        if (due == NONE || feedNow() < due) {
            scheduleClock(s);
            return Effect().noReply();
        }
        long barStart = s.symbol.formingBar().start();
        SymbolState work = workCopy(s, s.symbol.market());
        HitCollector found = new HitCollector();
        work.closeForming(deps.conditions().current(), found);
        List<TickerEvent> events = new ArrayList<>(1 + found.hits.size());
        events.add(new BarClosedByClock(barStart));
        List<StoredHit> hits = recorded(found, events);
        carryConfirmed(s, events);
        return Effect().persist(events).thenRun(after -> afterWrite(after, hits)).thenNoReply();
    }

    // ---- hit delivery ----

    private void send(StoredHit hit) {
        if (!inFlight.add(hit.id())) {
            return;
        }
        String id = hit.id();
        ctx.ask(HitRouter.Ack.class, deps.router(), settings.ackTimeout(), replyTo -> new HitRouter.Route(hit, replyTo),
                (ack, failure) -> ack != null ? new HitAcked(id) : new HitNotAcked(id));
    }

    private ReplyEffect<TickerEvent, State> onHitAcked(State s, HitAcked a) {
        inFlight.remove(a.hitId());
        timers.cancel(retryKey(a.hitId()));
        if (s.pending.containsKey(a.hitId())) {
            confirmed.add(a.hitId());
            if (!timers.isTimerActive(FLUSH)) {
                timers.startSingleTimer(FLUSH, FlushConfirmed.INSTANCE, FLUSH_AFTER);
            }
        }
        return Effect().noReply();
    }

    /** Adds a HitDelivered for each confirmed hit to a write that is about to happen anyway. */
    private void carryConfirmed(State s, List<TickerEvent> events) {
        for (String id : confirmed) {
            if (s.pending.containsKey(id)) {
                events.add(new HitDelivered(id));
            }
        }
        confirmed.clear();
        timers.cancel(FLUSH);
    }

    private ReplyEffect<TickerEvent, State> onFlushConfirmed(State s) {
        List<TickerEvent> events = new ArrayList<>(confirmed.size());
        carryConfirmed(s, events);
        return events.isEmpty() ? Effect().noReply() : Effect().persist(events).thenNoReply();
    }

    private ReplyEffect<TickerEvent, State> onHitNotAcked(State s, HitNotAcked n) {
        inFlight.remove(n.hitId());
        if (s.pending.containsKey(n.hitId())) {
            ctx.getLog().debug("hit {} not confirmed within {}; retrying in {}", n.hitId(), settings.ackTimeout(),
                    settings.retryInterval());
            timers.startSingleTimer(retryKey(n.hitId()), new RetryHit(n.hitId()), settings.retryInterval());
        }
        return Effect().noReply();
    }

    private ReplyEffect<TickerEvent, State> onRetryHit(State s, RetryHit r) {
        StoredHit h = s.pending.get(r.hitId());
        if (h != null) {
            send(h);
        }
        return Effect().noReply();
    }

    private static String retryKey(String hitId) {
        return "retry:" + hitId;
    }

    // ---- events ----

    @Override
    public EventHandler<State, TickerEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(TicksApplied.class, this::applyTicks)
                .onEvent(BarClosedByClock.class, (s, e) -> {
                    Bar forming = s.symbol == null ? null : s.symbol.formingBar();
                    if (forming != null && forming.start() == e.barStart()) {
                        s.symbol.closeForming(ConditionSet.EMPTY, ModelListener.NONE);
                    }
                    return s;
                })
                .onEvent(HitRecorded.class, (s, e) -> {
                    if (s.symbol != null) {
                        s.symbol.recordHit(e.hit().condition(), e.hit().barStart());
                    }
                    s.pending.put(e.hit().id(), e.hit());
                    return s;
                })
                .onEvent(HitDelivered.class, (s, e) -> {
                    s.pending.remove(e.hitId());
                    return s;
                })
                .build();
    }

    private State applyTicks(State s, TicksApplied e) {
        if (s.symbol == null) {
            s.symbol = new SymbolState(symbol, Market.valueOf(e.market()), settings.model());
        }
        SymbolState st = s.symbol;
        Market m = st.market();
        for (StoredTick t : e.ticks()) {
            TickOutcome o = st.offer(t.toTick(symbol, m), ConditionSet.EMPTY, ModelListener.NONE);
            if (o != TickOutcome.ACCEPTED) {
                // Cannot happen: the same ticks were accepted on an exact copy of this state.
                ctx.getLog().error("{}: stored tick at {} replayed as {}; bars may differ from the original run",
                        symbol, t.time(), o);
            }
        }
        st.countRejected(TickOutcome.OUTSIDE_SESSION, e.outsideSession());
        st.countRejected(TickOutcome.DUPLICATE, e.duplicate());
        st.countRejected(TickOutcome.LATE, e.late());
        if (e.batch() != 0) {
            if (s.batches == null) {
                s.batches = new RecentBatches(settings.rememberedBatches());
            }
            s.batches.add(e.batch());
        }
        return s;
    }

    // ---- signals ----

    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.class, (s, signal) -> {
                    if (s.symbol != null && s.symbol.lastTickTime() != NONE) {
                        clockTickTime = s.symbol.lastTickTime();
                        clockArrivedNanos = System.nanoTime();
                    }
                    scheduleClock(s);
                    if (!s.pending.isEmpty()) {
                        ctx.getLog().info("{}: recovered with {} undelivered hit(s); sending them again", symbol,
                                s.pending.size());
                    }
                    for (StoredHit h : List.copyOf(s.pending.values())) {
                        send(h);
                    }
                })
                .onSignal(SnapshotFailed.class, (s, f) -> ctx.getLog().warn("{}: snapshot failed: {}", symbol,
                        f.getFailure().toString()))
                .build();
    }

    // ---- queries ----

    private TickerStatus status(State s) {
        SymbolState st = s.symbol;
        List<StoredHit> pending = s.pending();
        if (st == null) {
            return new TickerStatus(symbol, null, 0, rejectedMap(null), null, null, null, 0, pending);
        }
        Market m = st.market();
        Map<String, Object> forming = null;
        Bar f = st.formingBar();
        if (f != null) {
            forming = new LinkedHashMap<>();
            forming.put("start", BarJson.time(f.start(), m));
            forming.put("open", Json.numberValue(f.open()));
            forming.put("high", Json.numberValue(f.high()));
            forming.put("low", Json.numberValue(f.low()));
            forming.put("close", Json.numberValue(f.close()));
            forming.put("volume", Json.volumeValue(f.volume()));
        }
        BarHistory h = st.history();
        Map<String, Object> last = h.count() == 0 ? null : BarJson.map(symbol, m, st.lastClosedStart(), st.lastValues(),
                h.bar(h.count() - 1).volume());
        String lastTick = st.lastTickTime() == NONE ? null : BarJson.time(st.lastTickTime(), m);
        return new TickerStatus(symbol, m.name(), st.accepted(), rejectedMap(st), lastTick, forming, last, h.count(),
                pending);
    }

    private static Map<String, Long> rejectedMap(SymbolState st) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (TickOutcome o : TickOutcome.values()) {
            if (o != TickOutcome.ACCEPTED && o != TickOutcome.MALFORMED) {
                m.put(o.key(), st == null ? 0L : st.rejected(o));
            }
        }
        return m;
    }

    private Bars bars(State s, int limit) {
        SymbolState st = s.symbol;
        if (st == null) {
            return new Bars(List.of());
        }
        BarHistory h = st.history();
        long from = h.firstShown();
        if (limit > 0) {
            from = Math.max(from, h.count() - limit);
        }
        List<Map<String, Object>> out = new ArrayList<>((int) (h.count() - from));
        double[] values = new double[Field.COUNT];
        for (long seq = from; seq < h.count(); seq++) {
            h.compute(seq, values);
            out.add(BarJson.map(symbol, st.market(), h.start(seq), values, h.bar(seq).volume()));
        }
        return new Bars(out);
    }
}
