package engine;

import engine.http.ApiErrors;
import engine.http.ApiJson;
import engine.http.Auth;
import engine.http.ConditionRoutes;
import engine.http.HealthRoutes;
import engine.http.HitRoutes;
import engine.http.MetricsRoutes;
import engine.http.SinkRoutes;
import engine.http.SubscriberRoutes;
import engine.http.TickRoutes;
import engine.http.TickerRoutes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;

/**
 * The admin HTTP API (README "Admin API"): JSON everywhere, errors as
 * {@code {"error": "...", "detail": ...}}, a bearer token on every {@code /api} request when one is
 * configured. This class binds it and composes the route classes of {@code engine.http}, one per
 * resource; a new endpoint goes there (DEVELOPERS.md).
 */
public final class AdminApi extends AllDirectives {
    private final ApiErrors errors;
    private final Auth auth;
    private final HealthRoutes health;
    private final TickerRoutes tickers;
    private final TickRoutes ticks;
    private final ConditionRoutes conditions;
    private final HitRoutes hits;
    private final engine.http.SourceRoutes sources;
    private final SinkRoutes sinks;
    private final SubscriberRoutes subscribers;
    private final engine.http.EventRoutes events;
    private final engine.http.WebRoutes web = new engine.http.WebRoutes();
    private final engine.http.OrderRoutes orders;
    private final engine.http.DailyRoutes daily;
    private final engine.http.UniverseRoutes universe;
    private final MetricsRoutes metrics;

    /** HTTP settings: {@code tickwatch.http.*}. */
    public record Settings(String host, int port, String adminToken, int maxTicksPerRequest) {
        static Settings from(com.typesafe.config.Config c) {
            com.typesafe.config.Config h = c.getConfig("tickwatch.http");
            return new Settings(h.getString("host"), h.getInt("port"), h.getString("admin-token"),
                    h.getInt("max-ticks-per-request"));
        }

        @Override
        public String toString() {
            return "AdminApi.Settings[" + host + ":" + port + ", token " + (adminToken.isEmpty() ? "none" : "set") + "]";
        }
    }

    AdminApi(Node node, Settings settings) {
        ApiJson json = new ApiJson(JacksonObjectMapperProvider.get(node.system())
                .getOrCreate("jackson-json", Optional.empty()));
        this.errors = new ApiErrors(json);
        this.auth = new Auth(json, settings.adminToken());
        this.health = new HealthRoutes(json, node);
        this.tickers = new TickerRoutes(json, node);
        this.ticks = new TickRoutes(json, node, settings.maxTicksPerRequest());
        this.conditions = new ConditionRoutes(json, node);
        this.hits = new HitRoutes(json, node);
        this.sources = new engine.http.SourceRoutes(json, node);
        this.sinks = new SinkRoutes(json, node);
        this.subscribers = new SubscriberRoutes(json, node);
        this.events = new engine.http.EventRoutes(json, node.live(), auth, node.settings().config());
        this.orders = new engine.http.OrderRoutes(json, node);
        this.daily = new engine.http.DailyRoutes(json, node);
        this.universe = new engine.http.UniverseRoutes(json, node);
        this.metrics = new MetricsRoutes(json, node);
    }

    /**
     * Binds the API. Refuses a host other than loopback when no admin token is set: an open admin
     * API on a network interface would let anyone change conditions.
     */
    public static CompletionStage<ServerBinding> bind(Node node, Settings settings) {
        if (settings.adminToken().isEmpty() && !isLoopback(settings.host())) {
            throw new IllegalStateException("refusing to bind the admin API to " + settings.host()
                    + " without an admin token: set TICKWATCH_ADMIN_TOKEN (or tickwatch.http.admin-token), "
                    + "or bind to 127.0.0.1");
        }
        AdminApi api = new AdminApi(node, settings);
        return Http.get(node.system()).newServerAt(settings.host(), settings.port()).bind(api.routes());
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    Route routes() {
        return handleExceptions(errors.exceptions(), () -> handleRejections(errors.rejections(), () -> concat(
                health.route(),
                web.route(),
                path("metrics", () -> auth.authorized(metrics::route)),
                pathPrefix("api", () -> concat(events.events(), auth.authorized(() -> concat(
                        events.session(),
                        pathPrefix("tickers", () -> concat(daily.tickerRoute(), tickers.route())),
                        path("daily", daily::healthRoute),
                        pathPrefix("universe", universe::route),
                        path("ticks", ticks::route),
                        pathPrefix("conditions", conditions::route),
                        path("hits", hits::route),
                        path("sources", sources::route),
                        pathPrefix("sinks", sinks::route),
                        pathPrefix("subscribers", subscribers::route),
                        pathPrefix("orders", orders::route),
                        pathPrefix("positions", orders::positions))))))));
    }
}
