package engine.http;

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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A Server-Sent Events client on a raw socket, as a browser's {@code EventSource} would speak it
 * (HTTP/1.1, chunked), whose connection a test can drop at any point: {@link #close()} cuts the
 * socket without a goodbye. Events arrive in {@link #events}; comments (heartbeats) count in {@link #comments}.
 */
final class SseClient implements AutoCloseable {
    record Event(String id, String type, String data) {
    }

    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    volatile int comments;
    private final Socket socket;

    SseClient(int port, Map<String, String> requestHeaders) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(60_000);
        StringBuilder head = new StringBuilder("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nAccept: text/event-stream\r\n");
        requestHeaders.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = socket.getInputStream();
        String statusLine = line(in);
        status = Integer.parseInt(statusLine.split(" ")[1]);
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        Thread reader = new Thread(() -> read(in), "sse-client");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(InputStream in) {
        boolean chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
        StringBuilder pending = new StringBuilder();
        String id = null;
        String type = null;
        StringBuilder data = new StringBuilder();
        try {
            while (true) {
                byte[] bytes;
                if (chunked) {
                    int size = Integer.parseInt(line(in).trim(), 16);
                    if (size == 0) {
                        return;
                    }
                    bytes = in.readNBytes(size);
                    line(in);
                } else {
                    bytes = in.readNBytes(Math.max(1, Math.min(in.available(), 4096)));
                    if (bytes.length == 0) {
                        return;
                    }
                }
                pending.append(new String(bytes, StandardCharsets.UTF_8));
                int nl;
                while ((nl = pending.indexOf("\n")) >= 0) {
                    String l = pending.substring(0, nl);
                    pending.delete(0, nl + 1);
                    if (l.isEmpty()) {
                        if (type != null || data.length() > 0) {
                            events.add(new Event(id, type == null ? "message" : type, data.toString()));
                        }
                        type = null;
                        data.setLength(0);
                    } else if (l.startsWith(":")) {
                        comments++;
                    } else if (l.startsWith("id:")) {
                        id = l.substring(3).trim();
                    } else if (l.startsWith("event:")) {
                        type = l.substring(6).trim();
                    } else if (l.startsWith("data:")) {
                        data.append(data.length() > 0 ? "\n" : "").append(l.substring(5).stripLeading());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the test dropped the connection
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
