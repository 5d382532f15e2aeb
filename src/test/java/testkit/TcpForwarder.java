package testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP port that forwards every connection to another address: lets processes in a network
 * namespace reach a server that listens on the root namespace's loopback only (the test PostgreSQL),
 * without changing that server's configuration. Bytes are copied both ways on two threads per
 * connection; closing the forwarder closes every connection.
 */
public final class TcpForwarder implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean closed;

    private TcpForwarder(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
    }

    /** Listens on {@code bindHost}, a free port, and forwards to {@code targetHost:targetPort}. */
    public static TcpForwarder start(String bindHost, String targetHost, int targetPort) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName(bindHost));
        TcpForwarder f = new TcpForwarder(server, new InetSocketAddress(targetHost, targetPort));
        Thread t = new Thread(f::acceptLoop, "tcp-forwarder-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
        return f;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket in;
            try {
                in = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            Socket out = new Socket();
            try {
                out.connect(target, 5000);
            } catch (IOException e) {
                quietly(in);
                quietly(out);
                continue;
            }
            open.add(in);
            open.add(out);
            pump(in, out);
            pump(out, in);
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream is = from.getInputStream(); OutputStream os = to.getOutputStream()) {
                int n;
                while ((n = is.read(buf)) >= 0) {
                    os.write(buf, 0, n);
                    os.flush();
                }
            } catch (IOException e) {
                // one side closed or reset: close both below
            } finally {
                quietly(from);
                quietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "tcp-forwarder-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing
        }
        open.forEach(TcpForwarder::quietly);
    }
}
