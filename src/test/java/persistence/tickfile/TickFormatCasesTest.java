package persistence.tickfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import conditions.Tick;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import persistence.tickfile.TickFormatCases.Case;

/**
 * Every reader of ticks makes the same of the same tick: the CSV reader (its fast path and its
 * careful path), the JSON Lines reader, and the body reader of {@code POST /api/ticks} (as an array
 * and as JSON Lines). {@code engine.http} runs the same table through the real endpoint.
 */
class TickFormatCasesTest {
    @TempDir
    Path dir;

    static Stream<Case> csvCases() {
        return TickFormatCases.CASES.stream().filter(c -> c.csv() != null);
    }

    static Stream<Case> jsonCases() {
        return TickFormatCases.CASES.stream().filter(c -> c.json() != null);
    }

    private List<Object> readFile(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        List<Object> out = new ArrayList<>();
        TickFileReader.read(p, out::add, (file, line, reason) -> out.add("line " + line + ": " + reason));
        return out;
    }

    private static void check(Case c, List<Object> got, String how) {
        assertEquals(1, got.size(), how + ": " + got);
        Object one = got.get(0);
        if (c.expected() != null) {
            assertEquals(c.expected(), one, how);
        } else {
            assertTrue(one instanceof String s && s.contains(c.reason()), how + ": expected a refusal with \""
                    + c.reason() + "\", got " + one);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("csvCases")
    void csv(Case c) throws IOException {
        check(c, readFile("t.csv", TickFormatCases.CSV_HEADER + "\n" + c.csv() + "\n"), "csv");
        // spaces after the commas take the careful path instead of the fast one
        check(c, readFile("spaced.csv", TickFormatCases.CSV_HEADER + "\n" + c.csv().replace(",", ", ") + "\n"),
                "csv, careful path");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jsonCases")
    void jsonLinesFile(Case c) throws IOException {
        check(c, readFile("t.jsonl", c.json() + "\n"), "jsonl");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jsonCases")
    void requestBody(Case c) {
        for (String body : List.of(c.json() + "\n", "[" + c.json() + "]")) {
            TickBatch b = TickBatch.parse(body.getBytes(StandardCharsets.UTF_8), 10);
            List<Object> got = new ArrayList<>(b.ticks());
            b.problems().forEach(p -> got.add(p.where() + " " + p.at() + ": " + p.reason()));
            check(c, got, body.startsWith("[") ? "array body" : "json lines body");
        }
    }
}
