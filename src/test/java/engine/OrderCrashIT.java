package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.sinks.orders.FakeVenue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * An order across {@code kill -9}: a node from the built jar trades paper on a fake Binance (its
 * testnet URL), whose answer to the order never comes; the node is killed with the order on the
 * wire, after its row was stored in {@code intent}. Restarted on the same data it looks the order up
 * by its client id, finds it filled, and never sends it again. Work files under
 * {@code target/order-crash-it/}. (LS's side, an order left in intent becoming {@code unknown}, is
 * {@code actors.sinks.orders.BrokersTest}: KRX orders need the Seoul session, which a child on the
 * wall clock cannot be promised.)
 */
class OrderCrashIT {
    static final String KEY = "it-binance-key-0123456789";
    static final String SECRET = "it-binance-secret-abcdefghij";
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anOrderOnTheWireAtAKillIsReconciledByClientIdNotSentTwice() throws Exception {
        Path dir = Path.of("target/order-crash-it").toAbsolutePath();
        CrashRestartIT.deleteTree(dir);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("conditions.json"), """
                {"up": {"when": ["CLOSE", ">", 0], "symbols": ["BTCUSDT"], "check": "update", "sinks": ["orders"],
                        "order": {"broker": "binance", "side": "buy", "quantity": 0.01}}}""");
        Map<String, String> orders = new ConcurrentHashMap<>();
        try (FakeVenue binance = FakeVenue.binance(KEY, SECRET, orders)) {
            // the order arrives and is filled, but its answer never leaves the venue
            binance.script("/fapi/v1/order", FakeVenue.Answer.hangs());
            int httpPort = CrashRestartIT.freePort();
            int clusterPort = CrashRestartIT.freePort();
            List<String> props = List.of(
                    "-Dtickwatch.sinks.orders.type=orders",
                    "-Dtickwatch.orders.mode=paper",
                    "-Dtickwatch.orders.max-age=30m",
                    "-Dtickwatch.orders.binance.paper-url=" + binance.url());
            Map<String, String> env = new HashMap<>();
            env.put("TICKWATCH_HTTP_PORT", String.valueOf(httpPort));
            env.put("TICKWATCH_PORT", String.valueOf(clusterPort));
            env.put("TICKWATCH_DATA_DIR", dir.resolve("data").toString());
            env.put("TICKWATCH_BINANCE_API_KEY", KEY);
            env.put("TICKWATCH_BINANCE_API_SECRET", SECRET);

            WebhookCrashIT.Proc node = new WebhookCrashIT.Proc(dir, env, props, 1);
            try {
                WebhookCrashIT.awaitReady(node, httpPort);
                post(httpPort, "/api/tickers", "{\"symbol\": \"BTCUSDT\", \"source\": \"push\"}");
                post(httpPort, "/api/ticks", "[{\"time\": \"" + Instant.now().minusSeconds(60)
                        + "\", \"symbol\": \"BTCUSDT\", \"price\": 91234.5, \"volume\": 1}]");
                CrashRestartIT.waitFor("the order on the wire", 60,
                        () -> binance.to("POST", "/fapi/v1/order").size() == 1);
                // the venue records the order as filled (its answer is what hangs)
                String id = binance.to("POST", "/fapi/v1/order").get(0).param("newClientOrderId");
                orders.put(id, "{\"orderId\": 4242, \"status\": \"FILLED\", \"avgPrice\": \"91240.10\", \"clientOrderId\": \""
                        + id + "\"}");
                node.kill();

                node = new WebhookCrashIT.Proc(dir, env, props, 2);
                WebhookCrashIT.awaitReady(node, httpPort);
                CrashRestartIT.waitFor("the order reconciled", 60, () -> {
                    JsonNode o = get(httpPort, "/api/orders");
                    return o.size() == 1 && o.get(0).get("state").asText().equals("filled");
                });
                JsonNode o = get(httpPort, "/api/orders").get(0);
                assertEquals(id, o.get("id").asText());
                assertEquals("4242", o.get("order_number").asText());
                assertEquals(91240.1, o.get("fill_price").asDouble());
                assertTrue(o.get("reason").asText().startsWith("reconciled by client id"), o.toString());
                assertEquals(0.01, get(httpPort, "/api/positions").get(0).get("quantity").asDouble());
                Thread.sleep(2000); // a second order, were there one, would come now
                assertEquals(1, binance.to("POST", "/fapi/v1/order").size(), "never sent twice");
                assertTrue(binance.to("GET", "/fapi/v1/order").size() >= 1, "looked up by client id");
                assertTrue(!node.log().contains(SECRET) && !node.log().contains(KEY), "no secret in the log");
            } catch (Throwable t) {
                System.out.println(node.log());
                throw t;
            } finally {
                node.kill();
            }
        }
    }

    static void post(int port, String path, String json) throws Exception {
        HttpResponse<String> r = WebhookCrashIT.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() < 300, r.statusCode() + " " + r.body());
    }

    static JsonNode get(int port, String path) {
        try {
            return JSON.readTree(WebhookCrashIT.HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
