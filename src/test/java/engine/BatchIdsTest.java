package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchIdsTest {
    @Test
    void theSameRequestSentAgainGetsTheSameIdsAndAnythingElseOthers() {
        assertEquals(BatchIds.of("feed-1:42", "005930", 0), BatchIds.of("feed-1:42", "005930", 0));
        Set<Long> ids = new HashSet<>();
        for (String key : new String[] {"feed-1:42", "feed-1:43", "feed-1:420"}) {
            for (String symbol : new String[] {"005930", "000660"}) {
                for (int index = 0; index < 3; index++) {
                    long id = BatchIds.of(key, symbol, index);
                    assertNotEquals(0, id, "0 means no id");
                    assertTrue(ids.add(id), key + " " + symbol + " " + index);
                }
            }
        }
        // the key and the symbol are separated, so they cannot run into each other
        assertNotEquals(BatchIds.of("a0", "05930", 0), BatchIds.of("a", "005930", 0));
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
