package actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.Fixtures.ProbeSink;
import actors.Fixtures.Reference;
import actors.TickerEntity.Bars;
import actors.TickerEntity.IngestResult;
import actors.TickerEntity.TickerStatus;
import actors.sinks.FileSink;
import actors.sinks.HitSink;
import com.typesafe.config.Config;
import conditions.ConditionParser;
import conditions.ConditionSet;
import conditions.Hit;
import conditions.Market;
import conditions.Tick;
import conditions.TickOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import persistence.Schema;
import persistence.TestDb;

/**
 * What a ticker entity must do, on a real database: run by {@link TickerEntityH2Test} and
 * {@link TickerEntityPostgresTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TickerEntityContract {
    static final Duration LONG_GRACE = Duration.ofMinutes(10);
    static final Duration WAIT = Duration.ofSeconds(15);

    Path dir;
    TestDb.Db db;
    Config config;
    ActorTestKit kit;

    abstract TestDb.Db openDb(Path dir);

    abstract String label();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("tickwatch-entity-");
        db = openDb(dir);
        config = Fixtures.config(db);
        kit = ActorTestKit.create("entity", config);
        Schema.createIfNotExists(kit.system(), db.settings()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() throws IOException {
        if (kit != null) {
            kit.shutdownTestKit();
        }
        if (db != null) {
            db.drop();
        }
        if (dir != null) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    // ---- helpers ----

    /** An entity and the router it sends hits to, in {@code k}. */
    record Rig(ActorRef<TickerEntity.Command> entity, ActorRef<HitRouter.Command> router, ActorTestKit kit) {
        IngestResult ingest(List<Tick> ticks) {
            return ingest(ticks, 0);
        }

        IngestResult ingest(List<Tick> ticks, long batch) {
            return ingest(ticks, batch, null);
        }

        /** With the market the ticker was added with ({@code null}: none). */
        IngestResult ingest(List<Tick> ticks, long batch, Market market) {
            return AskPattern.<TickerEntity.Command, IngestResult>ask(entity,
                    r -> new TickerEntity.Ingest(ticks, batch, market, r), WAIT, kit.system().scheduler())
                    .toCompletableFuture().join();
        }

        /** Sends {@code ticks} in batches, up to {@code parallel} asks in flight, and sums the results. */
        IngestResult ingestBatched(List<Tick> ticks, int batch, int parallel) {
            List<List<Tick>> parts = new ArrayList<>();
            for (int i = 0; i < ticks.size(); i += batch) {
                parts.add(List.copyOf(ticks.subList(i, Math.min(ticks.size(), i + batch))));
            }
            CompletionStage<IngestResult> done = Source.from(parts)
                    .mapAsync(parallel, p -> AskPattern.<TickerEntity.Command, IngestResult>ask(entity,
                            r -> new TickerEntity.Ingest(p, 0, r), WAIT, kit.system().scheduler()))
                    .runWith(Sink.fold(IngestResult.NONE, IngestResult::plus), kit.system());
            return done.toCompletableFuture().join();
        }

        TickerStatus status() {
            TestProbe<TickerStatus> p = kit.createTestProbe();
            entity.tell(new TickerEntity.GetStatus(p.ref()));
            return p.receiveMessage(WAIT);
        }

        List<Map<String, Object>> bars() {
            TestProbe<Bars> p = kit.createTestProbe();
            entity.tell(new TickerEntity.GetBars(0, p.ref()));
            return p.receiveMessage(WAIT).bars();
        }
    }

    Rig rig(ActorTestKit k, String symbol, TickerSettings settings, ConditionSet conditions, List<HitSink> sinks) {
        return rig(k, symbol, settings, conditions, sinks, Clock.systemUTC());
    }

    /** With the wall clock {@code future} ticks are judged by. */
    Rig rig(ActorTestKit k, String symbol, TickerSettings settings, ConditionSet conditions, List<HitSink> sinks,
            Clock wallClock) {
        ActorRef<HitRouter.Command> router = k.spawn(HitRouter.create(sinks, new RecentHits(100), Duration.ofSeconds(30)));
        ActorRef<TickerEntity.Command> e = k.spawn(TickerEntity.create(symbol, PersistenceId.of("Ticker", symbol),
                new TickerEntity.Deps(ConditionRegistry.inMemory(conditions), router, settings, wallClock)));
        return new Rig(e, router, k);
    }

    static void assertCounts(Reference ref, IngestResult r, TickerStatus s) {
        assertEquals(ref.model.count(TickOutcome.ACCEPTED), r.accepted(), "accepted");
        assertEquals(ref.model.count(TickOutcome.ACCEPTED), s.accepted(), "accepted in status");
        for (TickOutcome o : List.of(TickOutcome.OUTSIDE_SESSION, TickOutcome.DUPLICATE, TickOutcome.LATE)) {
            assertEquals(ref.model.count(o), r.rejected(o.key()), o.key());
            assertEquals(ref.model.count(o), s.rejected().get(o.key()), o.key() + " in status");
        }
    }

    /** {@code SELECT what FROM table} for this symbol's persistence id. */
    long query(String what, String table, String symbol) throws Exception {
        boolean h2 = db.settings().kind() == persistence.DbSettings.Kind.H2;
        String t = h2 ? "PUBLIC.\"" + table + "\"" : table;
        String sql = "SELECT " + (h2 ? what.replace("sequence_number", "\"sequence_number\"") : what) + " FROM " + t
                + " WHERE " + (h2 ? "\"persistence_id\"" : "persistence_id") + " = ?";
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, "Ticker|" + symbol);
            try (ResultSet r = ps.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    static ConditionSet everyBar(String sinks) {
        return ConditionParser.parseSet("{\"up\": {\"when\": [\"CLOSE\", \">\", 0], \"sinks\": " + sinks + "}}");
    }

    static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList() : List.of();
    }

    // ---- tests ----

    @Test
    void buildsTheBarsBacktestBuildsAndCountsRejects() {
        List<Tick> ticks = Fixtures.krxDay("005930", "2026-11-20", 4000, 1);
        Reference ref = Reference.of(ticks, ConditionSet.EMPTY);
        Rig rig = rig(kit, "005930", Fixtures.settings(LONG_GRACE, 100), ConditionSet.EMPTY, List.of());

        IngestResult r = rig.ingestBatched(ticks, 100, 4);

        assertTrue(ref.model.count(TickOutcome.DUPLICATE) > 0 && ref.model.count(TickOutcome.LATE) > 0
                && ref.model.count(TickOutcome.OUTSIDE_SESSION) > 0, "the fixture has every kind of reject");
        TickerStatus s = rig.status();
        assertCounts(ref, r, s);
        assertEquals(ref.lastBars(120), rig.bars());
        assertEquals(ref.bars.size(), s.barsClosed());
        assertEquals(ref.bars.get(ref.bars.size() - 1), s.lastBar());
        assertTrue(s.forming() != null, "the last bar stays open until a later tick or the clock");
    }

    @Test
    void restartRecoversTheSameStateFromSnapshotAndEvents() throws Exception {
        String sym = "000660";
        List<Tick> ticks = Fixtures.krxDay(sym, "2026-11-19", 3000, 2);
        int half = ticks.size() / 2;
        TickerSettings settings = Fixtures.settings(LONG_GRACE, 7);
        ConditionSet conds = everyBar("[\"probe\"]");
        Reference ref = Reference.of(ticks, conds);

        ActorTestKit first = ActorTestKit.create("first", config);
        List<Map<String, Object>> barsBefore;
        TickerStatus statusBefore;
        try {
            Rig a = rig(first, sym, settings, conds, List.of(new ProbeSink("probe")));
            a.ingestBatched(ticks.subList(0, half), 50, 2);
            barsBefore = a.bars();
            // let every hit be confirmed, so the status compared below is settled
            kit.createTestProbe().awaitAssert(WAIT, () -> {
                assertEquals(List.of(), a.status().pendingHits());
                return null;
            });
            statusBefore = a.status();
        } finally {
            first.shutdownTestKit();
        }
        assertTrue(query("COUNT(*)", "snapshot", sym) >= 1, "a snapshot was taken");
        long events = query("COUNT(*)", "event_journal", sym);
        long written = query("MAX(sequence_number)", "event_journal", sym);
        long oldest = query("MIN(sequence_number)", "event_journal", sym);
        // ~30 ingest events and ~2 per hit were written; snapshots every 7, keeping 2
        assertTrue(written > 60 && oldest > 20 && events < written / 2,
                "old events were deleted, newer ones kept: " + events + " rows from " + oldest + " to " + written);

        ProbeSink probe = new ProbeSink("probe");
        Rig b = rig(kit, sym, settings, conds, List.of(probe));
        assertEquals(barsBefore, b.bars(), "bars after recovery");
        assertEquals(statusBefore, b.status(), "status after recovery");

        IngestResult rest = b.ingestBatched(ticks.subList(half, ticks.size()), 50, 2);
        assertEquals(ref.lastBars(120), b.bars(), "recovered state goes on exactly like one that never stopped");
        assertEquals(ref.model.count(TickOutcome.ACCEPTED), b.status().accepted());
        assertTrue(rest.accepted() > 0);
        // the hits after the restart are the reference's hits after the first half, each once
        List<String> refIds = ref.hits.stream().map(Hit::id).toList();
        kit.createTestProbe().awaitAssert(WAIT, () -> {
            List<String> got = probe.delivered.stream().map(Hit::id).toList();
            assertEquals(refIds.subList(refIds.size() - got.size(), refIds.size()), got);
            assertEquals(List.of(), b.status().pendingHits());
            return null;
        });
        assertTrue(probe.delivered.size() > 0, "hits after the restart");
    }

    /**
     * A client that got no answer sends its batch again with the same id. Ticks without
     * cum_volume cannot be told apart from new trades, so only the id keeps them from counting
     * twice, in a running entity, after a restart from events, and after one from a snapshot.
     */
    /**
     * A write that fails restarts the entity, which must recover from what is stored and nothing
     * else: Pekko hands every incarnation the same empty-state object, so a state changed in place
     * by the failed incarnation would have the stored ticks replayed on top of it (and counted late).
     */
    @Test
    void aFailedWriteRestartsTheEntityFromWhatIsStoredOnly() throws Exception {
        String sym = "RESTART" + label().toUpperCase();
        List<Tick> ticks = Fixtures.crypto(sym, Fixtures.utc("2026-11-16T00:00"), 3_000, 50, 7);
        Reference ref = Reference.of(ticks, ConditionSet.EMPTY);
        Rig rig = rig(kit, sym, Fixtures.settings(LONG_GRACE, 1_000_000), ConditionSet.EMPTY, List.of());
        int third = ticks.size() / 3;
        long stored = rig.ingestBatched(ticks.subList(0, third), 100, 1).accepted();

        renameJournal("event_journal", "event_journal_away");
        try {
            CompletionStage<IngestResult> failed = AskPattern.<TickerEntity.Command, IngestResult>ask(rig.entity(),
                    r -> new TickerEntity.Ingest(ticks.subList(third, 2 * third), 0, r), Duration.ofSeconds(3),
                    kit.system().scheduler());
            assertTrue(failed.toCompletableFuture().handle((ok, err) -> err != null).join(),
                    "the write fails while the journal is away");
        } finally {
            renameJournal("event_journal_away", "event_journal");
        }
        // the entity restarts (backoff) and recovers from the stored third; the refused batch is sent again
        kit.createTestProbe().awaitAssert(WAIT, () -> {
            assertEquals(stored, rig.status().accepted(), "recovered what was stored");
            return null;
        });
        IngestResult rest = rig.ingestBatched(ticks.subList(third, ticks.size()), 100, 1);
        TickerStatus s = rig.status();
        assertEquals(0L, s.rejected().getOrDefault(TickOutcome.LATE.key(), 0L) - ref.model.count(TickOutcome.LATE),
                "no stored tick counted again as late");
        assertEquals(ref.model.count(TickOutcome.ACCEPTED), s.accepted(), "accepted once each");
        assertEquals(ref.lastBars(120), rig.bars());
        assertTrue(rest.accepted() > 0);
    }

    void renameJournal(String from, String to) throws Exception {
        boolean h2 = db.settings().kind() == persistence.DbSettings.Kind.H2;
        String sql = h2 ? "ALTER TABLE PUBLIC.\"" + from + "\" RENAME TO \"" + to + "\""
                : "ALTER TABLE " + from + " RENAME TO " + to;
        try (Connection c = db.connect(); java.sql.Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /**
     * A source's numbered ticks (Binance's aggregate ids): the entity stores the highest number with
     * them and drops a tick at or below it as a duplicate, also after a restart from a snapshot. This
     * is what a node that takes a symbol over relies on: it asks where the stored ticks end, and what
     * the node it took over from still had in flight cannot count twice.
     */
    @Test
    void numberedTicksAtOrBelowTheStoredPositionAreDuplicatesAcrossARestart() throws Exception {
        String sym = "ETHUSDT";
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            ticks.add(new Tick(sym, 1_795_000_000_000L + i * 10_000L, 3000 + i % 7, 1 + i % 5));
        }
        TickerSettings settings = Fixtures.settings(LONG_GRACE, 2); // snapshots after every other write
        ActorTestKit first = ActorTestKit.create("first", config);
        try {
            Rig a = rig(first, sym, settings, ConditionSet.EMPTY, List.of());
            assertEquals(0, position(a), "nothing stored yet");
            for (int i = 0; i < 30; i += 10) {
                assertEquals(10, ingestNumbered(a, ticks, i, i + 10, 1001 + i).accepted());
            }
            assertEquals(1030, position(a));
        } finally {
            first.shutdownTestKit();
        }
        Rig b = rig(kit, sym, settings, ConditionSet.EMPTY, List.of());
        assertEquals(1030, position(b), "the position after recovery");
        // ids 1021-1040 again (a node that took over from 1020 and fetched on): 1021-1030 are stored already
        IngestResult r = ingestNumbered(b, ticks, 20, 40, 1021);
        assertEquals(10, r.accepted());
        assertEquals(10, r.rejected().get("duplicate"));
        assertEquals(1040, position(b));
        assertEquals(40, b.status().accepted(), "each numbered tick counted once");
    }

    /** {@code ticks[from, to)} numbered from {@code firstId}, in one ask. */
    private static IngestResult ingestNumbered(Rig rig, List<Tick> ticks, int from, int to, long firstId) {
        long[] ids = new long[to - from];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = firstId + i;
        }
        List<Tick> part = List.copyOf(ticks.subList(from, to));
        return AskPattern.<TickerEntity.Command, IngestResult>ask(rig.entity(),
                r -> new TickerEntity.Ingest(part, 0, null, "binance", ids, r), WAIT, rig.kit().system().scheduler())
                .toCompletableFuture().join();
    }

    private static long position(Rig rig) {
        return AskPattern.<TickerEntity.Command, TickerEntity.Position>ask(rig.entity(), TickerEntity.GetPosition::new,
                WAIT, rig.kit().system().scheduler()).toCompletableFuture().join().position();
    }

    @Test
    void aBatchSentAgainWithItsIdIsStoredOnce() throws Exception {
        String sym = "247540";
        List<Tick> ticks = Fixtures.krxDay(sym, "2026-11-17", 600, 3).stream()
                .map(t -> new Tick(t.symbol(), t.time(), t.price(), t.volume()))
                .toList();
        List<List<Tick>> batches = new ArrayList<>();
        for (int i = 0; i < ticks.size(); i += 40) {
            batches.add(ticks.subList(i, Math.min(ticks.size(), i + 40)));
        }
        Reference ref = Reference.of(ticks, ConditionSet.EMPTY);
        // 15 batches, 10 before the restart: snapshots after events 3, 6 and 9 (older events deleted)
        TickerSettings settings = Fixtures.settings(LONG_GRACE, 3);
        int third = batches.size() / 3;

        ActorTestKit first = ActorTestKit.create("first", config);
        try {
            Rig a = rig(first, sym, settings, ConditionSet.EMPTY, List.of());
            for (int i = 0; i < 2 * third; i++) {
                IngestResult r = a.ingest(batches.get(i), 1000 + i);
                IngestResult again = a.ingest(batches.get(i), 1000 + i);
                assertEquals(0, again.accepted(), "batch " + i + " sent again");
                assertEquals(0, again.rejectedTotal(), "batch " + i + " sent again");
                assertEquals(batches.get(i).size(), again.alreadyStored());
                assertEquals(0, r.alreadyStored());
            }
            // Snapshots and the deletion of older events run after the write they follow: wait for
            // them while this incarnation still runs (stopping it could cut the deletion off).
            first.createTestProbe().awaitAssert(WAIT, () -> {
                try {
                    assertTrue(query("COUNT(*)", "snapshot", sym) >= 1, "a snapshot was taken");
                    assertTrue(query("MIN(sequence_number)", "event_journal", sym) > 1, "events before it were deleted");
                } catch (Exception e) {
                    throw new AssertionError("reading the journal", e);
                }
                return null;
            });
        } finally {
            first.shutdownTestKit();
        }

        Rig b = rig(kit, sym, settings, ConditionSet.EMPTY, List.of());
        // After recovery the last batch id comes back from its event, the others from the snapshot.
        for (int i = 2 * third - 1; i >= 0; i--) {
            assertEquals(batches.get(i).size(), b.ingest(batches.get(i), 1000 + i).alreadyStored(),
                    "batch " + i + " after the restart");
        }
        for (int i = 2 * third; i < batches.size(); i++) {
            b.ingest(batches.get(i), 1000 + i);
        }
        assertEquals(ref.lastBars(120), b.bars(), "every tick counted once");
        assertEquals(ref.model.count(TickOutcome.ACCEPTED), b.status().accepted());
        assertEquals(ref.model.count(TickOutcome.LATE), b.status().rejected().get("late"));
    }

    @Test
    void hitsArePersistedRoutedToEverySinkAndConfirmed() throws Exception {
        String sym = "035720";
        Path alerts = dir.resolve("hits-" + sym + ".jsonl");
        List<Tick> ticks = Fixtures.krxDay(sym, "2026-11-18", 1500, 3);
        ConditionSet conds = everyBar("[\"file\", \"probe\", \"nosuch\"]");
        Reference ref = Reference.of(ticks, conds);
        ProbeSink probe = new ProbeSink("probe");
        FileSink file = FileSink.open(alerts, 1000, 10);
        Rig rig = rig(kit, sym, Fixtures.settings(LONG_GRACE, 100), conds, List.of(file, probe));

        rig.ingestBatched(ticks, 100, 1);

        List<String> refIds = ref.hits.stream().map(Hit::id).toList();
        assertTrue(refIds.size() > 50, "the fixture makes many hits: " + refIds.size());
        kit.createTestProbe().awaitAssert(WAIT, () -> {
            assertEquals(List.of(), rig.status().pendingHits(), "every hit confirmed");
            return null;
        });
        assertEquals(refIds, probe.delivered.stream().map(Hit::id).toList(), "same hits as backtest, in order, once");
        List<String> fileLines = lines(alerts);
        assertEquals(refIds.size(), fileLines.size());
        for (int i = 0; i < refIds.size(); i++) {
            assertTrue(fileLines.get(i).startsWith("{\"id\":\"" + refIds.get(i) + "\""), fileLines.get(i));
        }
        assertEquals(persistence.HitJson.line(ref.hits.get(0)), fileLines.get(0), "the backtest hit shape");
    }

    @Test
    void anUnconfirmedHitIsDeliveredOnceAfterARestart() throws Exception {
        String sym = "051910";
        Path alerts = dir.resolve("restart-" + sym + ".jsonl");
        ConditionSet conds = everyBar("[\"file\", \"gate\"]");
        TickerSettings settings = Fixtures.settings(LONG_GRACE, 100);
        long t0 = Fixtures.krx("2026-11-17T09:00");
        List<Tick> ticks = List.of(new Tick(sym, t0 + 1000, 100, 1), new Tick(sym, t0 + 300_000, 101, 1));
        String id = sym + "/up/" + t0;

        ActorTestKit first = ActorTestKit.create("first", config);
        ProbeSink downGate = new ProbeSink("gate");
        downGate.failing.set(true);
        try {
            FileSink file = FileSink.open(alerts, 1000, 10);
            Rig a = rig(first, sym, settings, conds, List.of(file, downGate));
            assertEquals(2, a.ingest(ticks).accepted());
            first.createTestProbe().awaitAssert(WAIT, () -> {
                assertEquals(1, lines(alerts).size(), "the file sink wrote it");
                assertTrue(downGate.attempts.get() >= 2, "the entity retried the gate");
                return null;
            });
            assertEquals(List.of(id), a.status().pendingHits().stream().map(h -> h.id()).toList(), "still pending");
        } finally {
            first.shutdownTestKit();
        }

        ProbeSink gate = new ProbeSink("gate");
        FileSink file = FileSink.open(alerts, 1000, 10);
        Rig b = rig(kit, sym, settings, conds, List.of(file, gate));
        kit.createTestProbe().awaitAssert(WAIT, () -> {
            assertEquals(List.of(), b.status().pendingHits(), "delivered after the restart");
            return null;
        });
        assertEquals(List.of(id), gate.delivered.stream().map(Hit::id).toList(), "the gate got it once");
        List<String> inFile = lines(alerts);
        assertEquals(1, inFile.size(), "the alert file holds it exactly once: " + inFile);
        assertTrue(inFile.get(0).contains(id));
    }

    @Test
    void theClockClosesABarWithoutANextTick() throws Exception {
        String sym = "CLOCK" + label().toUpperCase();
        long t0 = Fixtures.utc("2026-11-16T10:00");
        ConditionSet conds = everyBar("[\"probe\"]");
        ProbeSink probe = new ProbeSink("probe");
        Rig rig = rig(kit, sym, Fixtures.settings(Duration.ofMillis(300), 100), conds, List.of(probe));
        // ticks up to 200 ms (feed time) before the bar's end: it is due 500 ms after the last one arrives
        List<Tick> ticks = List.of(new Tick(sym, t0 + 1_000, 10, 1), new Tick(sym, t0 + 150_000, 12, 1),
                new Tick(sym, t0 + 299_800, 11, 1));
        long sent = System.nanoTime();
        assertEquals(3, rig.ingest(ticks).accepted());
        assertEquals(0, rig.status().barsClosed());

        Hit hit = probe.delivered.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        long waitedMs = (System.nanoTime() - sent) / 1_000_000;
        assertTrue(hit != null, "a hit at bar close, with no later tick");
        assertEquals(sym + "/up/" + t0, hit.id());
        assertTrue(waitedMs >= 450, "not before the feed clock passed end + grace: " + waitedMs + " ms");
        TickerStatus s = rig.status();
        assertEquals(1, s.barsClosed());
        assertEquals(null, s.forming());
        assertEquals(12.0, ((Number) s.lastBar().get("high")).doubleValue());
        kit.createTestProbe().awaitAssert(WAIT, () -> {
            assertEquals(List.of(), rig.status().pendingHits());
            return null;
        });
        // a tick of the closed bar is late now; one of the next bar starts a new bar
        IngestResult r = rig.ingest(List.of(new Tick(sym, t0 + 299_900, 11, 1), new Tick(sym, t0 + 300_100, 13, 1)));
        assertEquals(1, r.rejected(TickOutcome.LATE.key()));
        assertEquals(1, r.accepted());
    }

    @Test
    void twentyThousandTicksInBatchesLoseNothing() {
        String sym = "BULK" + label().toUpperCase();
        List<Tick> ticks = Fixtures.crypto(sym, Fixtures.utc("2026-11-16T00:00"), 20_000, 50, 4);
        Reference ref = Reference.of(ticks, ConditionSet.EMPTY);
        Rig rig = rig(kit, sym, Fixtures.settings(LONG_GRACE, 100), ConditionSet.EMPTY, List.of());

        long t = System.nanoTime();
        IngestResult r = rig.ingestBatched(ticks, 100, 8);
        double secs = (System.nanoTime() - t) / 1e9;
        System.out.printf("THROUGHPUT %s: %d ticks into one entity, batches of 100, 8 asks in flight: %.2f s, %.0f ticks/s%n",
                label(), ticks.size(), secs, ticks.size() / secs);

        assertEquals(20_000, r.accepted());
        assertEquals(0, r.rejectedTotal());
        TickerStatus s = rig.status();
        assertEquals(20_000, s.accepted());
        assertEquals(ref.lastBars(120), rig.bars());
    }

    // ---- hard edges: future ticks, the market rule, purge ----

    /**
     * A tick stamped in microseconds, or a year ahead, must not reach the model: it would start a
     * bar far in the future and make every later real tick late. It is counted as future, durably
     * (through events and a snapshot), and later real ticks are accepted.
     */
    @Test
    void aTickFromTheFutureIsRejectedAndLaterRealTicksAreAccepted() throws Exception {
        String sym = "FUT" + label().toUpperCase();
        long now = Fixtures.utc("2026-11-16T10:00");
        Clock wall = Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC);
        TickerSettings settings = Fixtures.settings(LONG_GRACE, 3);
        List<Tick> first = List.of(new Tick(sym, now - 60_000, 100, 1),
                new Tick(sym, now * 1000, 101, 1), // microseconds read as milliseconds
                new Tick(sym, now + 365L * 86_400_000L, 102, 1),
                new Tick(sym, now + 5 * 60_000L + 1, 103, 1)); // just past tickwatch.ingest.max-future
        List<Tick> later = List.of(new Tick(sym, now - 30_000, 104, 1), new Tick(sym, now + 4 * 60_000L, 105, 1));

        ActorTestKit one = ActorTestKit.create("first", config);
        try {
            Rig a = rig(one, sym, settings, ConditionSet.EMPTY, List.of(), wall);
            IngestResult r = a.ingest(first);
            assertEquals(1, r.accepted());
            assertEquals(3, r.rejected(TickOutcome.FUTURE.key()));
            assertEquals(0, r.rejected(TickOutcome.LATE.key()));
            IngestResult r2 = a.ingest(later);
            assertEquals(2, r2.accepted(), "later real ticks are not late: " + r2);
            assertEquals(0, r2.rejected(TickOutcome.LATE.key()));
            assertEquals(3, a.status().rejected().get("future"));
            for (int i = 0; i < 3; i++) { // a snapshot (every 3 events) must keep the count
                a.ingest(List.of(new Tick(sym, now * 1000 + i, 100, 1)));
            }
            assertEquals(6, a.status().rejected().get("future"));
            one.createTestProbe().awaitAssert(WAIT, () -> {
                try {
                    assertTrue(query("COUNT(*)", "snapshot", sym) >= 1, "a snapshot was taken");
                } catch (Exception e) {
                    throw new AssertionError("reading the journal", e);
                }
                return null;
            });
        } finally {
            one.shutdownTestKit();
        }
        Rig b = rig(kit, sym, settings, ConditionSet.EMPTY, List.of(), wall);
        TickerStatus s = b.status();
        assertEquals(3, s.accepted());
        assertEquals(6, s.rejected().get("future"), "counted durably");
        assertEquals(0, s.rejected().get("late"));
        assertEquals(1, b.ingest(List.of(new Tick(sym, now + 60_000, 106, 1))).accepted());
    }

    /**
     * Until a ticker has accepted a tick, its market is not fixed: a first batch rejected as
     * outside the KRX session does not keep a CRYPTO feed out. Once a tick is accepted, the market
     * stays, whatever later ticks say, also after a restart.
     */
    @Test
    void aWhollyRejectedFirstBatchDoesNotFixTheMarket() throws Exception {
        String sym = "A05380";
        long night = Fixtures.krx("2026-11-17T03:00");
        TickerSettings settings = Fixtures.settings(LONG_GRACE, 100);
        ActorTestKit one = ActorTestKit.create("first", config);
        TickerStatus before;
        try {
            Rig a = rig(one, sym, settings, ConditionSet.EMPTY, List.of());
            IngestResult r = a.ingest(List.of(new Tick(sym, night, 100, 1), new Tick(sym, night + 1000, 100, 1)));
            assertEquals(2, r.rejected(TickOutcome.OUTSIDE_SESSION.key()), "derived from the symbol: KRX");
            assertEquals("KRX", a.status().market());

            IngestResult crypto = a.ingest(List.of(new Tick(sym, night + 10_000, 101, 2, Tick.NO_CUM, Market.CRYPTO),
                    new Tick(sym, night + 20_000, 102, 3, Tick.NO_CUM, Market.CRYPTO)));
            assertEquals(2, crypto.accepted(), "the ticks' market counts until a tick is accepted: " + crypto);
            IngestResult krx = a.ingest(List.of(new Tick(sym, night + 30_000, 103, 1, Tick.NO_CUM, Market.KRX)));
            assertEquals(1, krx.accepted(), "the market is fixed once a tick is accepted");
            before = a.status();
            assertEquals("CRYPTO", before.market());
            assertEquals(3, before.accepted());
            assertEquals(2, before.rejected().get("outside_session"), "earlier rejects still counted");
        } finally {
            one.shutdownTestKit();
        }
        assertEquals(before, rig(kit, sym, settings, ConditionSet.EMPTY, List.of()).status(), "after recovery");
    }

    /** The market a ticker was added with wins over its ticks' and its symbol's. */
    @Test
    void anExplicitMarketWinsOverTheTicksAndTheSymbol() {
        String sym = "000270";
        long night = Fixtures.krx("2026-11-17T03:00");
        Rig rig = rig(kit, sym, Fixtures.settings(LONG_GRACE, 100), ConditionSet.EMPTY, List.of());
        IngestResult r = rig.ingest(List.of(new Tick(sym, night, 100, 1),
                new Tick(sym, night + 1000, 100, 1, Tick.NO_CUM, Market.KRX)), 0, Market.CRYPTO);
        assertEquals(2, r.accepted(), "CRYPTO never closes: " + r);
        assertEquals("CRYPTO", rig.status().market());
    }

    /** A six-letter crypto pair has no digit: it trades around the clock, not in the KRX session. */
    @Test
    void aSymbolWithoutADigitIsNeverKrx() {
        String sym = "BTCUSD";
        long night = Fixtures.utc("2026-11-16T20:00"); // 05:00 in Seoul
        Rig rig = rig(kit, sym, Fixtures.settings(LONG_GRACE, 100), ConditionSet.EMPTY, List.of());
        IngestResult r = rig.ingest(List.of(new Tick(sym, night, 91_000, 1), new Tick(sym, night + 1000, 91_001, 1)));
        assertEquals(2, r.accepted(), r.toString());
        assertEquals("CRYPTO", rig.status().market());
    }

    /**
     * Purge deletes every event and snapshot of the ticker and stops its entity: the next
     * incarnation starts empty, and a second run of the same ticks builds the same bars again.
     */
    @Test
    void purgeDeletesEventsAndSnapshotsAndTheTickerStartsEmpty() throws Exception {
        String sym = "068270";
        List<Tick> ticks = Fixtures.krxDay(sym, "2026-11-18", 800, 5);
        Reference ref = Reference.of(ticks, ConditionSet.EMPTY);
        TickerSettings settings = Fixtures.settings(LONG_GRACE, 3);
        Rig a = rig(kit, sym, settings, ConditionSet.EMPTY, List.of());
        a.ingestBatched(ticks, 50, 1);
        kit.createTestProbe().awaitAssert(WAIT, () -> {
            try {
                assertTrue(query("COUNT(*)", "snapshot", sym) >= 1, "a snapshot was taken");
                assertTrue(query("COUNT(*)", "event_journal", sym) >= 1, "events are stored");
            } catch (Exception e) {
                throw new AssertionError("reading the journal", e);
            }
            return null;
        });

        TestProbe<TickerEntity.Purged> purged = kit.createTestProbe();
        a.entity().tell(new TickerEntity.Purge(purged.ref()));
        TickerEntity.Purged p = purged.receiveMessage(WAIT);
        assertEquals(null, p.error());
        assertTrue(p.rows() > 0, "rows deleted: " + p.rows());
        purged.expectTerminated(a.entity(), WAIT);
        assertEquals(0, query("COUNT(*)", "event_journal", sym), "events gone");
        assertEquals(0, query("COUNT(*)", "snapshot", sym), "snapshots gone");

        Rig b = rig(kit, sym, settings, ConditionSet.EMPTY, List.of());
        TickerStatus empty = b.status();
        assertEquals(0, empty.accepted());
        assertEquals(null, empty.market());
        assertEquals(List.of(), b.bars());
        IngestResult again = b.ingestBatched(ticks, 50, 1);
        assertEquals(ref.model.count(TickOutcome.ACCEPTED), again.accepted(), "no tick is a duplicate of the old run");
        assertEquals(ref.lastBars(120), b.bars(), "rebuilt from scratch");
    }
}
