package engine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.Await;

/**
 * {@code GET /metrics} read as a scraper reads it (a strict parser of the text format): its counters
 * move with what a user does through the API, and it sits behind the API's token.
 */
class MetricsTest {
    private static final String TOKEN = "metrics-test-token";
    /** Hits on every bar's first tick, to the log sink. */
    private static final String CONDITIONS = """
            {"every-bar": {"when": ["CLOSE", ">", 1], "check": "update", "sinks": ["log"]}}""";

    @TempDir
    static Path dir;
    static ApiNode api;

    @BeforeAll
    static void start() throws Exception {
        api = ApiNode.start(dir, CONDITIONS, TOKEN);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static PrometheusText scrape() {
        try {
            RawHttp.Reply r = RawHttp.send(api.open, "GET", "/metrics", Map.of());
            assertEquals(200, r.status(), r.body());
            assertTrue(r.headers().get("content-type").startsWith("text/plain"), r.headers().toString());
            return PrometheusText.parse(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RawHttp.Reply push(String ticks) throws IOException {
        return RawHttp.send(api.open, "POST", "/api/ticks", Map.of("Content-Type", "application/x-ndjson"), ticks);
    }

    static String tick(String symbol, String time, double price) {
        return "{\"time\":\"2026-11-20T" + time + "+09:00\",\"symbol\":\"" + symbol + "\",\"price\":" + price
                + ",\"volume\":10}\n";
    }

    @Test
    void countersMoveWithPushedTicksRejectsHitsAndDeliveries() throws Exception {
        PrometheusText before = scrape();
        String s = "005930";
        RawHttp.Reply first = push(tick(s, "09:00:03", 100) + tick(s, "09:01:00", 101) + tick(s, "09:06:00", 102));
        assertEquals(200, first.status(), first.body());
        RawHttp.Reply rejects = push(tick(s, "09:02:00", 103) // its bar closed: late
                + tick(s, "20:00:00", 104) // after the session
                + "{\"time\":\"2031-01-02T10:00:00+09:00\",\"symbol\":\"" + s + "\",\"price\":105,\"volume\":1}\n");
        assertEquals(200, rejects.status(), rejects.body());

        PrometheusText after = scrape();
        assertEquals(3, after.value("tickwatch_ticks_accepted_total", "source", "push")
                - before.value("tickwatch_ticks_accepted_total", "source", "push"));
        for (String reason : new String[] {"late", "outside_session", "future"}) {
            assertEquals(1, after.value("tickwatch_ticks_rejected_total", "source", "push", "reason", reason)
                    - before.value("tickwatch_ticks_rejected_total", "source", "push", "reason", reason), reason);
        }
        assertEquals("counter", after.type("tickwatch_ticks_accepted_total"));
        assertTrue(after.help("tickwatch_ticks_rejected_total").contains("reason"));
        assertEquals("counter", after.type("tickwatch_ingest_retries_total")); // its moves: IngestRetryTest
        assertEquals(0, after.value("tickwatch_ingest_timeouts_total"), "every ingest ask answered");
        assertEquals(1, after.value("tickwatch_bars_closed_total") - before.value("tickwatch_bars_closed_total"),
                "the 09:00 bar closed");
        assertEquals(1, after.value("tickwatch_entities"), "one ticker entity runs");
        assertTrue(after.value("tickwatch_journal_write_seconds_count")
                > before.value("tickwatch_journal_write_seconds_count"), "the writes were timed");
        assertTrue(after.value("tickwatch_journal_write_seconds_bucket", "le", "+Inf")
                == after.value("tickwatch_journal_write_seconds_count"), "the histogram's buckets add up");

        // the 09:00 and 09:05 bars each hit once, on their first tick; the log sink delivers both
        Await.until(() -> scrape().value("tickwatch_sink_deliveries_total", "sink", "log")
                - before.value("tickwatch_sink_deliveries_total", "sink", "log") == 2, Duration.ofSeconds(20),
                "two deliveries to the log sink");
        PrometheusText delivered = scrape();
        assertEquals(2, delivered.value("tickwatch_hits_total", "condition", "every-bar")
                - before.value("tickwatch_hits_total", "condition", "every-bar"));
        assertEquals(0, delivered.value("tickwatch_sink_failures_total", "sink", "log"));
        assertEquals(0, delivered.value("tickwatch_sink_queue_depth", "sink", "log"));
        assertEquals(1, delivered.value("tickwatch_sink_up", "sink", "log"));

        // a removed ticker's entity stops: no longer counted
        assertEquals(204, RawHttp.send(api.open, "DELETE", "/api/tickers/" + s, Map.of()).status());
        Await.until(() -> scrape().value("tickwatch_entities") == 0, Duration.ofSeconds(20), "no entity left");
    }

    @Test
    void theSourcesShowWhatTheirHealthReports() {
        PrometheusText m = scrape();
        // binance is configured by default and idle (no ticker names it): up, no connection, no messages
        assertEquals(1, m.value("tickwatch_source_up", "source", "binance"));
        assertTrue(m.has("tickwatch_source_connections"), m.toString());
        assertEquals(0, m.value("tickwatch_source_connections", "source", "binance"));
        assertEquals(0, m.value("tickwatch_source_messages_total", "source", "binance"));
        assertEquals(0, m.value("tickwatch_source_reconnects_total", "source", "binance"));
        // the naver crawler has no connection: it shows only the fields it reports
        assertEquals(1, m.value("tickwatch_source_up", "source", "naver"));
        assertTrue(m.samples().stream().noneMatch(x -> x.name().equals("tickwatch_source_connections")
                && "naver".equals(x.labels().get("source"))), "no connections for naver");
        assertEquals(0, m.value("tickwatch_source_requests_total", "source", "naver"));
        assertTrue(m.samples().stream().anyMatch(x -> x.name().equals("tickwatch_source_requests_total")
                && "naver".equals(x.labels().get("source"))), "naver's requests");
    }

    @Test
    void theJvmIsThere() {
        PrometheusText m = scrape();
        assertTrue(m.sum("jvm_memory_used_bytes", "area", "heap") > 0, "heap in use");
        assertTrue(m.value("jvm_threads_live_threads") > 0, "live threads");
        assertTrue(m.has("jvm_gc_memory_allocated_bytes_total") || m.has("jvm_gc_pause_seconds_count"), "GC");
    }

    @Test
    void withATokenItIsTheApisRule() throws Exception {
        RawHttp.Reply none = RawHttp.send(api.guarded, "GET", "/metrics", Map.of());
        assertEquals(401, none.status(), none.body());
        RawHttp.Reply wrong = RawHttp.send(api.guarded, "GET", "/metrics", Map.of("Authorization", "Bearer nope"));
        assertEquals(401, wrong.status(), wrong.body());
        RawHttp.Reply right = RawHttp.send(api.guarded, "GET", "/metrics", Map.of("Authorization", "Bearer " + TOKEN));
        assertEquals(200, right.status(), right.body());
        PrometheusText.parse(right.body());
    }

    @Test
    void theParserIsStrict() {
        String ok = "# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1\"} 2.0\n";
        assertEquals(2.0, PrometheusText.parse(ok).value("a_total", "x", "1"));
        for (String bad : new String[] {
                "a_total{x=\"1\"} 2.0", // no final line feed
                "# TYPE a_total counter\na_total{x=1} 2\n", // unquoted label value
                "# TYPE a_total counter\na_total -1\n", // a negative counter
                "# TYPE a gauge\na 1\nb 1\na{x=\"2\"} 1\n", // a family split in two
                "# TYPE a gauge\na 1\na 2\n", // the same series twice
                "# TYPE a gauge\na one\n", // not a number
                "# TYPE 1a gauge\n", // not a metric name
        }) {
            try {
                PrometheusText.parse(bad);
                throw new AssertionError("accepted: " + bad);
            } catch (IllegalArgumentException expected) {
                // the reader refuses it
            }
        }
    }
}
