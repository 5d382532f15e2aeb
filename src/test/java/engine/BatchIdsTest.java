package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import conditions.Tick;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchIdsTest {
    static final List<Tick> TICKS = List.of(new Tick("005930", 1_000, 70_000, 10), new Tick("005930", 2_000, 70_100, 5));

    @Test
    void theSameRequestSentAgainGetsTheSameIdsAndAnythingElseOthers() {
        assertEquals(BatchIds.of("feed-1:42", "005930", 0, TICKS), BatchIds.of("feed-1:42", "005930", 0, List.copyOf(TICKS)));
        Set<Long> ids = new HashSet<>();
        for (String key : new String[] {"feed-1:42", "feed-1:43", "feed-1:420"}) {
            for (String symbol : new String[] {"005930", "000660"}) {
                for (int index = 0; index < 3; index++) {
                    long id = BatchIds.of(key, symbol, index, TICKS);
                    assertNotEquals(0, id, "0 means no id");
                    assertTrue(ids.add(id), key + " " + symbol + " " + index);
                }
            }
        }
        // the key and the symbol are separated, so they cannot run into each other
        assertNotEquals(BatchIds.of("a0", "05930", 0, TICKS), BatchIds.of("a", "005930", 0, TICKS));
    }

    /** A key used again for other ticks (a client's counter restarted) must not make them "already stored". */
    @Test
    void otherTicksUnderTheSameKeyGetAnotherId() {
        long id = BatchIds.of("feed-1:1", "005930", 0, TICKS);
        assertNotEquals(id, BatchIds.of("feed-1:1", "005930", 0, TICKS.subList(0, 1)));
        assertNotEquals(id, BatchIds.of("feed-1:1", "005930", 0,
                List.of(TICKS.get(0), new Tick("005930", 2_000, 70_100, 6))), "volume");
        assertNotEquals(id, BatchIds.of("feed-1:1", "005930", 0,
                List.of(TICKS.get(0), new Tick("005930", 2_000, 70_100.5, 5))), "price");
        assertNotEquals(id, BatchIds.of("feed-1:1", "005930", 0,
                List.of(TICKS.get(0), new Tick("005930", 2_001, 70_100, 5))), "time");
    }

    @Test
    void keysArePrintableAsciiOfAtMost200Characters() {
        assertNull(BatchIds.problem("3f2a9c1e-6b1d-4c8e-9a57-0c2f1d4e8b7a"));
        assertNull(BatchIds.problem("x".repeat(200)));
        assertTrue(BatchIds.problem("").contains("1 to 200"));
        assertTrue(BatchIds.problem("x".repeat(201)).contains("got 201"));
        assertTrue(BatchIds.problem("two words").contains("character 4"));
        assertTrue(BatchIds.problem("배치-1").contains("character 1"));
    }
}
