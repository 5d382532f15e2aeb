package persistence.tickfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The body of {@code POST /api/ticks}: trailing content refused, limits enforced while parsing. */
class TickBatchTest {
    static final String GOOD = "{\"time\":\"2026-11-20T09:00:03.120+09:00\",\"symbol\":\"005930\",\"price\":70000,\"volume\":10}";

    static TickBatch parse(String body, int max) {
        return TickBatch.parse(body.getBytes(StandardCharsets.UTF_8), max);
    }

    @Test
    void anArrayAndJsonLinesReadTheSame() {
        TickBatch a = parse("[" + GOOD + ",\n " + GOOD + "]", 10);
        TickBatch l = parse(GOOD + "\n\n" + GOOD + "\r\n", 10);
        assertTrue(a.ok() && l.ok());
        assertEquals(2, a.ticks().size());
        assertEquals(a.ticks(), l.ticks());
    }

    @Test
    void twoObjectsOnOneLineAreRefusedNotHalfStored() {
        TickBatch b = parse(GOOD + GOOD + "\n" + GOOD, 10);
        assertFalse(b.ok());
        assertEquals(new TickBatch.Problem("line", 1, "unexpected content after the JSON object: one tick per line"),
                b.problems().get(0));
        TickBatch garbage = parse(GOOD + " x\n", 10);
        assertEquals("line", garbage.problems().get(0).where());
        assertTrue(garbage.problems().get(0).reason().startsWith("invalid JSON"), garbage.problems().toString());
    }

    @Test
    void twoArraysInOneBodyAreRefused() {
        TickBatch b = parse("[" + GOOD + "][" + GOOD + "]", 10);
        assertFalse(b.ok());
        assertEquals("body", b.problems().get(0).where());
        assertTrue(b.problems().get(0).reason().startsWith("unexpected content after the array"));
        assertFalse(parse("[" + GOOD + "] 5", 10).ok());
        assertFalse(parse("[" + GOOD, 10).ok(), "an array that is never closed");
    }

    @Test
    void everyBadElementIsReportedButOnlyTheFirstHundredAreKept() {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 500; i++) {
            body.append(i == 0 ? "" : ",").append(i % 2 == 0 ? GOOD : "{\"time\":1}");
        }
        TickBatch b = parse(body.append(']').toString(), 1000);
        assertEquals(250, b.problemCount());
        assertEquals(TickBatch.KEPT_PROBLEMS, b.problems().size());
        assertEquals(new TickBatch.Problem("index", 1, "missing \"symbol\""), b.problems().get(0));
        assertEquals(199, b.problems().get(99).at());
        assertTrue(b.ticks().size() <= 1, "ticks after the first problem are not collected: the batch is refused whole");
    }

    @Test
    void parsingStopsAtTheFirstTickPastTheLimit() {
        // 32 MiB of empty objects: parsing must stop at the limit, not collect millions of problems
        byte[] body = new byte[32 << 20];
        Arrays.fill(body, (byte) ',');
        for (int i = 1; i + 1 < body.length; i += 3) {
            body[i] = '{';
            body[i + 1] = '}';
        }
        body[0] = '[';
        body[body.length - 1] = ']';
        TickBatch b = TickBatch.parse(body, 100_000);
        assertTrue(b.tooMany());
        assertEquals(100_000, b.problemCount(), "the elements up to the limit were read, no more");
        assertEquals(TickBatch.KEPT_PROBLEMS, b.problems().size());

        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            lines.append(GOOD).append('\n');
        }
        TickBatch l = parse(lines.toString(), 10);
        assertTrue(l.tooMany());
        assertEquals(10, l.ticks().size());
    }
}
