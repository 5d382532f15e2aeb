package engine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node trading paper from a condition's order block, seen through {@code GET /api/orders},
 * {@code GET /api/positions} and the halt switch over real HTTP.
 */
class OrderApiTest {
    static final String CONDITIONS = """
            {"up": {"when": ["CLOSE", ">", 0], "symbols": ["BTCUSDT"], "check": "update", "sinks": ["orders"],
                    "order": {"broker": "binance", "side": "buy", "quantity": 0.01}}}""";
    static final String CONFIG = """
            tickwatch.sinks.orders { type = orders, backoff = 100ms, max-backoff = 500ms }
            tickwatch.orders { mode = paper, max-age = 30m, paper-fill-wait = 30s }
            """;

    @TempDir
    Path dir;

    static RawHttp.Reply call(ApiNode api, String method, String path, String body) throws Exception {
        return body == null ? RawHttp.send(api.open, method, path, Map.of())
                : RawHttp.send(api.open, method, path, Map.of("Content-Type", "application/json"), body);
    }

    static JsonNode json(RawHttp.Reply r) throws Exception {
        assertEquals(200, r.status(), r.body());
        return RawHttp.JSON.readTree(r.body());
    }

    /** {@link #json} of a GET, for a wait (no checked exception). */
    static JsonNode get(ApiNode api, String path) {
        try {
            return json(call(api, "GET", path, null));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void push(ApiNode api, Instant at, double price) {
        try {
            assertEquals(200, call(api, "POST", "/api/ticks", tick(at, price)).status());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String tick(Instant at, double price) {
        return "[{\"time\": \"" + at + "\", \"symbol\": \"BTCUSDT\", \"price\": " + price + ", \"volume\": 1}]";
    }

    @Test
    void paperOrdersPositionsAndTheHaltSwitch() throws Exception {
        try (ApiNode api = ApiNode.start(dir, CONDITIONS, "", CONFIG)) {
            assertEquals(201, call(api, "POST", "/api/tickers", "{\"symbol\": \"BTCUSDT\", \"source\": \"push\"}").status());
            Instant first = Instant.now().minus(Duration.ofMinutes(6));
            call(api, "POST", "/api/ticks", tick(first, 91000));
            // the paper order fills at the next tick
            testkit.Await.until(() -> {
                push(api, first.plusSeconds(1), 91010);
                JsonNode o = get(api, "/api/orders?symbol=BTCUSDT");
                return o.size() == 1 && o.get(0).get("state").asText().equals("filled");
            }, Duration.ofSeconds(40), "a filled paper order");
            JsonNode order = json(call(api, "GET", "/api/orders?state=filled", null)).get(0);
            assertEquals("binance", order.get("broker").asText());
            assertEquals("buy", order.get("side").asText());
            assertEquals(0.01, order.get("quantity").asDouble());
            assertEquals(91010.0, order.get("fill_price").asDouble());
            assertEquals("BTCUSDT/up/", order.get("hit").asText().substring(0, 11));
            JsonNode position = json(call(api, "GET", "/api/positions", null)).get(0);
            assertEquals(0.01, position.get("quantity").asDouble());
            assertEquals(91010.0, position.get("average_price").asDouble());

            JsonNode halted = json(call(api, "POST", "/api/orders/halt?reason=desk%20says%20stop", ""));
            assertTrue(halted.get("halted").asBoolean());
            call(api, "POST", "/api/ticks", tick(Instant.now().minusSeconds(30), 91500)); // a new bar: a new hit
            testkit.Await.until(() -> get(api, "/api/orders?state=refused").size() == 1,
                    Duration.ofSeconds(30), "the hit after the halt refused");
            JsonNode refused = json(call(api, "GET", "/api/orders?state=refused", null)).get(0);
            assertEquals("orders are halted (desk says stop); POST /api/orders/resume to trade again",
                    refused.get("reason").asText());
            assertEquals(false, json(call(api, "POST", "/api/orders/resume", "")).get("halted").asBoolean());
            assertEquals(2, json(call(api, "GET", "/api/orders", null)).size());
            assertEquals(0, json(call(api, "GET", "/api/orders?day=2020-01-01", null)).size());
            assertEquals(400, call(api, "GET", "/api/orders?state=done", null).status());
            assertEquals(400, call(api, "GET", "/api/orders?day=yesterday", null).status());
        }
    }
}
