package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.sinks.telegram.FakeTelegram;
import actors.sinks.telegram.FakeTelegram.Received;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The Telegram sink across {@code kill -9}: a node from the built jar, three chats subscribed with
 * the invite code, a burst of hits (one alert per chat each), killed mid-burst and restarted on the
 * same data and cluster address: every hit reaches every subscriber, at most the one message on the
 * wire at the kill arrives twice (Telegram has no idempotency key), and no command is handled twice.
 * The fake answers each message 30 ms after it delivered it, so the kill finds one in flight.
 * Work files under {@code target/telegram-crash-it/}.
 */
class TelegramCrashIT {
    static final String TOKEN = "4242424:AAE-crash_Token";
    static final String CODE = "crash-code";
    static final List<Long> CHATS = List.of(101L, 102L, 103L);

    @Test
    void aKillMidBurstLosesNothingAndRepeatsAtMostTheMessageOnTheWire() throws Exception {
        Path dir = Path.of("target/telegram-crash-it").toAbsolutePath();
        CrashRestartIT.deleteTree(dir);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("conditions.json"),
                "{\"up\": {\"when\": [\"CLOSE\", \">\", 0], \"sinks\": [\"telegram\"]}}");
        try (FakeTelegram fake = FakeTelegram.start(TOKEN)) {
            int httpPort = CrashRestartIT.freePort();
            int clusterPort = CrashRestartIT.freePort();
            List<String> props = List.of(
                    "-Dtickwatch.sinks.log.enabled=false",
                    "-Dtickwatch.sinks.telegram.poll-timeout=1s",
                    "-Dtickwatch.sinks.telegram.per-chat-interval=10ms",
                    "-Dtickwatch.sinks.telegram.global-interval=1ms",
                    "-Dtickwatch.sinks.telegram.idle=20ms",
                    "-Dtickwatch.sinks.telegram.retry-min=50ms",
                    "-Dtickwatch.sinks.telegram.retry-max=200ms");
            Map<String, String> env = new HashMap<>();
            env.put("TICKWATCH_HTTP_PORT", String.valueOf(httpPort));
            env.put("TICKWATCH_PORT", String.valueOf(clusterPort)); // the same address after the restart
            env.put("TICKWATCH_DATA_DIR", dir.resolve("data").toString());
            env.put("TICKWATCH_TELEGRAM_ENABLED", "true");
            env.put("TICKWATCH_TELEGRAM_TOKEN", TOKEN);
            env.put("TICKWATCH_TELEGRAM_URL", fake.url());
            env.put("TICKWATCH_TELEGRAM_INVITE", CODE);

            WebhookCrashIT.Proc node = new WebhookCrashIT.Proc(dir, env, props, 1);
            try {
                WebhookCrashIT.awaitReady(node, httpPort);
                for (long chat : CHATS) {
                    fake.userSends(chat, "/start " + CODE);
                }
                CrashRestartIT.waitFor("every chat welcomed", 30, () -> CHATS.stream()
                        .allMatch(c -> fake.receivedBy(c).stream().anyMatch(r -> r.text().contains("Subscribed"))));
                fake.sendDelay(Duration.ofMillis(30)); // a burst that lasts long enough to be cut
                WebhookCrashIT.post(httpPort, WebhookCrashIT.ticks());
                int all = CHATS.size() * WebhookCrashIT.expected().size();
                CrashRestartIT.waitFor("a third of the alerts sent", 60, () -> alerts(fake).size() >= all / 3);
                node.kill();
                int atKill = alerts(fake).size();
                assertTrue(atKill < all, "killed mid-burst: " + atKill + " of " + all);

                node = new WebhookCrashIT.Proc(dir, env, props, 2);
                WebhookCrashIT.awaitReady(node, httpPort);
                CrashRestartIT.waitFor("every alert sent", 60, () -> count(fake).size() == all);
                Thread.sleep(1000); // a duplicate, were there one, would come now

                Map<String, Integer> times = count(fake);
                assertEquals(expected(), new TreeSet<>(times.keySet()), "every hit reached every subscriber");
                List<String> twice = times.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                        .toList();
                assertTrue(twice.size() <= 1 && times.values().stream().allMatch(n -> n <= 2),
                        "at most the message on the wire at the kill came twice: " + twice);
                for (long chat : CHATS) {
                    assertEquals(1, fake.receivedBy(chat).stream().filter(r -> r.text().contains("Subscribed")).count(),
                            "the stored offset: /start is not handled again after the restart (chat " + chat + ")");
                }
                System.out.println("[TelegramCrashIT] " + atKill + " of " + all + " alerts before the kill; twice: "
                        + twice);
            } catch (Throwable t) {
                System.out.println(node.log());
                throw t;
            } finally {
                node.kill();
            }
        }
    }

    static List<Received> alerts(FakeTelegram fake) {
        return fake.received().stream().filter(r -> r.text().startsWith("<b>#")).toList();
    }

    /** How often each (chat, alert headline) arrived. */
    static Map<String, Integer> count(FakeTelegram fake) {
        Map<String, Integer> times = new HashMap<>();
        alerts(fake).forEach(r -> times.merge(key(r.chat(), r.text()), 1, Integer::sum));
        return times;
    }

    /** The chat and the alert's first line: {@code <b>#000300</b> (KRX) 09:05 · <b>up</b>}. */
    static String key(long chat, String text) {
        int nl = text.indexOf('\n');
        return chat + " " + (nl < 0 ? text : text.substring(0, nl));
    }

    static Set<String> expected() {
        Set<String> out = new TreeSet<>();
        for (long chat : CHATS) {
            for (int i = 0; i < WebhookCrashIT.SYMBOLS; i++) {
                for (String hhmm : List.of("09:00", "09:05")) {
                    out.add(chat + " <b>#" + WebhookCrashIT.symbol(i) + "</b> (KRX) " + hhmm + " · <b>up</b>");
                }
            }
        }
        return out;
    }
}
