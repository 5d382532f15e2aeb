package engine.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, so a test can send what a browser or a careless client sends and
 * the JDK client refuses to: any {@code Host}, any header bytes, no {@code Content-Type}.
 */
final class RawHttp {
    static final ObjectMapper JSON = new ObjectMapper();

    record Reply(int status, Map<String, String> headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        /** The {@code error} of an error answer. */
        String error() {
            return json().path("error").asText();
        }
    }

    private RawHttp() {
    }

    /**
     * Sends one request; {@code headers} may set {@code Host} (default {@code 127.0.0.1:port}); a body
     * gets its {@code Content-Length}, and nothing else is added.
     */
    static Reply send(int port, String method, String path, Map<String, String> headers, String body) throws IOException {
        Map<String, String> h = new LinkedHashMap<>();
        if (headers.keySet().stream().noneMatch(k -> k.equalsIgnoreCase("Host"))) {
            h.put("Host", "127.0.0.1:" + port);
        }
        h.putAll(headers);
        byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        if (bytes != null) {
            h.put("Content-Length", String.valueOf(bytes.length));
        }
        h.put("Connection", "close");
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        h.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("\r\n");
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            if (bytes != null) {
                out.write(bytes);
            }
            out.flush();
            return parse(s.getInputStream());
        }
    }

    static Reply send(int port, String method, String path, Map<String, String> headers) throws IOException {
        return send(port, method, path, headers, null);
    }

    private static Reply parse(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String text = all.toString(StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no complete HTTP answer: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        return new Reply(status, headers, text.substring(end + 4));
    }
}
