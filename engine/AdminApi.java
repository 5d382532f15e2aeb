package engine;

import actors.TickerEntity.IngestResult;
import actors.TickerEntity.TickerStatus;
import actors.TickerRegistry;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import conditions.Condition;
import conditions.ConditionException;
import conditions.ConditionParser;
import conditions.Hit;
import conditions.Symbols;
import conditions.Tick;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedQueryParamRejection;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import persistence.BarJson;
import persistence.TickJson;

/**
 * The admin HTTP API (README "Admin API"): JSON everywhere, errors as
 * {@code {"error": "...", "detail": ...}}, a bearer token on every {@code /api} request when one is
 * configured.
 */
public final class AdminApi extends AllDirectives {
    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 10_000;

    private final Node node;
    private final ObjectMapper json;
    private final byte[] token;
    private final int maxTicks;

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
        this.node = node;
        this.json = JacksonObjectMapperProvider.get(node.system()).getOrCreate("jackson-json", Optional.empty());
        this.token = settings.adminToken().isEmpty() ? null : settings.adminToken().getBytes(StandardCharsets.UTF_8);
        this.maxTicks = settings.maxTicksPerRequest();
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
        return handleExceptions(exceptions(), () -> handleRejections(rejections(), () -> concat(
                path("health", () -> get(() -> ok(Map.of("status", "up")))),
                path("ready", () -> get(() -> onSuccess(node.ready(), up -> up
                        ? ok(Map.of("ready", true))
                        : respond(StatusCodes.SERVICE_UNAVAILABLE, Map.of("ready", false))))),
                pathPrefix("api", () -> authorized(() -> concat(
                        pathPrefix("tickers", this::tickers),
                        path("ticks", () -> post(() -> optionalHeaderValueByName("Idempotency-Key",
                                key -> body(text -> ingest(text, key.orElse(null)))))),
                        pathPrefix("conditions", this::conditions),
                        path("hits", () -> get(this::hits))))))));
    }

    // ---- tickers ----

    private Route tickers() {
        return concat(
                pathEnd(() -> concat(
                        get(() -> onSuccess(node.tickers(), list -> ok(list.stream().map(AdminApi::ticker).toList()))),
                        post(() -> body(this::addTicker)))),
                pathPrefix(PathMatchers.segment(), symbol -> concat(
                        pathEnd(() -> concat(
                                get(() -> onSuccess(node.status(symbol), s -> s
                                        .map(st -> ok(status(st)))
                                        .orElseGet(() -> unknownTicker(symbol)))),
                                delete(() -> onSuccess(node.removeTicker(symbol), r -> r instanceof TickerRegistry.Removed
                                        ? complete(HttpResponse.create().withStatus(StatusCodes.NO_CONTENT))
                                        : unknownTicker(symbol))))),
                        path("bars", () -> get(() -> limit(limit -> onSuccess(node.bars(symbol, limit), bars -> bars
                                .map(this::ok)
                                .orElseGet(() -> unknownTicker(symbol))))))))
        );
    }

    private Route addTicker(String text) {
        JsonNode body = readJson(text);
        if (!body.isObject()) {
            return error(StatusCodes.BAD_REQUEST, "expected {\"symbol\": \"005930\", \"source\": \"push\"}", null);
        }
        JsonNode symbol = body.get("symbol");
        JsonNode source = body.get("source");
        if (symbol == null || !symbol.isTextual() || !Symbols.isValid(symbol.asText())) {
            return error(StatusCodes.BAD_REQUEST, "invalid symbol",
                    "\"symbol\" must be 1-20 characters of A-Z, 0-9, '.', '-', '_', got " + symbol);
        }
        if (source != null && !source.isTextual()) {
            return error(StatusCodes.BAD_REQUEST, "invalid source", "\"source\" must be a string, e.g. \"push\"");
        }
        String src = source == null ? "push" : source.asText();
        if (!node.sources().contains(src)) {
            return error(StatusCodes.BAD_REQUEST, "unknown source \"" + src + "\"",
                    Map.of("available", node.sources()));
        }
        return onSuccess(node.addTicker(symbol.asText(), src), r -> {
            if (r instanceof TickerRegistry.Added a) {
                return respond(StatusCodes.CREATED, ticker(a.ticker()));
            }
            if (r instanceof TickerRegistry.AlreadyExists e) {
                return error(StatusCodes.CONFLICT, "ticker " + e.ticker().symbol() + " is already watched", ticker(e.ticker()));
            }
            if (r instanceof TickerRegistry.UnknownSource u) {
                return error(StatusCodes.BAD_REQUEST, "unknown source \"" + u.source() + "\"", Map.of("available", u.known()));
            }
            TickerRegistry.InvalidSymbol i = (TickerRegistry.InvalidSymbol) r;
            return error(StatusCodes.BAD_REQUEST, "invalid symbol", i.reason());
        });
    }

    private static Map<String, Object> ticker(persistence.WatchedTicker t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("symbol", t.symbol());
        m.put("source", t.source());
        m.put("added_at", java.time.Instant.ofEpochMilli(t.addedAt()).toString());
        return m;
    }

    private static Map<String, Object> status(TickerStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("symbol", s.symbol());
        m.put("market", s.market());
        m.put("accepted", s.accepted());
        m.put("rejected", s.rejected());
        m.put("last_tick_time", s.lastTickTime());
        m.put("forming", s.forming());
        m.put("last_bar", s.lastBar());
        m.put("bars_closed", s.barsClosed());
        m.put("pending_hits", s.pendingHits().size());
        return m;
    }

    private Route unknownTicker(String symbol) {
        return error(StatusCodes.NOT_FOUND, "unknown ticker " + symbol, null);
    }

    // ---- ticks ----

    /** {@code POST /api/ticks}; {@code key} is the request's Idempotency-Key header, or null. */
    private Route ingest(String text, String key) {
        String keyProblem = key == null ? null : BatchIds.problem(key);
        if (keyProblem != null) {
            return error(StatusCodes.BAD_REQUEST, keyProblem, null);
        }
        List<Tick> ticks = new ArrayList<>();
        List<Map<String, Object>> problems = new ArrayList<>();
        String trimmed = text.strip();
        if (trimmed.startsWith("[")) {
            JsonNode array = readJson(trimmed);
            for (int i = 0; i < array.size(); i++) {
                add(ticks, problems, array.get(i), "index", i);
            }
        } else {
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = json.readTree(lines[i]);
                } catch (JsonProcessingException e) {
                    problems.add(problem("line", i + 1, "malformed JSON: " + e.getOriginalMessage()));
                    continue;
                }
                add(ticks, problems, n, "line", i + 1);
            }
        }
        if (!problems.isEmpty()) {
            // All or nothing: a client fixes the batch and sends it again, and nothing is counted twice.
            return error(StatusCodes.BAD_REQUEST, problems.size() + " malformed tick(s); nothing was ingested",
                    problems.subList(0, Math.min(problems.size(), 100)));
        }
        if (ticks.size() > maxTicks) {
            return error(StatusCodes.PAYLOAD_TOO_LARGE, "at most " + maxTicks + " ticks a request", Map.of("ticks", ticks.size()));
        }
        return onComplete(node.ingest(ticks, key), result -> {
            if (result.isFailure()) {
                log.warn("ingest of {} ticks failed: {}", ticks.size(), result.failed().get().toString());
                return error(StatusCodes.SERVICE_UNAVAILABLE, key != null
                                ? "ingest failed; send the batch again with the same Idempotency-Key (what was stored is not counted twice)"
                                : "ingest failed; send the batch again (only ticks with cum_volume, or a request with an Idempotency-Key, are never counted twice)",
                        result.failed().get().getMessage());
            }
            IngestResult r = result.get();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("accepted", r.accepted());
            m.put("rejected", r.rejected());
            m.put("already_stored", r.alreadyStored());
            return ok(m);
        });
    }

    private void add(List<Tick> ticks, List<Map<String, Object>> problems, JsonNode n, String where, int at) {
        try {
            ticks.add(TickJson.parse(n));
        } catch (IllegalArgumentException e) {
            problems.add(problem(where, at, e.getMessage()));
        }
    }

    private static Map<String, Object> problem(String where, int at, String reason) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(where, at);
        m.put("reason", reason);
        return m;
    }

    // ---- conditions ----

    private Route conditions() {
        return concat(
                pathEnd(() -> get(() -> ok(node.conditions().all().stream().map(AdminApi::condition).toList()))),
                path("validate", () -> post(() -> body(this::validate))),
                path(PathMatchers.segment(), name -> concat(
                        get(() -> {
                            Condition c = node.conditions().get(name);
                            return c == null ? unknownCondition(name) : ok(condition(c));
                        }),
                        put(() -> body(text -> {
                            boolean existed = node.conditions().get(name) != null;
                            Condition c = node.putCondition(name, ConditionParser.readJson(text));
                            return respond(existed ? StatusCodes.OK : StatusCodes.CREATED, condition(c));
                        })),
                        delete(() -> node.deleteCondition(name)
                                ? complete(HttpResponse.create().withStatus(StatusCodes.NO_CONTENT))
                                : unknownCondition(name))))
        );
    }

    private Route validate(String text) {
        // The parser's own reader rejects a key given twice, which a plain read would drop silently.
        JsonNode body = ConditionParser.readJson(text);
        List<Condition> parsed;
        if (body.isObject() && body.has("when")) {
            String name = body.has("name") ? body.get("name").asText() : "unnamed";
            parsed = List.of(ConditionParser.parseOne(name, body));
        } else {
            parsed = ConditionParser.parseAll(body);
        }
        return ok(Map.of("valid", true, "conditions", parsed.stream().map(Condition::name).toList()));
    }

    private Route unknownCondition(String name) {
        return error(StatusCodes.NOT_FOUND, "unknown condition " + name, null);
    }

    static Map<String, Object> condition(Condition c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("form", c.form());
        m.put("symbols", c.symbols().isEmpty() ? "*" : c.symbols());
        m.put("check", c.onUpdate() ? "update" : "close");
        m.put("cooldown_seconds", c.cooldownMillis() / 1000);
        m.put("sinks", c.sinks());
        m.put("source", c.source());
        return m;
    }

    // ---- hits ----

    private Route hits() {
        return parameterOptional("symbol", symbol -> limit(limit ->
                onSuccess(node.clusterHits(symbol.orElse(null), limit),
                        hits -> ok(hits.stream().map(AdminApi::hit).toList()))));
    }

    static Map<String, Object> hit(Hit h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", h.id());
        m.put("condition", h.condition());
        m.put("symbol", h.symbol());
        m.put("bar", BarJson.time(h.barStart(), h.market()));
        m.put("values", h.values());
        m.put("sinks", h.sinks());
        return m;
    }

    // ---- plumbing ----

    private Route limit(java.util.function.Function<Integer, Route> inner) {
        return parameterOptional("limit", text -> {
            int limit = DEFAULT_LIMIT;
            if (text.isPresent()) {
                try {
                    limit = Integer.parseInt(text.get());
                } catch (NumberFormatException e) {
                    limit = -1;
                }
                if (limit < 1 || limit > MAX_LIMIT) {
                    return error(StatusCodes.BAD_REQUEST, "limit must be a whole number from 1 to " + MAX_LIMIT,
                            text.get());
                }
            }
            return inner.apply(limit);
        });
    }

    private Route authorized(Supplier<Route> inner) {
        if (token == null) {
            return inner.get();
        }
        return optionalHeaderValueByName("Authorization", header -> {
            String h = header.orElse("");
            boolean ok = h.startsWith("Bearer ")
                    && MessageDigest.isEqual(token, h.substring(7).trim().getBytes(StandardCharsets.UTF_8));
            if (!ok) {
                return complete(json(StatusCodes.UNAUTHORIZED, Map.of("error", "unauthorized",
                        "detail", header.isPresent() ? "wrong bearer token" : "send Authorization: Bearer <admin token>"))
                        .addHeader(org.apache.pekko.http.javadsl.model.HttpHeader.parse("WWW-Authenticate", "Bearer")));
            }
            return inner.get();
        });
    }

    private Route body(java.util.function.Function<String, Route> inner) {
        return entity(Unmarshaller.entityToString(), inner);
    }

    private JsonNode readJson(String text) {
        try {
            JsonNode n = json.readTree(text);
            if (n == null || n.isMissingNode()) {
                throw new BadRequest("the request body is empty; expected JSON");
            }
            return n;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new BadRequest("malformed JSON" + where + ": " + e.getOriginalMessage());
        }
    }

    private Route ok(Object body) {
        return respond(StatusCodes.OK, body);
    }

    private Route respond(StatusCode status, Object body) {
        return complete(json(status, body));
    }

    private Route error(StatusCode status, String error, Object detail) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", error);
        m.put("detail", detail);
        return complete(json(status, m));
    }

    private HttpResponse json(StatusCode status, Object body) {
        try {
            return HttpResponse.create().withStatus(status)
                    .withEntity(ContentTypes.APPLICATION_JSON, json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the response as JSON", e);
        }
    }

    /** A request that is wrong in a way the client must fix: 400 with the message. */
    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    private ExceptionHandler exceptions() {
        return ExceptionHandler.newBuilder()
                .match(BadRequest.class, e -> error(StatusCodes.BAD_REQUEST, e.getMessage(), null))
                .match(ConditionException.class, e -> error(StatusCodes.BAD_REQUEST, "invalid conditions", e.problems()))
                .match(IllegalArgumentException.class, e -> error(StatusCodes.BAD_REQUEST, e.getMessage(), null))
                .match(Exception.class, e -> {
                    log.error("admin API request failed", e);
                    return error(StatusCodes.INTERNAL_SERVER_ERROR, "internal error", e.toString());
                })
                .build();
    }

    private RejectionHandler rejections() {
        return RejectionHandler.newBuilder()
                .handleAll(MethodRejection.class, rs -> error(StatusCodes.METHOD_NOT_ALLOWED, "method not allowed",
                        Map.of("allowed", rs.stream().map(r -> r.supported().name()).toList())))
                .handle(MalformedQueryParamRejection.class, r -> error(StatusCodes.BAD_REQUEST,
                        "bad query parameter " + r.parameterName(), r.errorMsg()))
                .handleNotFound(error(StatusCodes.NOT_FOUND, "no such endpoint", null))
                .build()
                .withFallback(RejectionHandler.defaultHandler())
                .mapRejectionResponse(response -> response.entity().getContentType().equals(ContentTypes.APPLICATION_JSON)
                        ? response
                        : response.withEntity(ContentTypes.APPLICATION_JSON, jsonError(response)));
    }

    private byte[] jsonError(HttpResponse response) {
        String text = response.entity() instanceof org.apache.pekko.http.javadsl.model.HttpEntity.Strict s
                ? s.getData().utf8String() : response.status().reason();
        try {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("error", text);
            m.put("detail", null);
            return json.writeValueAsBytes(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
