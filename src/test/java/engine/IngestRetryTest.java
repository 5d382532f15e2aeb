package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.TickerEntity.IngestResult;
import actors.TickerEntity.TickerStatus;
import com.typesafe.config.ConfigFactory;
import conditions.Tick;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;
import testkit.Await;

/**
 * The node sends an ingest ask again when it has no answer after {@code tickwatch.ingest.attempt-timeout}
 * ({@link IngestAttempts}), and the entity counts the batch once whichever attempt reaches it. On
 * PostgreSQL, because a {@code LOCK TABLE} of the journal from another connection holds an entity's
 * write as long as the test wants: a slow store, without a sleep anywhere.
 */
class IngestRetryTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern RETRIES = Pattern.compile("(?m)^tickwatch_ingest_retries_total(?:\\{[^}]*})? (\\S+)$");

    @TempDir
    Path dir;
    private TestDb.Db db;

    @AfterEach
    void drop() {
        if (db != null) {
            db.drop();
        }
    }

    /** A node on a fresh PostgreSQL schema; attempts every 300 ms, the deadline 20 s away. */
    private Node start(String extra) throws Exception {
        db = TestDb.postgres("retry");
        return Node.start(NodeSettings.load(ConfigFactory.parseString("""
                tickwatch.ingest.attempt-timeout = 300ms
                tickwatch.ingest.attempt-jitter = 0.25
                tickwatch.ask-timeout = 20s
                """ + extra).withFallback(NodeTest.settings(dir, db).config())));
    }

    /** {@code n} ticks of {@code symbol} a minute apart from {@code minute} (09:MM), without cum_volume. */
    static List<Tick> ticks(String symbol, int minute, int n) {
        List<Tick> out = new ArrayList<>();
        long t0 = NodeTest.krx("2026-11-20T09:00");
        for (int i = minute; i < minute + n; i++) {
            out.add(new Tick(symbol, t0 + i * 60_000L + 500, 1000 + i, 10));
        }
        return out;
    }

    /** The journal locked against writes until {@link Connection#commit()} (or close). */
    private Connection lockJournal() throws Exception {
        Connection c = db.connect();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("LOCK TABLE " + db.pgSchema() + ".event_journal IN EXCLUSIVE MODE");
        }
        return c;
    }

    /** Sessions waiting for a lock in this schema's database (the entity's write, held by the lock). */
    private int waitingForLock() throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                     + " AND query ILIKE '%event_journal%'")) {
            r.next();
            return r.getInt(1);
        }
    }

    static double retries(Node node) {
        Matcher m = RETRIES.matcher(node.metrics());
        assertTrue(m.find(), "tickwatch_ingest_retries_total in /metrics");
        return Double.parseDouble(m.group(1));
    }

    private static void assertCountedOnce(Node node, String symbol, long ticks) throws Exception {
        TickerStatus st = NodeTest.get(node.status(symbol)).orElseThrow();
        assertEquals(ticks, st.accepted(), symbol + ": every tick counted once");
        assertEquals(0, st.rejected().values().stream().mapToLong(Long::longValue).sum(),
                symbol + ": no attempt's ticks offered again (they would be late or duplicates): " + st.rejected());
    }

    @Test
    void aSlowButDeliveredAskIsAnsweredOnceWhateverItsAttempts() throws Exception {
        try (Node node = start("")) {
            assertEquals(3, NodeTest.get(node.ingest(ticks("900001", 0, 3))).accepted()); // started, journal warm
            double before = retries(node);
            try (Connection lock = lockJournal()) {
                // No Idempotency-Key: the node's own batch id is what recognises the attempts sent again.
                CompletableFuture<IngestResult> slow = node.ingest(ticks("900001", 3, 5)).toCompletableFuture();
                Await.until(() -> retries(node) >= before + 3, WAIT, "three attempts sent again while the write waits");
                assertTrue(!slow.isDone(), "no answer while the journal is locked");
                lock.commit();
                IngestResult r = slow.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                // Usually the first attempt's own answer (accepted 5); on a loaded machine a later attempt's
                // "already stored" can come first (IngestAttempts says why). Either way the five ticks, once.
                assertEquals(5, r.accepted() + r.alreadyStored(), "the batch's ticks stored: " + r);
            }
            assertCountedOnce(node, "900001", 8);
        }
    }

    @Test
    void aFeedsSlowBatchIsCountedOnceToo() throws Exception {
        // The sources' way in (SourceContext -> Node.ingestWatched), numbered like Binance's aggregate ids,
        // without a key like the ls and naver sources: the same attempts, the same batch id.
        try (Node node = start("")) {
            assertEquals(2, NodeTest.get(node.ingest(ticks("900003", 0, 2))).accepted()); // watched, started
            double before = retries(node);
            try (Connection lock = lockJournal()) {
                CompletableFuture<IngestResult> slow = node.ingestWatched("binance", ticks("900003", 2, 4),
                        new long[] {11, 12, 13, 14}, null).toCompletableFuture();
                Await.until(() -> retries(node) >= before + 2, WAIT, "two attempts sent again while the write waits");
                lock.commit();
                IngestResult r = slow.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                // As above: the first attempt's "accepted 4" or a later attempt's "already stored 4".
                assertEquals(4, r.accepted() + r.alreadyStored(), "the batch's ticks stored: " + r);
            }
            assertCountedOnce(node, "900003", 6);
            assertEquals(14, NodeTest.get(node.position("900003")), "the highest aggregate id stored");
        }
    }

    @Test
    void aDroppedAskIsSentAgainAndLands() throws Exception {
        // A stash of two that drops its overflow: while the entity writes, two more asks wait in the stash
        // and a fourth is dropped, as sharding drops the asks it buffered for a shard at a hand-off. (Two,
        // not one: a new entity's recovery stashes the registry's wake-up beside the first ask.)
        try (Node node = start("""
                pekko.persistence.typed.stash-capacity = 2
                pekko.persistence.typed.stash-overflow-strategy = drop
                """)) {
            assertEquals(1, NodeTest.get(node.ingest(ticks("900002", 0, 1))).accepted());
            AtomicInteger dropped = new AtomicInteger();
            ActorRef<Dropped> drops = node.system().systemActorOf(Behaviors.receive(Dropped.class)
                    .onAnyMessage(d -> {
                        dropped.incrementAndGet();
                        return Behaviors.same();
                    }).build(), "drops", Props.empty());
            node.system().eventStream().tell(new EventStream.Subscribe<>(Dropped.class, drops));
            List<CompletableFuture<IngestResult>> asks = new ArrayList<>();
            try (Connection lock = lockJournal()) {
                asks.add(node.ingest(ticks("900002", 1, 2)).toCompletableFuture());
                Await.until(() -> {
                    try {
                        return waitingForLock() > 0;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, WAIT, "the entity's write waits for the lock");
                // Three more callers (say, feeds and clients) while it writes: one of them overflows the stash.
                asks.add(node.ingest(ticks("900002", 3, 2)).toCompletableFuture());
                asks.add(node.ingest(ticks("900002", 5, 2)).toCompletableFuture());
                asks.add(node.ingest(ticks("900002", 7, 2)).toCompletableFuture());
                Await.until(() -> dropped.get() > 0, WAIT, "an ask dropped by the full stash");
                lock.commit();
            }
            long answered = 0;
            for (CompletableFuture<IngestResult> a : asks) {
                IngestResult r = a.get(WAIT.toSeconds(), TimeUnit.SECONDS); // not sent again: fails at 20 s
                answered += r.accepted() + r.alreadyStored() + r.rejectedTotal();
            }
            assertEquals(8, answered, "each ask answered for its own ticks");
            // The three later asks raced (which one was dropped decides which lands first), so ticks of the
            // earlier minutes may come after the later ones and be refused as late: count, not order.
            TickerStatus st = NodeTest.get(node.status("900002")).orElseThrow();
            assertEquals(9, st.accepted() + st.rejected().values().stream().mapToLong(Long::longValue).sum(),
                    "every tick offered to the model once: accepted " + st.accepted() + ", rejected " + st.rejected());
        }
    }
}
