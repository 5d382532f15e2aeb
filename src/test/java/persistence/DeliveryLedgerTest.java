package persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ledger's protocol on H2 and on PostgreSQL: an item is queued once, sent only by the node that
 * begins it (or takes it over after its lease), and its final states stick.
 */
class DeliveryLedgerTest {
    @EachDb("ledger")
    void protocol(TestDb.Db db) {
        DeliveryLedger l = new DeliveryLedger(db::connect, db.settings());
        l.createTable();
        l.createTable(); // harmless when it exists
        StoredHit h = new StoredHit("c", "005930", 1_000, "KRX", Map.of("CLOSE", 1.5, "X", Double.NaN), List.of("w"));
        String p = DeliveryLedger.payload(h);
        assertEquals(h.id(), DeliveryLedger.hit(p).id(), "the payload reads back");
        assertTrue(Double.isNaN(DeliveryLedger.hit(p).values().get("X")));

        assertTrue(l.enqueue("w", "a", p, "n1", 10_000, 1_000));
        assertFalse(l.enqueue("w", "a", p, "n2", 10_000, 1_500), "the second node finds it queued");
        assertTrue(l.enqueue("other", "a", p, "n2", 10_000, 1_500), "another sink has its own row");

        assertTrue(l.begin("w", "a", "n2", 20_000, 2_000).isEmpty(), "n2 may not send what n1 holds");
        assertEquals(1, l.begin("w", "a", "n1", 20_000, 2_000).getAsInt());
        l.failed("w", "a", "503", 2_100);
        assertEquals(DeliveryLedger.State.FAILED, l.get("w", "a").orElseThrow().state());
        assertEquals("503", l.get("w", "a").orElseThrow().lastError());
        // n1 crashed: after its lease n2 takes over, and then n1 may not send any more
        assertTrue(l.claim("w", "n2", 40_000, 19_999, 10, Set.of()).isEmpty(), "lease not over yet");
        assertEquals(List.of("a"), l.claim("w", "n2", 40_000, 20_001, 10, Set.of()).stream()
                .map(DeliveryLedger.Entry::id).toList());
        assertTrue(l.begin("w", "a", "n1", 50_000, 20_002).isEmpty());
        assertEquals(2, l.begin("w", "a", "n2", 50_000, 20_002).getAsInt());
        l.sent("w", "a", 20_003);
        assertTrue(l.begin("w", "a", "n2", 60_000, 20_004).isEmpty(), "sent is final");
        assertTrue(l.claim("w", "n2", 90_000, 80_000, 10, Set.of()).isEmpty());

        assertTrue(l.enqueue("w", "b", p, "n1", 10_000, 3_000));
        assertEquals(1, l.begin("w", "b", "n1", 10_000, 3_000).getAsInt());
        l.dead("w", "b", "gone", 3_001);
        assertTrue(l.record("w", "c", DeliveryLedger.State.SKIPPED, "max-age", p, 3_002));
        assertFalse(l.record("w", "c", DeliveryLedger.State.SKIPPED, "max-age", p, 3_002));
        Map<DeliveryLedger.State, Long> c = l.counts("w");
        assertEquals(1L, c.get(DeliveryLedger.State.SENT));
        assertEquals(1L, c.get(DeliveryLedger.State.DEAD));
        assertEquals(1L, c.get(DeliveryLedger.State.SKIPPED));
        assertEquals(0L, c.get(DeliveryLedger.State.QUEUED));

        List<DeliveryLedger.Entry> again = l.requeueDead("w", "n3", 100_000, 4_000);
        assertEquals(List.of("b"), again.stream().map(DeliveryLedger.Entry::id).toList());
        assertEquals(1, l.begin("w", "b", "n3", 100_000, 4_001).getAsInt(), "attempts count from zero again");
        assertTrue(l.requeueDead("w", "n3", 100_000, 4_002).isEmpty());
    }
}
