package engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import actors.sinks.telegram.FakeTelegram;
import actors.sinks.telegram.FakeTelegram.Received;
import com.typesafe.config.ConfigFactory;
import conditions.Hit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import persistence.TestDb;

/**
 * Subscribers a node serves (README "Sizing"): one node (H2) whose telegram sink has
 * {@code -Dbench.subscribers} private chats (1,000) subscribed through {@code /start}, against the
 * fake Bot API on loopback; {@code -Dbench.hits} hits (3) handed to the sink as the node's queue
 * does, and the time until every subscriber got every alert. Twice: with the README's default pacing
 * (30 messages a second for the bot, Telegram's limit) and with the bot's pacing off
 * ({@code global-interval = 1ms}; a chat still gets at most one message a second), which shows what the
 * node itself can send. Prints messages per second and the time one hit takes to reach everyone.
 *
 * <p>{@code mvn -B -o test -Dtest=TelegramSubscribersBench -Dbench=true}; figures in
 * {@code target/surefire-reports/engine.TelegramSubscribersBench-output.txt}.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true", disabledReason = "a benchmark: run with -Dbench=true")
class TelegramSubscribersBench {
    static final int SUBSCRIBERS = Integer.getInteger("bench.subscribers", 1000);
    static final int HITS = Integer.getInteger("bench.hits", 3);
    static final String TOKEN = "4242424:AAE-bench_Token";
    static final String CODE = "bench";

    @TempDir
    Path dir;

    @Test
    void hitsToEverySubscriberWithDefaultAndWithoutPacing() throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add(run("default pacing (global-interval 34ms, per-chat-interval 1s)", "", dir.resolve("paced")));
        lines.add(run("bot pacing off (global-interval 1ms, per-chat-interval 1s)", "global-interval = 1ms",
                dir.resolve("unpaced")));
        lines.forEach(l -> System.out.println("[TelegramSubscribersBench] " + l));
    }

    private String run(String label, String pacing, Path d) throws Exception {
        Files.createDirectories(d);
        Files.writeString(d.resolve("conditions.json"), "{\"up\": {\"when\": [\"CLOSE\", \">\", 0], \"sinks\": [\"telegram\"]}}");
        try (FakeTelegram fake = FakeTelegram.start(TOKEN)) {
            String conf = "tickwatch.sinks.log.enabled = false\n"
                    + "tickwatch.sinks.telegram { type = telegram, enabled = true, token = \"" + TOKEN + "\", url = \""
                    + fake.url() + "\"\n  invite-code = \"" + CODE + "\", poll-timeout = 1s\n  " + pacing + " }\n";
            NodeSettings s = NodeSettings.from(ConfigFactory.parseString(conf)
                    .withFallback(NodeTest.settings(d, TestDb.h2(d.resolve("data"))).config()).resolve());
            try (Node node = new NodeBootstrap(s).start()) {
                long t0 = System.nanoTime();
                for (long chat = 1; chat <= SUBSCRIBERS; chat++) {
                    fake.userSends(chat, "/start " + CODE);
                }
                fake.await(rs -> rs.stream().filter(r -> r.text().contains("Subscribed")).count() >= SUBSCRIBERS,
                        Duration.ofMinutes(5), SUBSCRIBERS + " subscribers welcomed");
                double subscribeS = (System.nanoTime() - t0) / 1e9;
                int before = fake.received().size();
                long start = System.nanoTime();
                for (int h = 0; h < HITS; h++) {
                    Hit hit = TelegramBotTest.hit("005930", h);
                    assertEquals(actors.sinks.SendResult.sent(), TelegramBotTest.sink(node).send(hit, 1)
                            .toCompletableFuture().get(120, java.util.concurrent.TimeUnit.SECONDS));
                }
                long fannedOut = System.nanoTime();
                int want = SUBSCRIBERS * HITS;
                List<Received> all = fake.await(rs -> alerts(rs) >= want, Duration.ofMinutes(10),
                        want + " alerts received");
                List<Received> alerts = all.subList(before, all.size()).stream().filter(r -> r.text().startsWith("<b>#"))
                        .toList();
                // the outbox is sent oldest first: the first hit's messages are the first SUBSCRIBERS alerts
                long firstHitDone = alerts.get(SUBSCRIBERS - 1).atNanos();
                long last = alerts.stream().mapToLong(Received::atNanos).max().orElseThrow();
                double seconds = (last - start) / 1e9;
                return String.format("%s: %d subscribers (subscribed in %.1f s), %d hits fanned out in %.2f s, %d alerts "
                                + "delivered in %.1f s = %.0f messages/s; the first hit reached all %d in %.1f s",
                        label, SUBSCRIBERS, subscribeS, HITS, (fannedOut - start) / 1e9, alerts.size(), seconds,
                        alerts.size() / seconds, SUBSCRIBERS, (firstHitDone - start) / 1e9);
            }
        }
    }

    private static long alerts(List<Received> rs) {
        return rs.stream().filter(r -> r.text().startsWith("<b>#")).count();
    }
}
