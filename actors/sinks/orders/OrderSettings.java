package actors.sinks.orders;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code tickwatch.orders}: the mode, the age a hit's bar may have, the limits and the two brokers.
 * Keys and secrets come from the environment only ({@code TICKWATCH_LS_APPKEY},
 * {@code TICKWATCH_LS_APPSECRET}, {@code TICKWATCH_BINANCE_API_KEY},
 * {@code TICKWATCH_BINANCE_API_SECRET}) and are kept out of {@code toString}.
 *
 * @param mode          {@code off} (hits carry their order, nothing is sent), {@code paper} or {@code live}
 * @param maxAge        only hits on bars that ended this recently (by the wall clock) trade
 * @param paperFillWait how long a simulated order waits for the next tick before it fills at the bar close
 * @param timeout       the longest one request to a broker may take
 */
public record OrderSettings(Mode mode, Duration maxAge, Duration paperFillWait, Duration timeout,
                            Venue ls, Venue binance) {
    /** The second switch {@code live} needs, besides the configuration. */
    public static final String LIVE_SWITCH = "TICKWATCH_LIVE_ORDERS";

    public enum Mode {
        OFF, PAPER, LIVE;

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One broker's settings.
     *
     * @param url      the live base URL
     * @param paperUrl the paper base URL (LS paper port, Binance testnet); empty: paper is simulated here
     * @param key      app key / API key ({@code null} when not set)
     * @param secret   app secret / API secret
     * @param limits   its limits, in its currency
     * @param recvWindow Binance's {@code recvWindow}
     * @param perSecond  requests a second at most
     */
    public record Venue(String name, String url, String paperUrl, String key, String secret, Limits limits,
                        Duration recvWindow, int perSecond) {
        /** The key's first four characters: enough to tell accounts apart, never the whole key. */
        public String maskedKey() {
            return key == null || key.length() < 8 ? "(no key)" : key.substring(0, 4) + "…";
        }

        public boolean hasCredentials() {
            return key != null && !key.isBlank() && secret != null && !secret.isBlank();
        }

        @Override
        public String toString() {
            return "Venue[" + name + ", " + url + ", paper " + (paperUrl.isEmpty() ? "simulated" : paperUrl) + ", key "
                    + maskedKey() + "]";
        }
    }

    static final String DEFAULTS = """
            mode = off
            max-age = 5m
            paper-fill-wait = 20s
            request-timeout = 10s
            limits {
              max-order-value = 1000000
              max-orders-per-day = 20
              max-orders-per-symbol-per-day = 5
              max-position-value = 3000000
              max-total-position-value = 10000000
              max-daily-loss = 300000
            }
            ls { url = "https://openapi.ls-sec.co.kr:8080", paper-url = "", requests-per-second = 10, limits {} }
            binance {
              url = "https://fapi.binance.com", paper-url = "", recv-window = 5s, requests-per-second = 10
              limits {
                max-order-value = 1000
                max-position-value = 3000
                max-total-position-value = 10000
                max-daily-loss = 300
              }
            }
            """;

    /**
     * Reads {@code tickwatch.orders} of {@code root}.
     *
     * @param env the environment (credentials and the live switch)
     * @throws IllegalArgumentException for a mode that is not off/paper/live, a bad URL, or
     *         {@code live} without {@value #LIVE_SWITCH}{@code =yes}
     */
    public static OrderSettings from(Config root, Function<String, String> env) {
        Config c = (root.hasPath("tickwatch.orders") ? root.getConfig("tickwatch.orders") : ConfigFactory.empty())
                .withFallback(ConfigFactory.parseString(DEFAULTS));
        String m = c.getString("mode").trim().toLowerCase(Locale.ROOT);
        Mode mode = switch (m) {
            case "off", "" -> Mode.OFF;
            case "paper" -> Mode.PAPER;
            case "live" -> Mode.LIVE;
            default -> throw new IllegalArgumentException("tickwatch.orders.mode must be off, paper or live, not \"" + m + "\"");
        };
        if (mode == Mode.LIVE && !"yes".equals(env.apply(LIVE_SWITCH))) {
            throw new IllegalArgumentException("tickwatch.orders.mode = live trades real money and also needs "
                    + LIVE_SWITCH + "=yes in the environment; refusing to start (set mode = paper to try it safely)");
        }
        Config limits = c.getConfig("limits");
        Venue ls = venue("ls", c.getConfig("ls"), limits, env.apply("TICKWATCH_LS_APPKEY"), env.apply("TICKWATCH_LS_APPSECRET"));
        Venue binance = venue("binance", c.getConfig("binance"), limits, env.apply("TICKWATCH_BINANCE_API_KEY"),
                env.apply("TICKWATCH_BINANCE_API_SECRET"));
        return new OrderSettings(mode, c.getDuration("max-age"), c.getDuration("paper-fill-wait"),
                c.getDuration("request-timeout"), ls, binance);
    }

    private static Venue venue(String name, Config v, Config limits, String key, String secret) {
        String url = url("tickwatch.orders." + name + ".url", v.getString("url"));
        String paper = v.getString("paper-url").isBlank() ? "" : url("tickwatch.orders." + name + ".paper-url", v.getString("paper-url"));
        Duration recv = v.hasPath("recv-window") ? v.getDuration("recv-window") : Duration.ofSeconds(5);
        return new Venue(name, url, paper, key, secret, Limits.from(v.getConfig("limits").withFallback(limits)), recv,
                v.getInt("requests-per-second"));
    }

    private static String url(String key, String text) {
        String t = text.trim();
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        URI u;
        try {
            u = URI.create(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " is not a URL");
        }
        if (u.getScheme() == null || !u.getScheme().startsWith("http") || u.getHost() == null) {
            throw new IllegalArgumentException(key + " must be an http(s) URL with a host");
        }
        return t;
    }

    public Venue venue(String broker) {
        return "ls".equals(broker) ? ls : binance;
    }
}
