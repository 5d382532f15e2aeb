package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.sinks.FakeWebhookReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Webhooks across {@code kill -9}: a node from the built jar sends a burst of hits to a signed
 * endpoint, is killed mid-burst, and restarted on the same data (same cluster address): every hit
 * arrives, and at most the one request that was on the wire at the kill arrives twice (receivers
 * drop it by its {@code webhook-id}). Killed again with nothing in flight, it sends nothing more.
 * Work files under {@code target/webhook-crash-it/}.
 */
class WebhookCrashIT {
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final int SYMBOLS = 30;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aKillMidBurstLosesNothingAndRepeatsAtMostTheRequestOnTheWire() throws Exception {
        Path dir = Path.of("target/webhook-crash-it").toAbsolutePath();
        CrashRestartIT.deleteTree(dir);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("conditions.json"),
                "{\"up\": {\"when\": [\"CLOSE\", \">\", 0], \"sinks\": [\"webhook:desk\"]}}");
        try (FakeWebhookReceiver desk = FakeWebhookReceiver.start()) {
            desk.answer(r -> {
                try {
                    Thread.sleep(20); // a burst that lasts long enough to be cut
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return FakeWebhookReceiver.Answer.of(FakeWebhookReceiver.verified(r, SECRET) ? 200 : 401);
            });
            int httpPort = CrashRestartIT.freePort();
            int clusterPort = CrashRestartIT.freePort();
            List<String> props = List.of(
                    "-Dtickwatch.sinks.webhook.endpoints.desk.url=" + desk.url("/hook"),
                    "-Dtickwatch.sinks.webhook.endpoints.desk.secret=" + SECRET,
                    "-Dtickwatch.sinks.webhook.endpoints.desk.timeout=2s",
                    "-Dtickwatch.sinks.webhook.resume-interval=500ms");
            Map<String, String> env = new HashMap<>();
            env.put("TICKWATCH_HTTP_PORT", String.valueOf(httpPort));
            env.put("TICKWATCH_PORT", String.valueOf(clusterPort)); // the same address after the restart
            env.put("TICKWATCH_DATA_DIR", dir.resolve("data").toString());

            Proc node = new Proc(dir, env, props, 1);
            try {
                awaitReady(node, httpPort);
                post(httpPort, ticks());
                CrashRestartIT.waitFor("a third of the hits sent", 60, () -> desk.requests().size() >= 2 * SYMBOLS / 3);
                node.kill();
                int atKill = desk.requests().size();
                assertTrue(atKill < 2 * SYMBOLS, "killed mid-burst: " + atKill);

                node = new Proc(dir, env, props, 2);
                awaitReady(node, httpPort);
                CrashRestartIT.waitFor("every hit sent", 60, () -> ids(desk).size() == 2 * SYMBOLS);
                Thread.sleep(1000); // a duplicate, were there one, would come now
                node.kill();
                int afterSecond = desk.requests().size();

                node = new Proc(dir, env, props, 3); // killed idle: nothing is left to send
                awaitReady(node, httpPort);
                Thread.sleep(2000);
                assertEquals(afterSecond, desk.requests().size(), "nothing sent again after an idle kill");

                Map<String, Integer> times = new HashMap<>();
                desk.requests().forEach(r -> times.merge(r.id(), 1, Integer::sum));
                assertEquals(expected(), new TreeSet<>(times.keySet()), "nothing lost");
                List<String> twice = times.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
                assertTrue(twice.size() <= 1 && times.values().stream().allMatch(n -> n <= 2),
                        "at most the request on the wire at the kill came twice: " + times);
                System.out.println("[WebhookCrashIT] " + atKill + " requests before the kill; sent twice: " + twice);
            } catch (Throwable t) {
                System.out.println(node.log());
                throw t;
            } finally {
                node.kill();
            }
        }
    }

    static Set<String> ids(FakeWebhookReceiver r) {
        Set<String> s = new TreeSet<>();
        r.requests().forEach(q -> s.add(q.id()));
        return s;
    }

    static String symbol(int i) {
        return String.format("%06d", 300 + i);
    }

    static long krx(String local) {
        return LocalDateTime.parse(local).toInstant(ZoneOffset.ofHours(9)).toEpochMilli();
    }

    /** Eleven ticks a symbol from 09:00, one a minute: the 09:00 and 09:05 bars close, two hits each. */
    static String ticks() {
        StringBuilder sb = new StringBuilder();
        for (int m = 0; m < 11; m++) {
            for (int i = 0; i < SYMBOLS; i++) {
                String t = LocalDateTime.parse("2026-11-20T09:00").plusMinutes(m).plusSeconds(1) + "+09:00";
                sb.append("{\"time\":\"").append(t).append("\",\"symbol\":\"").append(symbol(i))
                        .append("\",\"price\":").append(1000 + m).append(",\"volume\":10,\"cum_volume\":")
                        .append(10 * (m + 1)).append("}\n");
            }
        }
        return sb.toString();
    }

    static Set<String> expected() {
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < SYMBOLS; i++) {
            ids.add(symbol(i) + "/up/" + krx("2026-11-20T09:00"));
            ids.add(symbol(i) + "/up/" + krx("2026-11-20T09:05"));
        }
        return ids;
    }

    static void post(int port, String ndjson) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/ticks"))
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(ndjson)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }

    static void awaitReady(Proc node, int port) throws Exception {
        CrashRestartIT.waitFor("node " + node.n + " ready", 120, () -> {
            if (!node.process.isAlive()) {
                throw new AssertionError("node " + node.n + " exited:\n" + node.log());
            }
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    /** The jar as a child process, with {@code -D} settings. */
    static final class Proc {
        final Process process;
        final Path log;
        final int n;

        Proc(Path dir, Map<String, String> env, List<String> props, int n) throws java.io.IOException {
            this.n = n;
            this.log = dir.resolve("out-" + n + ".log");
            List<String> cmd = new ArrayList<>(List.of(CrashRestartIT.java(), "-Xmx512m"));
            cmd.addAll(props);
            cmd.addAll(List.of("-jar", CrashRestartIT.JAR.toString(), "run"));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("TICKWATCH_"));
            pb.environment().putAll(env);
            process = pb.start();
        }

        void kill() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            process.waitFor(20, TimeUnit.SECONDS);
        }

        String log() {
            try {
                return Files.readString(log);
            } catch (java.io.IOException e) {
                return "(no log: " + e + ")";
            }
        }
    }
}
