package actors.sinks.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A Telegram Bot API on loopback speaking the shapes of {@code ../shared/wire/telegram-bot-api.jsonl}:
 * {@code /bot<TOKEN>/getMe}, {@code getUpdates} (long polling; updates are kept until a poll with a
 * higher offset confirms them, as Telegram does) and {@code sendMessage} (recorded with the time it
 * arrived; answers can be scripted per chat: 429 with retry_after, 403, 400 chat not found, 500).
 */
public final class FakeTelegram implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String BOT_NAME = "TickwatchBot";

    /** One {@code sendMessage} that was answered 200. */
    public record Received(long chat, String text, String parseMode, long atNanos) {
    }

    /** One {@code sendPhoto} answered 200: the chat, the uploaded bytes, the caption. */
    public record Photo(long chat, byte[] png, String caption, long atNanos) {
    }

    /** A scripted answer: HTTP status and body. */
    public record Answer(int status, String body) {
        public static Answer tooManyRequests(int retryAfter) {
            return new Answer(429, "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after "
                    + retryAfter + "\",\"parameters\":{\"retry_after\":" + retryAfter + "}}");
        }

        public static Answer blocked() {
            return new Answer(403, "{\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: bot was blocked by the user\"}");
        }

        public static Answer chatNotFound() {
            return new Answer(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: chat not found\"}");
        }

        /** A 500 whose description quotes the request path (and so the token): the bot must scrub it. */
        public static Answer serverError(String path) {
            return new Answer(500, "{\"ok\":false,\"error_code\":500,\"description\":\"Internal Server Error at " + path
                    + "\"}");
        }
    }

    private final HttpServer server;
    private final String token;
    private final List<ObjectNode> updates = new ArrayList<>();
    private long nextUpdateId = 334363465;
    private long nextMessageId = 1;
    private final List<Long> offsetsAsked = new CopyOnWriteArrayList<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<Photo> photos = new CopyOnWriteArrayList<>();
    /** Every sendMessage, answered or not: chat and arrival time. */
    private final List<Received> attempts = new CopyOnWriteArrayList<>();
    private final Map<Long, Deque<Answer>> scripted = new HashMap<>();
    private volatile boolean failUpdates;
    private volatile Duration sendDelay = Duration.ZERO;

    static {
        // The JDK server writes headers and body in separate packets: without TCP_NODELAY each answer
        // waits out the client's delayed ACK (40 ms), and the fake, not the bot, sets the pace.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private FakeTelegram(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", this::handle);
        server.start();
    }

    public static FakeTelegram start(String token) throws IOException {
        return new FakeTelegram(token);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    // ---- what a test does ----

    /** A user (or group) sends {@code text} to the bot. */
    public synchronized void userSends(long chat, String text) {
        userSends(chat, "Group " + (-chat), text);
    }

    /** A group titled {@code title} sends {@code text} to the bot. */
    public synchronized void userSends(long chat, String title, String text) {
        ObjectNode u = JSON.createObjectNode();
        u.put("update_id", nextUpdateId++);
        ObjectNode m = u.putObject("message");
        m.put("message_id", nextMessageId++);
        ObjectNode from = m.putObject("from");
        from.put("id", Math.abs(chat));
        from.put("is_bot", false);
        from.put("first_name", "User" + Math.abs(chat));
        ObjectNode c = m.putObject("chat");
        c.put("id", chat);
        if (chat < 0) {
            c.put("title", title);
            c.put("type", "group");
        } else {
            c.put("first_name", "User" + chat);
            c.put("type", "private");
        }
        m.put("date", System.currentTimeMillis() / 1000);
        m.put("text", text);
        if (text.startsWith("/")) {
            int end = text.indexOf(' ');
            ArrayNode e = m.putArray("entities");
            ObjectNode entity = e.addObject();
            entity.put("offset", 0);
            entity.put("length", end < 0 ? text.length() : end);
            entity.put("type", "bot_command");
        }
        updates.add(u);
        notifyAll();
    }

    /** The next answers to {@code sendMessage} for {@code chat}, before it is answered 200 again. */
    public synchronized void script(long chat, Answer... answers) {
        scripted.computeIfAbsent(chat, k -> new ArrayDeque<>()).addAll(List.of(answers));
    }

    /**
     * Each {@code sendMessage} answered 200 is delivered (recorded) at once and answered this much
     * later, as a slow network would: a bot killed meanwhile never hears that it was delivered.
     */
    public void sendDelay(Duration d) {
        sendDelay = d;
    }

    public void failUpdates(boolean fail) {
        failUpdates = fail;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> receivedBy(long chat) {
        return received.stream().filter(r -> r.chat() == chat).toList();
    }

    public List<Received> attempts() {
        return List.copyOf(attempts);
    }

    public List<Long> offsetsAsked() {
        return List.copyOf(offsetsAsked);
    }

    /** The id the next {@link #userSends} gets. */
    public synchronized long nextUpdateId() {
        return nextUpdateId;
    }

    /** Waits until {@code test} holds of what was received (checked every 20 ms). */
    public List<Received> await(Predicate<List<Received>> test, Duration within, String what) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (true) {
            List<Received> r = received();
            if (test.test(r)) {
                return r;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("within " + within + ": " + what + "; received " + r.size() + " message(s), last "
                        + (r.isEmpty() ? "none" : r.get(r.size() - 1)));
            }
            Thread.sleep(20);
        }
    }

    // ---- the server ----

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String prefix = "/bot" + token + "/";
            if (!path.startsWith(prefix)) {
                reply(ex, 401, "{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}");
                return;
            }
            byte[] raw = ex.getRequestBody().readAllBytes();
            if (path.equals(prefix + "sendPhoto")) {
                sendPhoto(ex, raw);
                return;
            }
            JsonNode body = JSON.readTree(raw);
            switch (path.substring(prefix.length())) {
                case "getMe" -> reply(ex, 200, "{\"ok\":true,\"result\":{\"id\":2084591315,\"is_bot\":true,"
                        + "\"first_name\":\"Tickwatch\",\"username\":\"" + BOT_NAME + "\"}}");
                case "getUpdates" -> getUpdates(ex, body, path);
                case "sendMessage" -> sendMessage(ex, body);
                default -> reply(ex, 404, "{\"ok\":false,\"error_code\":404,\"description\":\"Not Found\"}");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code sendPhoto} as {@code multipart/form-data}: the parts by name, the photo's bytes as sent. */
    private void sendPhoto(HttpExchange ex, byte[] raw) throws IOException {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.startsWith("multipart/form-data; boundary=")) {
            reply(ex, 400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: there is no photo in the request\"}");
            return;
        }
        byte[] boundary = ("--" + type.substring(type.indexOf('=') + 1)).getBytes(StandardCharsets.ISO_8859_1);
        Map<String, byte[]> parts = new HashMap<>();
        int at = indexOf(raw, boundary, 0);
        while (at >= 0) {
            int headStart = at + boundary.length + 2; // CRLF after the boundary ("--" after the last)
            int headEnd = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headStart);
            int next = indexOf(raw, boundary, headStart);
            if (headEnd < 0 || next < 0) {
                break;
            }
            String head = new String(raw, headStart, headEnd - headStart, StandardCharsets.UTF_8);
            int n = head.indexOf("name=\"");
            String name = head.substring(n + 6, head.indexOf('"', n + 6));
            parts.put(name, java.util.Arrays.copyOfRange(raw, headEnd + 4, next - 2));
            at = next;
        }
        if (!parts.containsKey("photo") || !parts.containsKey("chat_id")) {
            reply(ex, 400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: there is no photo in the request\"}");
            return;
        }
        long chat = Long.parseLong(new String(parts.get("chat_id"), StandardCharsets.UTF_8).trim());
        String caption = parts.containsKey("caption") ? new String(parts.get("caption"), StandardCharsets.UTF_8) : null;
        photos.add(new Photo(chat, parts.get("photo"), caption, System.nanoTime()));
        reply(ex, 200, "{\"ok\":true,\"result\":{\"message_id\":1,\"chat\":{\"id\":" + chat + "},\"photo\":[]}}");
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The photos sent, in order. */
    public List<Photo> photos() {
        return List.copyOf(photos);
    }

    private void getUpdates(HttpExchange ex, JsonNode body, String path) throws IOException, InterruptedException {
        long offset = body.path("offset").asLong(0);
        long timeoutMs = Math.min(2000, body.path("timeout").asLong(0) * 1000);
        offsetsAsked.add(offset);
        if (failUpdates) {
            reply(ex, 500, Answer.serverError(path).body());
            return;
        }
        ArrayNode result = JSON.createArrayNode();
        synchronized (this) {
            long end = System.currentTimeMillis() + timeoutMs;
            while (true) {
                for (ObjectNode u : updates) {
                    if (u.get("update_id").asLong() >= offset) {
                        result.add(u);
                    }
                }
                long left = end - System.currentTimeMillis();
                if (!result.isEmpty() || left <= 0) {
                    break;
                }
                wait(left);
            }
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("ok", true);
        answer.set("result", result);
        reply(ex, 200, JSON.writeValueAsString(answer));
    }

    private void sendMessage(HttpExchange ex, JsonNode body) throws IOException {
        long at = System.nanoTime();
        long chat = body.path("chat_id").asLong();
        String text = body.path("text").asText();
        Received r = new Received(chat, text, body.path("parse_mode").asText(null), at);
        attempts.add(r);
        Answer scriptedAnswer;
        synchronized (this) {
            Deque<Answer> q = scripted.get(chat);
            scriptedAnswer = q == null ? null : q.poll();
        }
        if (scriptedAnswer != null) {
            String b = scriptedAnswer.body().replace("/bot<path>", ex.getRequestURI().getPath());
            reply(ex, scriptedAnswer.status(), b);
            return;
        }
        received.add(r);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("ok", true);
        ObjectNode m = answer.putObject("result");
        synchronized (this) {
            m.put("message_id", nextMessageId++);
        }
        m.putObject("chat").put("id", chat);
        m.put("date", System.currentTimeMillis() / 1000);
        m.put("text", text);
        if (!sendDelay.isZero()) {
            try {
                Thread.sleep(sendDelay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        reply(ex, 200, JSON.writeValueAsString(answer));
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
