package actors.sinks.telegram;

import actors.sinks.NodeFacts;
import com.fasterxml.jackson.databind.JsonNode;
import conditions.Hit;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bot's commands: one update in, its effects (subscribers) and its reply (queued in the
 * outbox) written through the caller's transaction, which also stores the next offset.
 */
final class BotCommands {
    static final String HELP = """
            /start CODE – subscribe this chat (CODE is the invite code)
            /stop – unsubscribe
            /watch 005930 000660 – alerts only for these symbols
            /unwatch 005930 – stop watching (no argument: all; watching nothing means every symbol)
            /conditions – the conditions you can follow
            /follow NAME, /unfollow NAME – choose conditions (new chats follow all)
            /list – what this chat watches and follows
            /mute 30m – no alerts for a while (/mute off ends it)
            /chart on – a chart with every alert (/chart off: only where the condition asks)
            /status – sources, tickers, last hit
            /help – this text""";
    static final String SHORT_HELP = "Unknown command. Try /help.";
    private static final Pattern COMMAND = Pattern.compile("^/([A-Za-z0-9_]+)(?:@([A-Za-z0-9_]+))?(?:\\s+(.*))?$",
            Pattern.DOTALL);
    private static final Pattern DURATION = Pattern.compile("(\\d{1,6})\\s*([smhd]?)");

    private final TelegramStore store;
    private final String inviteCode;
    private final Supplier<NodeFacts> facts;
    private volatile String botName = "";

    BotCommands(TelegramStore store, String inviteCode, Supplier<NodeFacts> facts) {
        this.store = store;
        this.inviteCode = inviteCode;
        this.facts = facts;
    }

    /** Our {@code @username} (from {@code getMe}): {@code /cmd@OtherBot} in a group is left to that bot. */
    void botName(String name) {
        this.botName = name == null ? "" : name;
    }

    /** Handles one update inside the caller's transaction. */
    void handle(Connection c, JsonNode update, long now) throws SQLException {
        JsonNode msg = update.path("message");
        String text = msg.path("text").asText("");
        long chat = msg.path("chat").path("id").asLong(0);
        if (chat == 0 || !text.startsWith("/")) {
            return;
        }
        Matcher m = COMMAND.matcher(text.trim());
        if (!m.matches()) {
            return;
        }
        String addressed = m.group(2);
        if (addressed != null && !botName.isEmpty() && !addressed.equalsIgnoreCase(botName)) {
            return; // another bot's command in a group
        }
        String cmd = m.group(1).toLowerCase(Locale.ROOT);
        List<String> args = m.group(3) == null ? List.of()
                : Arrays.stream(m.group(3).trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        Subscriber sub = store.subscriber(c, chat);
        String reply = switch (cmd) {
            case "start" -> start(c, msg, sub, args, now);
            case "help" -> HELP;
            default -> sub == null ? notSubscribed(cmd) : command(c, sub, cmd, args, now);
        };
        if (reply != null) {
            store.enqueue(c, chat, null, AlertText.escape(reply), now);
        }
    }

    private String notSubscribed(String cmd) {
        return isKnown(cmd) ? "This chat is not subscribed: send /start CODE with the invite code." : SHORT_HELP;
    }

    private static boolean isKnown(String cmd) {
        return Set.of("stop", "watch", "unwatch", "conditions", "follow", "unfollow", "list", "mute", "unmute",
                "status", "chart").contains(cmd);
    }

    private String start(Connection c, JsonNode msg, Subscriber sub, List<String> args, long now) throws SQLException {
        if (sub != null) {
            return "This chat is already subscribed. /help lists the commands.";
        }
        if (inviteCode.isEmpty() || args.isEmpty() || !sameCode(args.get(0), inviteCode)) {
            return "Send /start with the invite code to subscribe.";
        }
        JsonNode chat = msg.path("chat");
        String type = chat.path("type").asText("private");
        String title = chat.hasNonNull("title") ? chat.get("title").asText()
                : (chat.path("first_name").asText("") + " " + chat.path("last_name").asText("")).trim();
        store.save(c, new Subscriber(chat.path("id").asLong(), type, title, new TreeSet<>(), null, 0, now,
                false));
        return "Subscribed. You get every alert of every condition that names this bot; /watch and /follow narrow "
                + "that.\n\n" + HELP;
    }

    /** Constant time: the code is a secret. */
    private static boolean sameCode(String given, String expected) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    private String command(Connection c, Subscriber s, String cmd, List<String> args, long now) throws SQLException {
        switch (cmd) {
            case "stop" -> {
                store.remove(c, s.chat());
                return "Unsubscribed. /start CODE subscribes again.";
            }
            case "watch", "unwatch" -> {
                Set<String> w = new TreeSet<>(s.watching());
                List<String> symbols = args.stream().map(a -> a.toUpperCase(Locale.ROOT)).toList();
                if (cmd.equals("watch")) {
                    if (symbols.isEmpty()) {
                        return "Usage: /watch 005930 000660";
                    }
                    w.addAll(symbols);
                } else if (symbols.isEmpty()) {
                    w.clear();
                } else {
                    symbols.forEach(w::remove);
                }
                store.save(c, with(s, w, s.follows(), s.mutedUntil()));
                return w.isEmpty() ? "Watching every symbol." : "Watching " + String.join(" ", w) + ".";
            }
            case "conditions" -> {
                Map<String, String> all = conditions();
                if (all.isEmpty()) {
                    return "No condition sends to this bot yet.";
                }
                StringBuilder sb = new StringBuilder("Conditions (* = followed):\n");
                all.forEach((name, desc) -> sb.append(s.follows() == null || s.follows().contains(name) ? "* " : "  ")
                        .append(name).append(desc.isBlank() ? "" : " – " + desc).append('\n'));
                return sb.toString().strip();
            }
            case "follow", "unfollow" -> {
                if (args.isEmpty()) {
                    return "Usage: /" + cmd + " NAME (see /conditions)";
                }
                Map<String, String> all = conditions();
                List<String> unknown = args.stream().filter(a -> !all.containsKey(a)).toList();
                if (!unknown.isEmpty()) {
                    return "No such condition: " + String.join(" ", unknown) + ". See /conditions.";
                }
                Set<String> f;
                if (cmd.equals("follow")) {
                    // The first choice replaces "everything" with exactly what is named.
                    f = s.follows() == null ? new TreeSet<>() : new TreeSet<>(s.follows());
                    f.addAll(args);
                } else {
                    f = s.follows() == null ? new TreeSet<>(all.keySet()) : new TreeSet<>(s.follows());
                    args.forEach(f::remove);
                }
                store.save(c, with(s, s.watching(), f, s.mutedUntil()));
                return f.isEmpty() ? "Following no condition: no alerts until /follow NAME."
                        : "Following " + String.join(", ", f) + ".";
            }
            case "list" -> {
                return "Watching: " + (s.watching().isEmpty() ? "every symbol" : String.join(" ", s.watching()))
                        + "\nFollowing: " + (s.follows() == null ? "every condition" : s.follows().isEmpty() ? "none"
                        : String.join(", ", s.follows()))
                        + "\nCharts: " + (s.chart() ? "with every alert" : "where the condition asks")
                        + (s.mutedUntil() > now ? "\nMuted until " + Instant.ofEpochMilli(s.mutedUntil()) : "");
            }
            case "chart" -> {
                String v = args.isEmpty() ? "" : args.get(0).toLowerCase(Locale.ROOT);
                if (!v.equals("on") && !v.equals("off")) {
                    return "Usage: /chart on (a chart with every alert), /chart off (only where the condition asks)";
                }
                boolean on = v.equals("on");
                store.save(c, new Subscriber(s.chat(), s.type(), s.title(), s.watching(), s.follows(), s.mutedUntil(),
                        s.joinedAt(), on));
                return on ? "Every alert now comes with a chart." : "Charts only with conditions that ask for them.";
            }
            case "mute", "unmute" -> {
                if (cmd.equals("unmute") || (!args.isEmpty() && args.get(0).equalsIgnoreCase("off"))) {
                    store.save(c, with(s, s.watching(), s.follows(), 0));
                    return "Alerts are on again.";
                }
                Duration d = args.isEmpty() ? Duration.ofMinutes(30) : parseDuration(args.get(0));
                if (d == null) {
                    return "Usage: /mute 30m (s, m, h or d), /mute off";
                }
                long until = now + d.toMillis();
                store.save(c, with(s, s.watching(), s.follows(), until));
                return "Muted until " + Instant.ofEpochMilli(until) + " (/mute off ends it).";
            }
            case "status" -> {
                return status();
            }
            default -> {
                return SHORT_HELP;
            }
        }
    }

    private static Subscriber with(Subscriber s, Set<String> watching, Set<String> follows, long mutedUntil) {
        return new Subscriber(s.chat(), s.type(), s.title(), watching, follows, mutedUntil, s.joinedAt(), s.chart());
    }

    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofMinutes(n);
        };
        return n == 0 || d.compareTo(Duration.ofDays(365)) > 0 ? null : d;
    }

    private Map<String, String> conditions() {
        NodeFacts f = facts.get();
        return f == null ? Map.of() : f.conditionsFor(store.sink());
    }

    private String status() {
        NodeFacts f = facts.get();
        if (f == null) {
            return "The node is starting.";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("Sources: ").append(f.sources().isEmpty() ? "none" : String.join(", ", f.sources())).append('\n');
        try {
            List<String> tickers = new ArrayList<>(f.tickers().toCompletableFuture().get(5, TimeUnit.SECONDS));
            sb.append("Tickers (").append(tickers.size()).append("): ")
                    .append(tickers.isEmpty() ? "none" : String.join(" ", tickers.subList(0, Math.min(50, tickers.size()))))
                    .append(tickers.size() > 50 ? " …" : "").append('\n');
            List<Hit> last = f.latestHits(1).toCompletableFuture().get(5, TimeUnit.SECONDS);
            sb.append("Last hit: ").append(last.isEmpty() ? "none" : last.get(0).condition() + " on "
                    + last.get(0).symbol() + " at " + Instant.ofEpochMilli(last.get(0).barStart()));
        } catch (Exception e) {
            sb.append("(the node did not answer in time)");
        }
        return sb.toString();
    }
}
