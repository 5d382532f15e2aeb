package actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.sinks.RecordingSink;
import com.typesafe.config.ConfigFactory;
import conditions.Hit;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import persistence.StoredHit;

class HitRouterTest {
    static final ActorTestKit kit = ActorTestKit.create("router",
            ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load()));
    static final Duration WAIT = Duration.ofSeconds(5);

    @AfterAll
    static void shutdown() {
        kit.shutdownTestKit();
    }

    static StoredHit hit(String cond, long bar, String... sinks) {
        return new StoredHit(cond, "005930", bar, "KRX", Map.of("CLOSE", 1.0), List.of(sinks));
    }

    @Test
    void acksOnlyWhenEverySinkHasTheHitAndASlowSinkDelaysNobodyElse() throws Exception {
        RecordingSink fast = new RecordingSink("fast");
        RecordingSink slow = new RecordingSink("slow");
        slow.hold();
        RecentHits recent = new RecentHits(10);
        ActorRef<HitRouter.Command> router = kit.spawn(HitRouter.create(List.of(fast, slow), recent, Duration.ofMinutes(1)));
        TestProbe<HitRouter.Ack> both = kit.createTestProbe();
        TestProbe<HitRouter.Ack> fastOnly = kit.createTestProbe();

        router.tell(new HitRouter.Route(hit("a", 1, "fast", "slow"), both.ref()));
        router.tell(new HitRouter.Route(hit("b", 2, "fast"), fastOnly.ref()));

        assertEquals("005930/b/2", fastOnly.receiveMessage(WAIT).hitId(), "the fast sink is not held up");
        assertEquals(2, fast.delivered().size());
        both.expectNoMessage(Duration.ofMillis(200));
        assertEquals(List.of("005930/b/2"), recent.recent(null, 10).stream().map(Hit::id).toList());

        slow.release();
        assertEquals("005930/a/1", both.receiveMessage(WAIT).hitId());
        assertEquals(List.of("005930/a/1", "005930/b/2"), recent.recent(null, 10).stream().map(Hit::id).toList());
    }

    @Test
    void aFailingSinkIsRetriedAndEverySinkDropsWhatItHandled() {
        RecordingSink flaky = new RecordingSink("flaky");
        RecordingSink steady = new RecordingSink("steady");
        flaky.fail("flaky is down (test)");
        ActorRef<HitRouter.Command> router = kit.spawn(HitRouter.create(List.of(flaky, steady), new RecentHits(10),
                Duration.ofMinutes(1)));
        TestProbe<HitRouter.Ack> acks = kit.createTestProbe();
        StoredHit h = hit("c", 3, "flaky", "steady");

        router.tell(new HitRouter.Route(h, acks.ref()));
        acks.expectNoMessage(Duration.ofMillis(300));
        flaky.recover();
        // the entity asks again after its ack timeout; the steady sink already has it
        router.tell(new HitRouter.Route(h, acks.ref()));
        acks.receiveMessage(WAIT);
        router.tell(new HitRouter.Route(h, acks.ref())); // delivered again (a replay after a restart)
        acks.receiveMessage(WAIT);

        assertEquals(1, steady.delivered().size(), "handled once");
        assertEquals(1, flaky.delivered().size(), "handled once, after failing");
        assertTrue(flaky.attempts() >= 2);
    }

    @Test
    void unknownSinksAreLoggedOnceAndSkipped() {
        RecordingSink known = new RecordingSink("known");
        ActorRef<HitRouter.Command> router = kit.spawn(HitRouter.create(List.of(known), new RecentHits(10),
                Duration.ofMinutes(1)));
        TestProbe<HitRouter.Ack> acks = kit.createTestProbe();

        LoggingTestKit.warn("unknown sink \"telegram\"").withOccurrences(1).expect(kit.system(), () -> {
            router.tell(new HitRouter.Route(hit("d", 4, "telegram", "known"), acks.ref()));
            router.tell(new HitRouter.Route(hit("d", 5, "telegram"), acks.ref()));
            acks.receiveMessage(WAIT);
            acks.receiveMessage(WAIT);
            return null;
        });
        assertEquals(1, known.delivered().size());
    }
}
