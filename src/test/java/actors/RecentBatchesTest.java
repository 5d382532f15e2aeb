package actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecentBatchesTest {
    @Test
    void remembersTheNewestCapacityIdsAndForgetsOlderOnes() {
        RecentBatches r = new RecentBatches(3);
        assertFalse(r.contains(1));
        r.add(1);
        r.add(2);
        assertEquals(List.of(1L, 2L), r.oldestFirst());
        r.add(3);
        r.add(4);
        assertFalse(r.contains(1), "the oldest is forgotten once the ring is full");
        assertTrue(r.contains(2) && r.contains(3) && r.contains(4));
        assertEquals(List.of(2L, 3L, 4L), r.oldestFirst());
        r.add(-5);
        assertEquals(List.of(3L, 4L, -5L), r.oldestFirst());
    }

    @Test
    void restoresWhatItStored() {
        RecentBatches r = new RecentBatches(4);
        for (long id = 1; id <= 6; id++) {
            r.add(id * 31);
        }
        RecentBatches back = RecentBatches.of(r.oldestFirst(), 4);
        assertEquals(r.oldestFirst(), back.oldestFirst());
        back.add(7);
        assertEquals(List.of(124L, 155L, 186L, 7L), back.oldestFirst());
        // a smaller capacity after a config change keeps the newest
        assertEquals(List.of(155L, 186L), RecentBatches.of(r.oldestFirst(), 2).oldestFirst());
    }

    @Test
    void zeroIsNotAnId() {
        assertThrows(IllegalArgumentException.class, () -> new RecentBatches(2).add(0));
        assertThrows(IllegalArgumentException.class, () -> new RecentBatches(0));
    }
}
