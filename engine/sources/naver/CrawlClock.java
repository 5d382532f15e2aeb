package engine.sources.naver;

import com.typesafe.config.Config;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The clock the naver crawler reads: the system clock, or a shifted one that crawls another session
 * at live pace ({@code clock-start}, README "The naver source").
 *
 * <p>Why the crawler's own, not the node's: a shifted node clock would judge live websocket trades
 * (stamped with the real time) as far in the future, and sign webhooks and leases with a time their
 * receivers refuse. Only the crawler needs to believe it is a session day: which day and minute it
 * reads, and when it polls. The ticks it reads carry their session's times, as a backfill's do.
 *
 * <p>{@code clock-start} (a KST date-time, {@code 2026-11-20T10:00}, or one with an offset) is what
 * the crawler's clock reads at {@code clock-start-at} (an ISO instant; empty: when the source
 * starts); from there it runs at real speed. Nodes of one cluster are given the same pair, so the
 * node that takes a killed node's tickers crawls the same minute.
 */
final class CrawlClock {
    private CrawlClock() {
    }

    /** The crawler's clock from its block: {@code system} unless {@code clock-start} is set. */
    static Clock of(Config block, Clock system) {
        String start = block.hasPath("clock-start") ? block.getString("clock-start").trim() : "";
        if (start.isEmpty()) {
            return system;
        }
        String at = block.hasPath("clock-start-at") ? block.getString("clock-start-at").trim() : "";
        Instant anchor = at.isEmpty() ? system.instant() : instant("clock-start-at", at);
        return Clock.offset(system, Duration.between(anchor, kst("clock-start", start)));
    }

    private static Instant kst(String key, String text) {
        try {
            return LocalDateTime.parse(text).atZone(KrxCalendar.KST).toInstant();
        } catch (DateTimeParseException local) {
            return instant(key, text);
        }
    }

    private static Instant instant(String key, String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + " must be an ISO date-time (2026-11-20T10:00 in KST, or "
                    + "2026-11-20T01:00:00Z), got \"" + text + "\"", e);
        }
    }
}
