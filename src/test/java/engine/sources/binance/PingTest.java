package engine.sources.binance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/**
 * Binance pings every three minutes and drops a connection that does not answer: the websocket
 * client answers a protocol ping with a pong of the same payload by itself. A server written at the
 * frame level (Pekko's server does not let a route send a ping) checks that it does.
 */
class PingTest {

    @Test
    void aProtocolPingIsAnsweredWithAPongOfTheSamePayload() throws Exception {
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "binance-ping-test",
                ConfigFactory.parseString("pekko.loglevel = WARNING\npekko.actor.provider = local")
                        .withFallback(ConfigFactory.load()));
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             BinanceSource src = BinanceSourceTest.source(system, new Url("ws://127.0.0.1:" + server.getLocalPort()),
                     new BinanceSourceTest.Collected(), "")) {
            server.setSoTimeout(20_000);
            src.watch(BinanceSourceTest.ticker("BTCUSDT"));
            try (Socket s = server.accept()) {
                s.setSoTimeout(20_000);
                DataInputStream in = new DataInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                String key = null;
                String requestLine = null;
                for (String line; !(line = readLine(in)).isEmpty(); ) {
                    if (requestLine == null) {
                        requestLine = line;
                    }
                    if (line.toLowerCase().startsWith("sec-websocket-key:")) {
                        key = line.substring(line.indexOf(':') + 1).trim();
                    }
                }
                assertEquals("GET /market/stream HTTP/1.1", requestLine);
                String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                        .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
                out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] payload = "1700000000000".getBytes(StandardCharsets.US_ASCII);
                out.write(new byte[] {(byte) 0x89, (byte) payload.length});
                out.write(payload);
                out.flush();
                while (true) { // the SUBSCRIBE may come first
                    int b0 = in.readUnsignedByte();
                    int b1 = in.readUnsignedByte();
                    long len = b1 & 0x7f;
                    if (len == 126) {
                        len = in.readUnsignedShort();
                    } else if (len == 127) {
                        len = in.readLong();
                    }
                    byte[] mask = new byte[4];
                    if ((b1 & 0x80) != 0) {
                        in.readFully(mask);
                    }
                    byte[] data = new byte[(int) len];
                    in.readFully(data);
                    for (int i = 0; i < data.length; i++) {
                        data[i] ^= mask[i % 4];
                    }
                    if ((b0 & 0x0f) == 0xA) {
                        assertArrayEquals(payload, data, "the pong carries the ping's payload");
                        break;
                    }
                }
            }
        } finally {
            system.terminate();
        }
    }

    /** Stands in for the fake where only its URL is needed. */
    record Url(String url) implements BinanceSourceTest.HasUrl {
    }

    private static String readLine(DataInputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new java.io.EOFException();
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
