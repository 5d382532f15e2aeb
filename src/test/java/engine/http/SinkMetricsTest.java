package engine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import actors.sinks.FakeWebhookReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testkit.Await;

/**
 * A sink that cannot deliver shows it in {@code /metrics}: its failed attempts, the retries, the dead
 * letter it ends as, an empty queue after, and that it is not up.
 */
class SinkMetricsTest {
    @TempDir
    Path dir;

    @Test
    void aWebhookThatNobodyAnswersRetriesThenDies() throws Exception {
        int nobody = FakeWebhookReceiver.freePort(); // connection refused
        String config = """
                tickwatch.sinks.log.enabled = false
                tickwatch.sinks.webhook {
                  max-retries = 1, backoff = 50ms, max-backoff = 100ms, timeout = 2s
                  endpoints { desk { url = "http://127.0.0.1:%d/in" } }
                }
                """.formatted(nobody);
        try (ApiNode api = ApiNode.start(dir,
                "{\"up\": {\"when\": [\"CLOSE\", \">\", 0], \"check\": \"update\", \"sinks\": [\"webhook:desk\"]}}",
                "", config)) {
            RawHttp.Reply pushed = RawHttp.send(api.open, "POST", "/api/ticks", Map.of("Content-Type", "application/json"),
                    "[{\"time\":\"2026-11-20T09:00:03+09:00\",\"symbol\":\"005930\",\"price\":100,\"volume\":1}]");
            assertEquals(200, pushed.status(), pushed.body());
            Await.until(() -> scrape(api).value("tickwatch_sink_dead_letters_total", "sink", "webhook:desk") == 1,
                    Duration.ofSeconds(30), "one dead letter");
            PrometheusText m = scrape(api);
            assertEquals(2, m.value("tickwatch_sink_failures_total", "sink", "webhook:desk"), "the first try and one retry");
            assertEquals(1, m.value("tickwatch_sink_retries_total", "sink", "webhook:desk"));
            assertEquals(0, m.value("tickwatch_sink_deliveries_total", "sink", "webhook:desk"));
            assertEquals(0, m.value("tickwatch_sink_queue_depth", "sink", "webhook:desk"));
            assertEquals(0, m.value("tickwatch_sink_up", "sink", "webhook:desk"));
            assertEquals(1, m.value("tickwatch_hits_total", "condition", "up"));
        }
    }

    static PrometheusText scrape(ApiNode api) {
        try {
            return PrometheusText.parse(RawHttp.send(api.open, "GET", "/metrics", Map.of()).body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
