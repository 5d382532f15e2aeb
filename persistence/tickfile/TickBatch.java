package persistence.tickfile;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import conditions.Tick;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A request body of ticks ({@code POST /api/ticks}): a JSON array of tick objects, or JSON Lines
 * (one object per line). Read as a stream with {@link TickJsonReader}, the reader tick files use,
 * so a body of millions of tiny objects costs no more memory than the ticks a request may hold:
 * parsing stops at the first tick past the limit, and only the first {@link #KEPT_PROBLEMS}
 * problems are kept (the rest are counted).
 *
 * @param ticks        the well-formed ticks, in order (all of them only when there is no problem)
 * @param problems     the first problems: where ({@code index} in an array, {@code line} in JSON Lines) and why
 * @param problemCount every problem found
 * @param tooMany      the body holds more than the limit of ticks (parsing stopped there)
 */
public record TickBatch(List<Tick> ticks, List<Problem> problems, long problemCount, boolean tooMany) {
    public static final int KEPT_PROBLEMS = 100;

    /** What is wrong with one element, or with the body ({@code where} is {@code "body"}). */
    public record Problem(String where, long at, String reason) {
    }

    public boolean ok() {
        return problemCount == 0 && !tooMany;
    }

    /** Reads {@code body[from, to)} holding at most {@code maxTicks} ticks. */
    public static TickBatch parse(byte[] body, int from, int to, int maxTicks) {
        Collector c = new Collector(maxTicks);
        int s = skipSpace(body, from, to);
        if (s + 3 <= to && (body[s] & 0xff) == 0xEF && (body[s + 1] & 0xff) == 0xBB && (body[s + 2] & 0xff) == 0xBF) {
            s = skipSpace(body, s + 3, to); // a UTF-8 byte order mark
        }
        try {
            if (s < to && body[s] == '[') {
                c.array(body, s, to);
            } else {
                c.lines(body, s, to);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not from a byte array: Jackson's syntax errors are caught above
        }
        return new TickBatch(c.ticks, c.problems, c.problemCount, c.tooMany);
    }

    public static TickBatch parse(byte[] body, int maxTicks) {
        return parse(body, 0, body.length, maxTicks);
    }

    private static int skipSpace(byte[] b, int s, int e) {
        while (s < e && (b[s] == ' ' || b[s] == '\t' || b[s] == '\r' || b[s] == '\n')) {
            s++;
        }
        return s;
    }

    private static final class Collector {
        final int maxTicks;
        final List<Tick> ticks = new ArrayList<>();
        final List<Problem> problems = new ArrayList<>();
        final TickJsonReader reader = new TickJsonReader();
        long problemCount;
        long elements;
        boolean tooMany;

        Collector(int maxTicks) {
            this.maxTicks = maxTicks;
        }

        /** Counts an element; false once the body holds more than the limit. */
        boolean room() {
            if (++elements > maxTicks) {
                tooMany = true;
            }
            return !tooMany;
        }

        void problem(String where, long at, String reason) {
            problemCount++;
            if (problems.size() < KEPT_PROBLEMS) {
                problems.add(new Problem(where, at, reason));
            }
        }

        void take(Tick t, String where, long at) {
            if (t == null) {
                problem(where, at, reader.error());
            } else if (problemCount == 0) {
                ticks.add(t); // after a problem the batch is refused whole: keep parsing only to report
            }
        }

        void array(byte[] b, int s, int e) throws IOException {
            long index = 0;
            try (JsonParser p = TickJsonReader.FACTORY.createParser(b, s, e - s)) {
                p.nextToken(); // [
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t == null) {
                        problem("body", 0, "the array is not closed");
                        return;
                    }
                    if (!room()) {
                        return;
                    }
                    take(reader.read(p), "index", index++);
                }
                if (p.nextToken() != null) {
                    problem("body", 0, "unexpected content after the array: send one array, or JSON Lines");
                }
            } catch (JsonProcessingException ex) {
                problem("index", index, "invalid JSON: " + ex.getOriginalMessage());
            }
        }

        void lines(byte[] b, int s, int e) throws IOException {
            long line = 0;
            int i = s;
            // line numbers count from the start of the body, blank lines included
            for (int k = 0; k < s; k++) {
                if (b[k] == '\n') {
                    line++;
                }
            }
            while (i < e) {
                int end = i;
                while (end < e && b[end] != '\n') {
                    end++;
                }
                line++;
                int ls = skipSpace(b, i, end);
                if (ls < end) {
                    if (!room()) {
                        return;
                    }
                    line(b, ls, end, line);
                }
                i = end + 1;
            }
        }

        private void line(byte[] b, int s, int e, long line) throws IOException {
            try (JsonParser p = TickJsonReader.FACTORY.createParser(b, s, e - s)) {
                p.nextToken();
                Tick t = reader.read(p);
                if (t != null && p.nextToken() != null) {
                    problem("line", line, "unexpected content after the JSON object: one tick per line");
                    return;
                }
                take(t, "line", line);
            } catch (JsonProcessingException ex) {
                problem("line", line, "invalid JSON: " + ex.getOriginalMessage());
            }
        }
    }
}
