package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import actors.TickerEntity.TickerStatus;
import com.typesafe.config.ConfigFactory;
import conditions.Tick;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;
import testkit.Await;

/**
 * An idle ticker passivates, but only once its forming bar has closed by the clock, and comes back
 * with its state on its next message.
 */
class PassivationTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void anIdleTickerPassivatesAfterItsBarClosedAndComesBackWithItsState() throws Exception {
        // 1-minute bars; the last tick at 09:00:59.5, so the feed clock passes the bar's end half a
        // second later and the bar closes after the grace: far later than the idle time
        NodeSettings s = NodeSettings.load(ConfigFactory.parseString("""
                tickwatch.model.interval = "1m"
                tickwatch.clock.grace = 1500ms
                tickwatch.passivate-after = 200ms
                """).withFallback(NodeTest.settings(dir, TestDb.h2(dir.resolve("data"))).config()));
        try (Node node = Node.start(s)) {
            long t0 = NodeTest.krx("2026-11-20T09:00");
            List<Tick> ticks = List.of(new Tick("IDLE1", t0 + 10_000, 100, 5, 5L, null),
                    new Tick("IDLE1", t0 + 30_000, 101, 5, 10L, null),
                    new Tick("IDLE1", t0 + 59_500, 102, 5, 15L, null));
            assertEquals(3, NodeTest.get(node.ingest(ticks)).accepted());

            // it passivates, and only after its forming bar closed by the clock
            Await.until(() -> hosted(node).isEmpty(), WAIT, "the idle entity passivated");
            TickerStatus st = NodeTest.get(node.status("IDLE1")).orElseThrow(); // starts it again
            assertEquals(1, st.barsClosed(), "the bar closed before the entity stopped");
            assertNull(st.forming());
            assertEquals(3, st.accepted(), "recovered with its state");
            assertEquals(List.of("IDLE1"), List.copyOf(hosted(node)));

            // it passivates again, and its next tick finds its history
            Await.until(() -> hosted(node).isEmpty(), WAIT, "passivated again");
            assertEquals(1, NodeTest.get(node.ingest(List.of(new Tick("IDLE1", t0 + 61_000, 103, 5, 20L, null))))
                    .accepted());
            TickerStatus next = NodeTest.get(node.status("IDLE1")).orElseThrow();
            assertEquals(4, next.accepted(), "counted on from the recovered state");
            assertEquals(1, next.barsClosed());
        }
    }

    private static java.util.Set<String> hosted(Node n) {
        try {
            return NodeClusterTest.hosted(n);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
