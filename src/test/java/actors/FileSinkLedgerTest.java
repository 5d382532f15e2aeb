package actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.sinks.FileSink;
import actors.sinks.SinkSettings;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import persistence.AlertsFile;
import persistence.DeliveryLedger;
import persistence.EachDb;
import persistence.StoredHit;
import persistence.TestDb;

/**
 * The {@code file} sink once across the nodes: two nodes' routers, each with its own alerts file,
 * share one delivery ledger (H2 and PostgreSQL), as the nodes of a cluster share their database. A
 * hit one node wrote is not written by the other, whichever sent it last; the one window left, a kill
 * between the write and the ledger's {@code sent}, gives one line in two files, and only after the dead
 * node's lease ran out.
 */
class FileSinkLedgerTest {
    static final ActorTestKit kit = ActorTestKit.create("file-ledger",
            ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load()));
    static final Duration WAIT = Duration.ofSeconds(5);
    static final Duration LEASE = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    final List<FileSink> opened = new ArrayList<>();

    @AfterAll
    static void shutdown() {
        kit.shutdownTestKit();
    }

    @AfterEach
    void drop() throws IOException {
        for (FileSink s : opened) {
            s.close();
        }
    }

    /** A wall clock the test moves (the ledger's leases run on it). */
    static final class TestClock extends Clock {
        volatile long millis = 1_800_000_000_000L;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    final TestClock clock = new TestClock();

    /** One node's router with its {@code file} sink on {@code <dir>/<node>/alerts.jsonl}. */
    ActorRef<HitRouter.Command> node(DeliveryLedger ledger, String node) throws IOException {
        FileSink sink = FileSink.open(file(node), 1000, 10);
        opened.add(sink);
        SinkSettings settings = new SinkSettings(null, 100, 8, Duration.ofSeconds(1), Duration.ofMinutes(1), LEASE,
                Duration.ofSeconds(5));
        SinkRuntime runtime = new SinkRuntime(ledger, node, Duration.ofMinutes(5), clock, dir, Map.of("file", settings),
                Map.of("file", "file"), new ConcurrentHashMap<>());
        return kit.spawn(HitRouter.create(List.of(sink), runtime, new RecentHits(10), Duration.ofMinutes(1)));
    }

    Path file(String node) {
        return dir.resolve(node).resolve("alerts.jsonl");
    }

    List<String> ids(String node) throws IOException {
        Path f = file(node);
        if (!Files.exists(f)) {
            return List.of();
        }
        return Files.readAllLines(f).stream().filter(l -> !l.isBlank())
                .map(l -> l.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1")).toList();
    }

    static StoredHit hit(long bar) {
        return new StoredHit("dip", "005930", bar, "KRX", Map.of("CLOSE", 1.0), List.of("file"));
    }

    void route(ActorRef<HitRouter.Command> router, StoredHit h) {
        TestProbe<HitRouter.Ack> ack = kit.createTestProbe();
        router.tell(new HitRouter.Route(h, ack.ref()));
        assertEquals(h.id(), ack.receiveMessage(WAIT).hitId());
    }

    @EachDb("file_ledger")
    void acrossNodes(TestDb.Db db) throws Exception {
        DeliveryLedger ledger = new DeliveryLedger(db::connect, db.settings());
        ledger.createTable();
        ActorRef<HitRouter.Command> a = node(ledger, "a:1");
        ActorRef<HitRouter.Command> b = node(ledger, "b:2");

        // 1. A wrote it and marked it sent; its ticker moved to B before the confirmation was stored: B
        //    confirms it without a write.
        StoredHit first = hit(60_000);
        route(a, first);
        route(b, first);
        assertEquals(List.of(first.id()), ids("a:1"));
        assertEquals(List.of(), ids("b:2"), "a hit another node wrote is not written again");
        assertEquals(DeliveryLedger.State.SENT, ledger.get("file", first.id()).orElseThrow().state());

        // 2. The window: A (killed) wrote the line and had not marked it. B waits for A's lease, then
        //    writes it too: the one duplicate, A's last line.
        StoredHit cut = hit(120_000);
        try (AlertsFile aFile = AlertsFile.open(file("a:1"), 1000, 10)) {
            assertTrue(ledger.enqueue("file", cut.id(), DeliveryLedger.payload(cut), "a:1",
                    clock.millis() + LEASE.toMillis(), clock.millis()));
            aFile.append(cut.toHit());
        }
        TestProbe<HitRouter.Ack> waiting = kit.createTestProbe();
        b.tell(new HitRouter.Route(cut, waiting.ref()));
        waiting.expectNoMessage(Duration.ofMillis(300));
        assertEquals(List.of(), ids("b:2"), "nothing written while the dead node's lease runs");
        clock.millis += LEASE.toMillis() + 1;
        route(b, cut); // the entity offers it again after its retry interval
        assertEquals(List.of(first.id(), cut.id()), ids("a:1"));
        assertEquals(List.of(cut.id()), ids("b:2"), "written again once the lease ran out: the one duplicate");
        assertEquals(DeliveryLedger.State.SENT, ledger.get("file", cut.id()).orElseThrow().state());

        // 3. A killed before its write (the row queued, no line): B writes it once the lease ran out,
        //    and only B's file holds it.
        StoredHit unwritten = hit(180_000);
        ledger.enqueue("file", unwritten.id(), DeliveryLedger.payload(unwritten), "a:1",
                clock.millis() + LEASE.toMillis(), clock.millis());
        clock.millis += LEASE.toMillis() + 1;
        route(b, unwritten);
        assertEquals(List.of(cut.id(), unwritten.id()), ids("b:2"));

        // 4. The same node restarted (same owner name): a line its file holds whose row the kill left
        //    queued is not written again, and the row becomes sent; a hit B wrote is not written by A.
        StoredHit restarted = hit(240_000);
        try (AlertsFile bFile = AlertsFile.open(file("b:2"), 1000, 10)) {
            ledger.enqueue("file", restarted.id(), DeliveryLedger.payload(restarted), "b:2",
                    clock.millis() + LEASE.toMillis(), clock.millis());
            bFile.append(restarted.toHit());
        }
        ActorRef<HitRouter.Command> bAgain = node(ledger, "b:2");
        route(bAgain, restarted);
        route(a, unwritten);
        assertEquals(List.of(cut.id(), unwritten.id(), restarted.id()), ids("b:2"));
        assertEquals(List.of(first.id(), cut.id()), ids("a:1"));
        assertEquals(DeliveryLedger.State.SENT, ledger.get("file", restarted.id()).orElseThrow().state());
        assertEquals(4L, ledger.counts("file").get(DeliveryLedger.State.SENT));
    }
}
