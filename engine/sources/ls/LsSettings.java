package engine.sources.ls;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code tickwatch.sources.ls} block (README "The ls source").
 *
 * @param url            REST base, {@code https://openapi.ls-sec.co.kr:8080} ({@code TICKWATCH_LS_URL})
 * @param wsUrl          websocket, {@code wss://openapi.ls-sec.co.kr:9443/websocket} ({@code TICKWATCH_LS_WS_URL};
 *                       paper trading listens on port 29443)
 * @param appKey         {@code TICKWATCH_LS_APPKEY}; never logged
 * @param appSecret      {@code TICKWATCH_LS_APPSECRET}; never logged
 * @param renewBefore    a token is renewed this long before it expires (at most half its lifetime early)
 * @param requestTimeout the longest the token request may take
 * @param silenceLimit   a connection that receives nothing for this long is dropped and opened again; zero: never
 * @param backoff        the first pause before a reconnect (doubled each attempt, jittered)
 * @param maxBackoff     the longest pause
 * @param jitter         the pause is multiplied by a random factor in [1 - jitter, 1 + jitter]
 * @param instruments    symbol to instrument, for codes whose shape does not tell (or tells wrong)
 * @param maxRegistrationsPerConnection channels one connection carries at most (a ticker with trades and
 *                       quotes counts two); past it the source opens another connection; 0: no limit, one connection
 * @param maxQueued      trades waiting for the node (over all symbols, {@link engine.sources.SymbolLanes}) before
 *                       the source stops reading its websockets
 */
public record LsSettings(URI url, URI wsUrl, String appKey, String appSecret, Duration renewBefore,
                         Duration requestTimeout, Duration silenceLimit, Duration backoff, Duration maxBackoff,
                         double jitter, Map<String, Instrument> instruments, int maxRegistrationsPerConnection,
                         int maxQueued) {

    static final String DEFAULTS = """
            url = "https://openapi.ls-sec.co.kr:8080"
            ws-url = "wss://openapi.ls-sec.co.kr:9443/websocket"
            renew-before = 10m
            request-timeout = 10s
            silence-limit = 2m
            backoff = 1s
            max-backoff = 30s
            jitter = 0.3
            instruments {}
            max-registrations-per-connection = 0
            max-queued = 50000
            """;

    public LsSettings {
        instruments = Map.copyOf(instruments);
        if (appKey == null || appKey.isBlank() || appSecret == null || appSecret.isBlank()) {
            throw new IllegalArgumentException("the ls source needs an app key and secret: set TICKWATCH_LS_APPKEY "
                    + "and TICKWATCH_LS_APPSECRET (or appkey / appsecret in its block)");
        }
        if (!(jitter >= 0 && jitter < 1)) {
            throw new IllegalArgumentException("jitter must be in [0, 1), got " + jitter);
        }
        if (backoff.isNegative() || backoff.isZero() || maxBackoff.compareTo(backoff) < 0) {
            throw new IllegalArgumentException("backoff must be positive and at most max-backoff");
        }
        if (maxRegistrationsPerConnection < 0) {
            throw new IllegalArgumentException("max-registrations-per-connection must be 0 (no limit) or more, got "
                    + maxRegistrationsPerConnection);
        }
        if (maxQueued < 1) {
            throw new IllegalArgumentException("max-queued must be at least 1, got " + maxQueued);
        }
        check(url, "url", "http", "https");
        check(wsUrl, "ws-url", "ws", "wss");
    }

    private static void check(URI u, String key, String a, String b) {
        String s = u.getScheme();
        if (s == null || !s.equals(a) && !s.equals(b) || u.getHost() == null) {
            throw new IllegalArgumentException(key + " must be a " + a + "(s) URL, got " + Scrub.url(u.toString()));
        }
    }

    /** Reads a source block; missing keys take the defaults, missing credentials the environment. */
    public static LsSettings from(Config block) {
        Config c = block.withFallback(ConfigFactory.parseString(DEFAULTS));
        Map<String, Instrument> inst = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> e : c.getConfig("instruments").root().entrySet()) {
            inst.put(e.getKey().replace("\"", ""), Instrument.parse(String.valueOf(e.getValue().unwrapped())));
        }
        return new LsSettings(URI.create(trim(c.getString("url"))), URI.create(c.getString("ws-url").trim()),
                secret(c, "appkey", "TICKWATCH_LS_APPKEY"), secret(c, "appsecret", "TICKWATCH_LS_APPSECRET"),
                c.getDuration("renew-before"), c.getDuration("request-timeout"), c.getDuration("silence-limit"),
                c.getDuration("backoff"), c.getDuration("max-backoff"), c.getDouble("jitter"), inst,
                c.getInt("max-registrations-per-connection"), c.getInt("max-queued"));
    }

    private static String secret(Config c, String key, String env) {
        return c.hasPath(key) ? c.getString(key) : System.getenv(env);
    }

    private static String trim(String url) {
        return engine.sources.BaseUrl.trim(url);
    }

    /** What the token request needs (the order sink's LS broker asks with the same code). */
    public actors.ls.TokenClient.Credentials credentials() {
        return new actors.ls.TokenClient.Credentials(url.toString(), appKey, appSecret, requestTimeout);
    }

    /** Without the secrets. */
    @Override
    public String toString() {
        return "LsSettings[url=" + Scrub.url(url.toString()) + ", ws-url=" + Scrub.url(wsUrl.toString())
                + ", silence-limit=" + silenceLimit + ", backoff=" + backoff + ".." + maxBackoff + "]";
    }
}
