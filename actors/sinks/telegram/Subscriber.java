package actors.sinks.telegram;

import java.util.Set;

/**
 * A chat that subscribed with the invite code.
 *
 * @param chat       the chat id (negative for groups)
 * @param type       {@code private}, {@code group}, {@code supergroup} or {@code channel}
 * @param title      the chat's title or the user's name, for the API
 * @param watching   symbols it watches; empty means every symbol
 * @param follows    conditions it follows; null means every condition that names the sink (until it chooses)
 * @param mutedUntil epoch millis until which it gets no alerts (0 when not muted)
 * @param joinedAt   epoch millis of its {@code /start}
 * @param chart      every alert to it carries a chart ({@code /chart on}), not only those of conditions with
 *                   {@code "chart": true}
 */
public record Subscriber(long chat, String type, String title, Set<String> watching, Set<String> follows,
                         long mutedUntil, long joinedAt, boolean chart) {

    /** A group chat: Telegram allows it 20 messages a minute. */
    public boolean isGroup() {
        return !"private".equals(type) || chat < 0;
    }

    /** Whether a hit of {@code condition} on {@code symbol} goes to this chat at {@code now}. */
    boolean wants(String condition, String symbol, long now) {
        return mutedUntil <= now && (watching.isEmpty() || watching.contains(symbol))
                && (follows == null || follows.contains(condition));
    }
}
