package actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.sinks.HitSink;
import actors.sinks.RecordingSink;
import actors.sinks.ScriptedSink;
import actors.sinks.SendResult;
import actors.sinks.SinkSettings;
import actors.sinks.SinkStatus;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.DeadLetterFile;
import persistence.DeliveryLedger;
import persistence.StoredHit;
import persistence.TestDb;

/**
 * The sink foundation with a scripted service: queue, retries, dead letters, redeliver, switch-off,
 * max-age, overflow, and the ledger keeping two routers (two nodes) from sending a hit twice.
 */
class SinkQueueTest {
    static final ActorTestKit kit = ActorTestKit.create("sinkqueue",
            ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load()));
    static final Duration WAIT = Duration.ofSeconds(10);
    /** Fast retries for tests. */
    static final SinkSettings FAST = new SinkSettings(null, 100, 2, Duration.ofMillis(20), Duration.ofMillis(100),
            Duration.ofSeconds(30), Duration.ofMillis(200));

    @TempDir
    Path dir;
    DeliveryLedger ledger;

    @AfterAll
    static void shutdown() {
        kit.shutdownTestKit();
    }

    /** Held open so H2 does not close (and compact) the database whenever the ledger's last connection closes. */
    java.sql.Connection keepOpen;
    final List<ActorRef<HitRouter.Command>> routers = new java.util.ArrayList<>();

    @BeforeEach
    void db() throws Exception {
        TestDb.Db db = TestDb.h2(dir);
        keepOpen = db.connect();
        ledger = new DeliveryLedger(db::connect, db.settings());
        ledger.createTable();
    }

    @org.junit.jupiter.api.AfterEach
    void stop() throws Exception {
        routers.forEach(kit::stop);
        keepOpen.close();
    }

    static StoredHit hit(String cond, long bar, String... sinks) {
        return new StoredHit(cond, "005930", bar, "KRX", Map.of("CLOSE", 1.0), List.of(sinks));
    }

    SinkRuntime runtime(String owner, Map<String, SinkSettings> settings, Clock clock) {
        return new SinkRuntime(ledger, owner, Duration.ofMinutes(5), clock, dir, settings, Map.of(),
                new ConcurrentHashMap<>());
    }

    ActorRef<HitRouter.Command> router(SinkRuntime rt, HitSink... sinks) {
        ActorRef<HitRouter.Command> r = kit.spawn(HitRouter.create(List.of(sinks), rt, new RecentHits(100),
                Duration.ofMinutes(1)));
        routers.add(r);
        return r;
    }

    @Test
    void confirmsOnceQueuedRetriesWithBackoffAndSendsOnce() throws Exception {
        ScriptedSink svc = new ScriptedSink("svc").then(new SendResult.Retry("503", null))
                .then(new SendResult.Retry("503", null));
        svc.hold();
        SinkRuntime rt = runtime("n1", Map.of("svc", FAST), Clock.systemUTC());
        ActorRef<HitRouter.Command> router = router(rt, svc);
        TestProbe<HitRouter.Ack> acks = kit.createTestProbe();

        router.tell(new HitRouter.Route(hit("a", 1, "svc"), acks.ref()));
        assertEquals("005930/a/1", acks.receiveMessage(WAIT).hitId(), "confirmed while the service still hangs");
        svc.release();
        assertEquals(List.of("005930/a/1"), svc.awaitSent(1, WAIT));
        router.tell(new HitRouter.Route(hit("a", 1, "svc"), acks.ref())); // the entity asks again (replay)
        acks.receiveMessage(WAIT);
        kit.createTestProbe().expectNoMessage(Duration.ofMillis(300));
        assertEquals(List.of(1, 2, 3), svc.attempts().stream().map(ScriptedSink.Attempt::attempt).toList());
        assertEquals(List.of("005930/a/1"), svc.sent(), "sent once");
        assertEquals(DeliveryLedger.State.SENT, ledger.get("svc", "005930/a/1").orElseThrow().state());
        SinkStatus st = rt.statuses().get("svc");
        assertEquals("ok", st.state());
        assertEquals(2, st.failedCount());
        assertEquals("503", st.lastError());
    }

    @Test
    void afterTheLastRetryADeadLetterThatRedeliverSendsAgain() throws Exception {
        ScriptedSink svc = new ScriptedSink("hook:desk").always(h -> new SendResult.Retry("connection refused", null));
        SinkRuntime rt = runtime("n1", Map.of("hook:desk", FAST), Clock.systemUTC());
        ActorRef<HitRouter.Command> router = router(rt, svc);
        TestProbe<HitRouter.Ack> acks = kit.createTestProbe();
        router.tell(new HitRouter.Route(hit("a", 1, "hook:desk"), acks.ref()));
        acks.receiveMessage(WAIT);

        DeadLetterFile dead = new DeadLetterFile(dir, "hook:desk");
        assertEquals(dir.resolve("dead-letters/hook-desk.jsonl"), dead.path());
        awaitTrue(() -> dead.count() == 1, "a dead letter");
        assertEquals(3, svc.attempts().size(), "1 + max-retries 2");
        String line = Files.readString(dead.path());
        assertTrue(line.contains("\"error\":\"connection refused\"") && line.contains("\"id\":\"005930/a/1\""), line);
        awaitTrue(() -> ledger.get("hook:desk", "005930/a/1").orElseThrow().state() == DeliveryLedger.State.DEAD,
                "dead in the ledger (written after the file)");

        svc.always(null);
        TestProbe<HitRouter.Redelivered> r = kit.createTestProbe();
        router.tell(new HitRouter.Redeliver("hook:desk", r.ref()));
        assertEquals(1, r.receiveMessage(WAIT).count());
        assertEquals(List.of("005930/a/1"), svc.awaitSent(1, WAIT));
        assertEquals(0, dead.count(), "the file no longer lists it");
        awaitTrue(() -> ledger.get("hook:desk", "005930/a/1").orElseThrow().state() == DeliveryLedger.State.SENT, "sent");
    }

    @Test
    void offSwitchesTheSinkOffUntilRedeliver() throws Exception {
        ScriptedSink svc = new ScriptedSink("svc").then(new SendResult.Off("410 Gone"));
        SinkRuntime rt = runtime("n1", Map.of("svc", FAST), Clock.systemUTC());
        ActorRef<HitRouter.Command> router = router(rt, svc);
        TestProbe<HitRouter.Ack> acks = kit.createTestProbe();
        router.tell(new HitRouter.Route(hit("a", 1, "svc"), acks.ref()));
        acks.receiveMessage(WAIT);
        awaitTrue(() -> "off".equals(rt.statuses().get("svc").state()), "switched off");
        router.tell(new HitRouter.Route(hit("b", 2, "svc"), acks.ref()));
        acks.receiveMessage(WAIT);
        DeadLetterFile dead = new DeadLetterFile(dir, "svc");
        awaitTrue(() -> dead.count() == 2, "both dead letters");
        assertEquals(1, svc.attempts().size(), "nothing sent while off");

        TestProbe<HitRouter.Redelivered> r = kit.createTestProbe();
        router.tell(new HitRouter.Redeliver("svc", r.ref()));
        assertEquals(2, r.receiveMessage(WAIT).count());
        assertEquals(2, svc.awaitSent(2, WAIT).size());
        assertEquals("ok", rt.statuses().get("svc").state());
    }

    @Test
    void aSlowSinkDelaysNoOtherSinkAndAFullQueueIsNotConfirmed() throws Exception {
        ScriptedSink slow = new ScriptedSink("slow");
        slow.hold();
        ScriptedSink fast = new ScriptedSink("fast");
        SinkSettings tiny = new SinkSettings(null, 1, 2, Duration.ofMillis(20), Duration.ofMillis(100),
                Duration.ofSeconds(30), Duration.ofSeconds(30));
        SinkRuntime rt = runtime("n1", Map.of("slow", tiny, "fast", FAST), Clock.systemUTC());
        ActorRef<HitRouter.Command> router = router(rt, slow, fast);
        TestProbe<HitRouter.Ack> acks = kit.createTestProbe();
        router.tell(new HitRouter.Route(hit("a", 1, "slow"), acks.ref()));
        acks.receiveMessage(WAIT);
        TestProbe<HitRouter.Ack> refused = kit.createTestProbe();
        router.tell(new HitRouter.Route(hit("b", 2, "slow"), refused.ref()));
        for (int i = 0; i < 20; i++) {
            router.tell(new HitRouter.Route(hit("f", 100 + i, "fast"), acks.ref()));
        }
        assertEquals(20, fast.awaitSent(20, WAIT).size(), "the fast sink is not held up");
        assertEquals(20, acks.receiveSeveralMessages(20, WAIT).size());
        refused.expectNoMessage(Duration.ofMillis(200));
        assertEquals(1, rt.statuses().get("slow").overflowCount());
        assertTrue(ledger.get("slow", "005930/b/2").isEmpty(), "a refused hit is not in the ledger");
        slow.release();
        slow.awaitSent(1, WAIT);
        router.tell(new HitRouter.Route(hit("b", 2, "slow"), refused.ref())); // the entity offers it again
        assertEquals("005930/b/2", refused.receiveMessage(WAIT).hitId());
        assertEquals(List.of("005930/a/1", "005930/b/2"), slow.awaitSent(2, WAIT));
    }

    @Test
    void maxAgeSkipsAndRecordsStaleHits() throws Exception {
        long now = 1_700_000_000_000L;
        Clock clock = Clock.fixed(java.time.Instant.ofEpochMilli(now), java.time.ZoneOffset.UTC);
        SinkSettings tenMinutes = new SinkSettings(Duration.ofMinutes(10), 100, 2, Duration.ofMillis(20),
                Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofMillis(200));
        ScriptedSink svc = new ScriptedSink("svc");
        RecordingSink log = new RecordingSink("log");
        SinkRuntime rt = runtime("n1", Map.of("svc", tenMinutes, "log", tenMinutes), clock);
        ActorRef<HitRouter.Command> router = router(rt, svc, log);
        TestProbe<HitRouter.Ack> acks = kit.createTestProbe();
        long fiveMin = Duration.ofMinutes(5).toMillis();
        long old = now - fiveMin - Duration.ofMinutes(11).toMillis(); // ended 11 minutes ago
        long fresh = now - fiveMin - Duration.ofMinutes(9).toMillis(); // ended 9 minutes ago
        router.tell(new HitRouter.Route(hit("old", old, "svc", "log"), acks.ref()));
        router.tell(new HitRouter.Route(hit("fresh", fresh, "svc", "log"), acks.ref()));
        acks.receiveSeveralMessages(2, WAIT);
        assertEquals(List.of("005930/fresh/" + fresh), svc.awaitSent(1, WAIT));
        assertEquals(List.of("005930/fresh/" + fresh), log.deliveredIds());
        for (String sink : List.of("svc", "log")) {
            DeliveryLedger.Entry e = ledger.get(sink, "005930/old/" + old).orElseThrow();
            assertEquals(DeliveryLedger.State.SKIPPED, e.state(), sink);
            assertTrue(e.lastError().contains("max-age"), e.lastError());
        }
    }

    @Test
    void twoNodesRoutingTheSameHitsSendEachOnceAndARestartedNodeResumes() throws Exception {
        ScriptedSink onA = new ScriptedSink("svc");
        ScriptedSink onB = new ScriptedSink("svc");
        onA.hold(); // node A accepts and then hangs
        ActorRef<HitRouter.Command> a = router(runtime("A", Map.of("svc", FAST), Clock.systemUTC()), onA);
        ActorRef<HitRouter.Command> b = router(runtime("B", Map.of("svc", FAST), Clock.systemUTC()), onB);
        TestProbe<HitRouter.Ack> acks = kit.createTestProbe();
        for (int i = 0; i < 10; i++) {
            a.tell(new HitRouter.Route(hit("x", i, "svc"), acks.ref()));
        }
        acks.receiveSeveralMessages(10, WAIT);
        for (int i = 0; i < 10; i++) { // the entities moved to B and offer the same hits there
            b.tell(new HitRouter.Route(hit("x", i, "svc"), acks.ref()));
        }
        acks.receiveSeveralMessages(10, WAIT);
        kit.stop(a); // node A dies with one attempt on the wire and nine waiting
        onA.release();

        // A comes back under the same address: it resumes its queued hits from the ledger at once
        ScriptedSink onA2 = new ScriptedSink("svc");
        router(runtime("A", Map.of("svc", FAST), Clock.systemUTC()), onA2);
        awaitTrue(() -> ledger.counts("svc").get(DeliveryLedger.State.SENT) == 10, "all sent");
        assertEquals(List.of(), onB.sent(), "B never sent what A held");
        java.util.Set<String> reached = new java.util.TreeSet<>(onA.sent());
        reached.addAll(onA2.sent());
        assertEquals(10, reached.size(), "every hit reached the service: " + reached);
        assertEquals(onA2.sent().size(), new HashSet<>(onA2.sent()).size(), "the restarted node sent none twice");
        List<String> twice = onA.sent().stream().filter(onA2.sent()::contains).toList();
        assertTrue(twice.isEmpty() || twice.equals(List.of("005930/x/0")),
                "only the attempt on the wire when A died may arrive twice: " + twice);
    }

    static void awaitTrue(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        testkit.Await.until(c, WAIT, what);
    }
}
