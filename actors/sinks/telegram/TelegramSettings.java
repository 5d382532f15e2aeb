package actors.sinks.telegram;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;

/**
 * The settings of a {@code telegram} sink, from its block {@code tickwatch.sinks.<name>} over the
 * defaults below; the token, base URL, invite code and admin chat fall back to the environment
 * ({@code TICKWATCH_TELEGRAM_TOKEN}, {@code _URL}, {@code _INVITE}, {@code _ADMIN_CHAT}) when the
 * block leaves them empty, so a block of one's own needs no copy of them.
 *
 * <p>{@link #toString()} never shows the token or the invite code.
 *
 * @param token           the bot token (part of every request URL: never logged)
 * @param baseUrl         the Bot API, {@code https://api.telegram.org} unless a test or a proxy says otherwise
 * @param inviteCode      {@code /start CODE} subscribes only with this code; empty means nobody can subscribe
 * @param adminChat       chat id told about sink failures and removed subscribers; 0 when none
 * @param pollTimeout     the long poll of {@code getUpdates}
 * @param perChatInterval the least time between two messages to one private chat (Telegram: 1 a second)
 * @param groupInterval   the least time between two messages to one group chat (Telegram: 20 a minute)
 * @param globalInterval  the least time between two messages of the bot (Telegram: 30 a second)
 * @param maxQueued       messages waiting to be sent; a hit that finds the queue full is counted as overflow
 * @param retryMin        the first pause after a 5xx or network error (doubled each time up to retryMax)
 * @param retryMax        the longest such pause
 * @param idle            how often the sender looks for new messages when it has none
 * @param requestTimeout  timeout of one request besides the long poll
 * @param adminQuiet      the least time between two failure notices to the admin chat
 */
public record TelegramSettings(String token, String baseUrl, String inviteCode, long adminChat, Duration pollTimeout,
                               Duration perChatInterval, Duration groupInterval, Duration globalInterval,
                               int maxQueued, Duration retryMin, Duration retryMax, Duration idle,
                               Duration requestTimeout, Duration adminQuiet) {

    /** The defaults: Telegram's published limits. */
    static final Config DEFAULTS = ConfigFactory.parseString("""
            token = ""
            url = ""
            invite-code = ""
            admin-chat = ""
            poll-timeout = 30s
            per-chat-interval = 1s
            group-interval = 3s
            global-interval = 34ms
            max-queued = 100000
            retry-min = 1s
            retry-max = 60s
            idle = 200ms
            request-timeout = 20s
            admin-quiet = 10m
            """);

    public static final String DEFAULT_URL = "https://api.telegram.org";

    /** Reads a block over {@link #DEFAULTS}, the environment filling what it leaves empty. */
    public static TelegramSettings from(Config block, Map<String, String> env) {
        Config c = block.withFallback(DEFAULTS);
        String token = or(c.getString("token"), env.get("TICKWATCH_TELEGRAM_TOKEN"));
        if (token.isBlank()) {
            throw new IllegalArgumentException("no bot token: set TICKWATCH_TELEGRAM_TOKEN (or the block's token)");
        }
        if (token.contains("/") || token.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("the bot token holds a '/' or a space: it cannot be part of a URL");
        }
        String url = or(or(c.getString("url"), env.get("TICKWATCH_TELEGRAM_URL")), DEFAULT_URL);
        String admin = or(c.getString("admin-chat"), env.get("TICKWATCH_TELEGRAM_ADMIN_CHAT"));
        long adminChat;
        try {
            adminChat = admin.isBlank() ? 0 : Long.parseLong(admin.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("admin-chat (TICKWATCH_TELEGRAM_ADMIN_CHAT) must be a chat id, got \""
                    + admin + "\"");
        }
        int maxQueued = c.getInt("max-queued");
        if (maxQueued < 1) {
            throw new IllegalArgumentException("max-queued must be at least 1, got " + maxQueued);
        }
        return new TelegramSettings(token.trim(), url.replaceAll("/+$", ""),
                or(c.getString("invite-code"), env.get("TICKWATCH_TELEGRAM_INVITE")).trim(), adminChat,
                c.getDuration("poll-timeout"), c.getDuration("per-chat-interval"), c.getDuration("group-interval"),
                c.getDuration("global-interval"), maxQueued, c.getDuration("retry-min"), c.getDuration("retry-max"),
                c.getDuration("idle"), c.getDuration("request-timeout"), c.getDuration("admin-quiet"));
    }

    private static String or(String value, String fallback) {
        return value != null && !value.isBlank() ? value : fallback == null ? "" : fallback;
    }

    @Override
    public String toString() {
        return "TelegramSettings[url=" + baseUrl + ", invite-code " + (inviteCode.isEmpty() ? "unset" : "set")
                + ", admin-chat=" + adminChat + ", poll-timeout=" + pollTimeout + ", per-chat-interval="
                + perChatInterval + ", group-interval=" + groupInterval + ", global-interval=" + globalInterval
                + ", max-queued=" + maxQueued + "]";
    }
}
