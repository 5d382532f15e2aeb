package actors.sinks.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Telegram's limits, by default: 1 a second per chat, 20 a minute per group, 30 a second overall; 429 holds all. */
class PacerTest {
    static final long S = 1_000_000_000L;

    static TelegramSettings defaults() {
        return TelegramSettings.from(ConfigFactory.empty(), Map.of("TICKWATCH_TELEGRAM_TOKEN", "123:abc"));
    }

    @Test
    void theDefaultsAreTelegramsLimits() {
        TelegramSettings s = defaults();
        assertEquals(Duration.ofSeconds(1), s.perChatInterval());
        assertTrue(s.groupInterval().multipliedBy(20).compareTo(Duration.ofMinutes(1)) >= 0, "20 a minute per group");
        assertTrue(s.globalInterval().multipliedBy(30).compareTo(Duration.ofSeconds(1)) >= 0, "30 a second overall");
        assertEquals("https://api.telegram.org", s.baseUrl());
    }

    @Test
    void theDefaultPacerSpacesChatsGroupsAndTheBot() {
        TelegramSettings s = defaults();
        long t0 = -5 * S; // nanoTime may be negative
        Pacer p = new Pacer(s.perChatInterval(), s.groupInterval(), s.globalInterval(), t0 - S);
        assertTrue(p.readyAt(7) <= t0, "nothing sent yet: ready");
        p.sent(7, false, t0);
        assertEquals(t0 + S, p.readyAt(7), "a private chat: 1 s after the answer");
        assertEquals(t0 + s.globalInterval().toNanos(), p.readyAt(8), "another chat: after the bot's own spacing");
        p.sent(-100, true, t0 + S);
        assertEquals(t0 + 4 * S, p.readyAt(-100), "a group: 3 s, so 20 a minute");
        p.hold(t0 + S, Duration.ofSeconds(15));
        assertEquals(t0 + 16 * S, p.readyAt(8), "a 429 holds every chat for its retry_after");
        assertEquals(t0 + 16 * S, p.readyAt(-100));
    }
}
