package actors.sinks.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The few Bot API calls the bot makes ({@code getUpdates}, {@code sendMessage}), as JSON POSTs
 * with the JDK's HTTP client: the callers are the bot's own two threads, which block anyway, so
 * a client library with threads of its own (OkHttp) would add nothing. Every error text this class
 * produces is scrubbed of the token.
 */
final class BotApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What became of one {@code sendMessage}. */
    sealed interface SendResult {
    }

    record Sent() implements SendResult {
    }

    /** HTTP 429: wait, then send the same message again. */
    record RetryAfter(Duration delay) implements SendResult {
    }

    /** HTTP 403 (blocked, kicked) or 400 {@code chat not found}: the chat is gone for good. */
    record ChatGone(String description) implements SendResult {
    }

    /** 5xx, a network error, a timeout: try again with backoff. */
    record Transient(String description) implements SendResult {
    }

    /** Any other refusal (a 400 about the message itself): sending it again cannot help. */
    record Refused(String description) implements SendResult {
    }

    /** {@code getUpdates} failed (the text is scrubbed). */
    static final class ApiException extends IOException {
        ApiException(String message) {
            super(message);
        }
    }

    private final HttpClient http;
    private final String base;
    private final Scrubber scrubber;
    private final Duration requestTimeout;

    BotApi(TelegramSettings s) {
        this.base = s.baseUrl() + "/bot" + s.token() + "/";
        this.scrubber = new Scrubber(s.token());
        this.requestTimeout = s.requestTimeout();
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    Scrubber scrubber() {
        return scrubber;
    }

    /** Updates from {@code offset} on, waiting up to {@code timeout} for one; throws on any failure. */
    List<JsonNode> getUpdates(long offset, Duration timeout) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("offset", offset);
        body.put("timeout", Math.max(0, timeout.toSeconds()));
        body.putArray("allowed_updates").add("message");
        HttpResponse<String> r;
        try {
            r = post("getUpdates", body, timeout.plus(requestTimeout));
        } catch (IOException e) {
            throw new ApiException("getUpdates: " + scrubber.describe(e));
        }
        JsonNode answer = parse(r.body());
        if (r.statusCode() != 200 || answer == null || !answer.path("ok").asBoolean(false)) {
            throw new ApiException("getUpdates: HTTP " + r.statusCode() + " " + describe(answer, r.body()));
        }
        List<JsonNode> out = new ArrayList<>();
        answer.path("result").forEach(out::add);
        return out;
    }

    /** Our bot's {@code username} ({@code getMe}). */
    String getMe() throws IOException, InterruptedException {
        HttpResponse<String> r;
        try {
            r = post("getMe", JSON.createObjectNode(), requestTimeout);
        } catch (IOException e) {
            throw new ApiException("getMe: " + scrubber.describe(e));
        }
        JsonNode answer = parse(r.body());
        if (r.statusCode() != 200 || answer == null || !answer.path("ok").asBoolean(false)) {
            throw new ApiException("getMe: HTTP " + r.statusCode() + " " + describe(answer, r.body()));
        }
        return answer.path("result").path("username").asText("");
    }

    /** Sends {@code html} (parse mode HTML, no link preview) to {@code chat}. */
    SendResult sendMessage(long chat, String html) throws InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("chat_id", chat);
        body.put("text", html);
        body.put("parse_mode", "HTML");
        body.put("disable_web_page_preview", true);
        HttpResponse<String> r;
        try {
            r = post("sendMessage", body, requestTimeout);
        } catch (IOException e) {
            return new Transient(scrubber.describe(e));
        }
        return result(r);
    }

    /**
     * Sends a PNG (a chart) to {@code chat} with an HTML caption (at most 1,024 characters), as
     * {@code multipart/form-data}: Telegram takes an uploaded photo only that way.
     */
    SendResult sendPhoto(long chat, byte[] png, String captionHtml) throws InterruptedException {
        String boundary = "tickwatch-" + java.util.UUID.randomUUID();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(png.length + 1024);
        field(out, boundary, "chat_id", Long.toString(chat));
        if (captionHtml != null && !captionHtml.isEmpty()) {
            field(out, boundary, "caption", captionHtml);
            field(out, boundary, "parse_mode", "HTML");
        }
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"chart.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(png);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "sendPhoto"))
                .timeout(requestTimeout)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray()))
                .build();
        try {
            return result(http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            return new Transient(scrubber.describe(e));
        }
    }

    private static void field(java.io.ByteArrayOutputStream out, String boundary, String name, String value) {
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n\r\n" + value + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** What an answer to a send means (the same for {@code sendMessage} and {@code sendPhoto}). */
    private SendResult result(HttpResponse<String> r) {
        JsonNode answer = parse(r.body());
        int status = r.statusCode();
        String description = describe(answer, r.body());
        if (status == 200 && answer != null && answer.path("ok").asBoolean(false)) {
            return new Sent();
        }
        if (status == 429) {
            long seconds = answer == null ? 1 : answer.path("parameters").path("retry_after").asLong(1);
            return new RetryAfter(Duration.ofSeconds(Math.max(1, seconds)));
        }
        if (status == 403 || (status == 400 && description.toLowerCase().contains("chat not found"))) {
            return new ChatGone("HTTP " + status + " " + description);
        }
        if (status >= 500 || status == 200) {
            return new Transient("HTTP " + status + " " + description);
        }
        return new Refused("HTTP " + status + " " + description);
    }

    private HttpResponse<String> post(String method, JsonNode body, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + method))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8))
                .build();
        return http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private String describe(JsonNode answer, String raw) {
        String d = answer != null && answer.has("description") ? answer.get("description").asText()
                : raw == null ? "" : raw.substring(0, Math.min(200, raw.length()));
        return scrubber.scrub(d);
    }
}
