package actors.sinks.telegram;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes the bot token out of text bound for a log line or an error. The token is part of every
 * request URL ({@code /bot<TOKEN>/sendMessage}), so any message that quotes a URL, from our code or
 * from a library, would otherwise carry it.
 */
final class Scrubber {
    private static final Pattern BOT_PATH = Pattern.compile("/bot[^/\\s\"']+/");
    private final String token;

    Scrubber(String token) {
        this.token = token;
    }

    String scrub(String text) {
        if (text == null) {
            return null;
        }
        String s = token.isEmpty() ? text : text.replace(token, "<token>");
        return BOT_PATH.matcher(s).replaceAll(Matcher.quoteReplacement("/bot<token>/"));
    }

    /** {@code e} as a one-line description without the token (class and message, and its cause's). */
    String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 500; t = t.getCause() == t ? null : t.getCause()) {
            if (!sb.isEmpty()) {
                sb.append(" <- ");
            }
            sb.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                sb.append(": ").append(t.getMessage());
            }
        }
        return scrub(sb.toString());
    }
}
