package engine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without a token, a web page the operator has open cannot change the node: what a page sends
 * without a preflight (a {@code no-cors} POST of {@code text/plain}, a form) and what it sends from
 * a name rebound to 127.0.0.1 (its own {@code Host}) are refused, and nothing changes. Local
 * programs, and anyone with the token, are served as before.
 */
class LocalRequestsTest {
    static final String TOKEN = "local-test-" + System.nanoTime();
    static final String CONDITION = "{\"when\": [\"CLOSE\", \">\", 1]}";

    @TempDir
    static Path dir;
    static ApiNode api;

    @BeforeAll
    static void start() throws Exception {
        api = ApiNode.start(dir, "{\"keep\": {\"when\": [\"CLOSE\", \">\", 1]}}", TOKEN);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static int conditionStatus(String name) throws Exception {
        return RawHttp.send(api.open, "GET", "/api/conditions/" + name, Map.of()).status();
    }

    @Test
    void aPageCannotPostPlainTextOrAForm() throws Exception {
        for (String type : new String[] {"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x"}) {
            RawHttp.Reply r = RawHttp.send(api.open, "PUT", "/api/conditions/from-page",
                    Map.of("Content-Type", type, "Origin", "https://evil.example"), CONDITION);
            assertEquals(415, r.status(), type + ": " + r.body());
            assertTrue(r.error().contains("application/json"), r.body());
        }
        RawHttp.Reply noType = RawHttp.send(api.open, "POST", "/api/ticks", Map.of(),
                "[{\"time\": \"2026-11-20T09:00:01Z\", \"symbol\": \"PAGE1\", \"price\": 1, \"volume\": 1}]");
        assertEquals(415, noType.status(), noType.body());
        assertEquals(404, conditionStatus("from-page"), "nothing was applied");
        assertEquals(404, RawHttp.send(api.open, "GET", "/api/tickers/PAGE1", Map.of()).status(), "no tick was taken");
    }

    @Test
    void aForeignHostIsRefusedEvenWithJson() throws Exception {
        for (String host : new String[] {"evil.example", "evil.example:8080", "127.0.0.1.nip.io", "10.0.0.1:8080"}) {
            RawHttp.Reply r = RawHttp.send(api.open, "PUT", "/api/conditions/rebound",
                    Map.of("Host", host, "Content-Type", "application/json"), CONDITION);
            assertEquals(403, r.status(), host + ": " + r.body());
            assertTrue(r.error().contains("loopback"), r.body());
        }
        assertEquals(403, RawHttp.send(api.open, "DELETE", "/api/conditions/keep", Map.of("Host", "evil.example")).status());
        assertEquals(404, conditionStatus("rebound"));
        assertEquals(200, conditionStatus("keep"), "the DELETE was refused");
        // reading is not a change: a foreign Host may read (a page cannot read the answer cross-origin)
        assertEquals(200, RawHttp.send(api.open, "GET", "/api/conditions", Map.of("Host", "evil.example")).status());
    }

    @Test
    void localJsonRequestsAreServed() throws Exception {
        String[] hosts = {"127.0.0.1:" + api.open, "localhost:" + api.open, "LOCALHOST", "[::1]:" + api.open};
        String[] types = {"application/json", "application/json; charset=utf-8", "application/x-ndjson", "application/jsonl"};
        for (int i = 0; i < hosts.length; i++) {
            RawHttp.Reply r = RawHttp.send(api.open, "PUT", "/api/conditions/local" + i,
                    Map.of("Host", hosts[i], "Content-Type", types[i]), CONDITION);
            assertEquals(201, r.status(), hosts[i] + " " + types[i] + ": " + r.body());
            // a DELETE has no body, so needs no Content-Type
            assertEquals(204, RawHttp.send(api.open, "DELETE", "/api/conditions/local" + i, Map.of("Host", hosts[i])).status());
        }
        RawHttp.Reply lines = RawHttp.send(api.open, "POST", "/api/ticks", Map.of("Content-Type", "application/x-ndjson"),
                "{\"time\": \"2026-11-20T09:00:01Z\", \"symbol\": \"LOCAL1\", \"price\": 1, \"volume\": 1}\n");
        assertEquals(200, lines.status(), lines.body());
    }

    @Test
    void withTheTokenTheRuleIsTheToken() throws Exception {
        RawHttp.Reply r = RawHttp.send(api.guarded, "PUT", "/api/conditions/with-token",
                Map.of("Host", "alerts.example.com", "Content-Type", "text/plain", "Authorization", "Bearer " + TOKEN),
                CONDITION);
        assertEquals(201, r.status(), r.body());
        assertEquals(401, RawHttp.send(api.guarded, "DELETE", "/api/conditions/with-token",
                Map.of("Content-Type", "application/json")).status());
        assertEquals(204, RawHttp.send(api.guarded, "DELETE", "/api/conditions/with-token",
                Map.of("Host", "alerts.example.com", "Authorization", "Bearer " + TOKEN)).status());
    }
}
