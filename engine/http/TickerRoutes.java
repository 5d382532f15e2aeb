package engine.http;

import actors.TickerEntity.TickerStatus;
import actors.TickerRegistry;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import conditions.Market;
import conditions.Symbols;
import engine.Node;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import persistence.WatchedTicker;

/**
 * {@code /api/tickers}: watch (optionally with a market), list, inspect and stop watching tickers
 * (optionally purging their stored history), and read their bars.
 */
public final class TickerRoutes extends ApiDirectives {

    /**
     * A watched ticker; {@code market} and {@code instrument} only when it was added with them,
     * {@code added_by} only when not by a user.
     */
    public record TickerReply(String symbol, String source, @JsonProperty("added_at") String addedAt,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String market,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String instrument, List<String> channels,
                              @JsonProperty("added_by") @JsonInclude(JsonInclude.Include.NON_NULL) String addedBy) {
        static TickerReply of(WatchedTicker t) {
            return new TickerReply(t.symbol(), t.source(), Instant.ofEpochMilli(t.addedAt()).toString(), t.market(),
                    t.instrument(), t.channels(), t.addedBy());
        }
    }

    /**
     * A ticker's status; {@code forming} and {@code last_bar} are in the {@code persistence.BarJson} shape;
     * {@code source_health} is what its source says about it, when the node answering feeds it;
     * {@code quotes} and {@code members} the latest order book and member flow from that source (null
     * when the node answering does not feed it, the ticker's channels leave them out, or none came yet).
     */
    public record StatusReply(String symbol, String market, long accepted, Map<String, Long> rejected,
                              @JsonProperty("last_tick_time") String lastTickTime, Map<String, Object> forming,
                              @JsonProperty("last_bar") Map<String, Object> lastBar,
                              @JsonProperty("bars_closed") long barsClosed,
                              @JsonProperty("pending_hits") int pendingHits,
                              @JsonProperty("source_health") @JsonInclude(JsonInclude.Include.NON_NULL)
                              Map<String, Object> sourceHealth, Object quotes, Object members,
                              @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Object> daily) {
        static StatusReply of(TickerStatus s, Node node) {
            return new StatusReply(s.symbol(), s.market(), s.accepted(), s.rejected(), s.lastTickTime(), s.forming(),
                    s.lastBar(), s.barsClosed(), s.pendingHits().size(), node.sourceHealth(s.symbol()),
                    node.quotes(s.symbol()), node.members(s.symbol()), s.daily());
        }
    }

    /** Archived bars of a symbol, oldest first, each in the {@code persistence.BarJson} shape. */
    public record ArchivedBarsReply(String symbol, List<Map<String, Object>> bars) {
    }

    private final Node node;

    public TickerRoutes(ApiJson json, Node node) {
        super(json);
        this.node = node;
    }

    /** Under {@code /api/tickers}. */
    public Route route() {
        return concat(
                pathEnd(() -> concat(
                        get(() -> onSuccess(node.tickers(), list -> ok(list.stream().map(TickerReply::of).toList()))),
                        post(() -> body(this::add)))),
                pathPrefix(PathMatchers.segment(), symbol -> concat(
                        pathEnd(() -> concat(
                                get(() -> onSuccess(node.status(symbol), s -> s
                                        .map(st -> ok(StatusReply.of(st, node)))
                                        .orElseGet(() -> unknown(symbol)))),
                                delete(() -> purge(purge -> onSuccess(node.removeTicker(symbol, purge),
                                        r -> r instanceof TickerRegistry.Removed ? noContent() : unknown(symbol)))))),
                        path("bars", () -> get(() -> limit(limit -> parameterOptional("from", from ->
                                parameterOptional("to", to -> from.isEmpty() && to.isEmpty()
                                        ? onSuccess(node.bars(symbol, limit), bars -> bars
                                                .map(this::ok)
                                                .orElseGet(() -> unknown(symbol)))
                                        : archived(symbol, from.orElse(null), to.orElse(null), limit))))))))
        );
    }

    /**
     * {@code ?from=&to=}: the archive's bars in {@code [from, to)}; either bound an ISO time
     * ({@code 2026-11-20T09:00:00+09:00}, {@code ...Z}), a date (its start in the symbol's market) or
     * epoch milliseconds. A missing {@code to} is now, a missing {@code from} one day before {@code to}.
     */
    private Route archived(String symbol, String fromText, String toText, int limit) {
        if (!Symbols.isValid(symbol)) {
            return error(StatusCodes.BAD_REQUEST, "invalid symbol", symbol);
        }
        Market market = Market.forSymbol(symbol);
        Long to = toText == null ? Long.valueOf(System.currentTimeMillis()) : time(toText, market);
        if (to == null) {
            return error(StatusCodes.BAD_REQUEST, "to: not a time", "expected ISO-8601 (2026-11-20T09:00:00+09:00), "
                    + "a date (2026-11-20) or epoch milliseconds, got " + toText);
        }
        Long from = fromText == null ? Long.valueOf(to - 86_400_000L) : time(fromText, market);
        if (from == null) {
            return error(StatusCodes.BAD_REQUEST, "from: not a time", "expected ISO-8601 (2026-11-20T09:00:00+09:00), "
                    + "a date (2026-11-20) or epoch milliseconds, got " + fromText);
        }
        if (from > to) {
            return error(StatusCodes.BAD_REQUEST, "from is after to", fromText + " > " + toText);
        }
        return onSuccess(node.archivedBars(symbol, from, to, limit), bars -> ok(new ArchivedBarsReply(symbol, bars)));
    }

    /** Epoch millis of a time as the bars endpoint takes it, or null. */
    static Long time(String text, Market market) {
        String t = text.strip();
        try {
            if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
                return Long.parseLong(t);
            }
            if (t.length() == 10) {
                return java.time.LocalDate.parse(t).atStartOfDay(market.offset()).toInstant().toEpochMilli();
            }
            return java.time.OffsetDateTime.parse(t).toInstant().toEpochMilli();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private Route add(String text) {
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
            return error(StatusCodes.BAD_REQUEST, "unknown source \"" + src + "\"", new ApiErrors.Available(node.sources()));
        }
        JsonNode marketNode = body.get("market");
        Market market = null;
        if (marketNode != null && !marketNode.isNull()) {
            try {
                market = Market.parse(marketNode.isTextual() ? marketNode.asText() : marketNode.toString());
            } catch (IllegalArgumentException e) {
                return error(StatusCodes.BAD_REQUEST, "unknown market " + marketNode, new ApiErrors.Available(MARKETS));
            }
        }
        JsonNode instrumentNode = body.get("instrument");
        String instrument = null;
        if (instrumentNode != null && !instrumentNode.isNull()) {
            if (!instrumentNode.isTextual() || instrumentNode.asText().isBlank()) {
                return error(StatusCodes.BAD_REQUEST, "invalid instrument",
                        "\"instrument\" must be a name such as \"kospi\", got " + instrumentNode);
            }
            instrument = instrumentNode.asText().trim().toLowerCase(java.util.Locale.ROOT);
        }
        JsonNode channelsNode = body.get("channels");
        List<String> channels = null;
        if (channelsNode != null && !channelsNode.isNull()) {
            String why = null;
            List<String> list = new java.util.ArrayList<>();
            if (!channelsNode.isArray() || channelsNode.isEmpty()) {
                why = "\"channels\" must be a non-empty array of " + WatchedTicker.CHANNELS + ", got " + channelsNode;
            } else {
                for (JsonNode c : channelsNode) {
                    if (!c.isTextual() || !WatchedTicker.CHANNELS.contains(c.asText())) {
                        why = "unknown channel " + c + ": one of " + WatchedTicker.CHANNELS;
                        break;
                    }
                    list.add(c.asText());
                }
            }
            if (why != null) {
                return error(StatusCodes.BAD_REQUEST, "invalid channels", why);
            }
            channels = list;
        }
        WatchedTicker asked = new WatchedTicker(symbol.asText(), src, 0, market == null ? null : market.name(),
                instrument, channels);
        String refused = node.checkTicker(asked);
        if (refused != null) {
            return error(StatusCodes.BAD_REQUEST, "source \"" + src + "\" cannot feed " + asked.symbol() + " as asked",
                    refused);
        }
        return onSuccess(node.addTicker(symbol.asText(), src, market, instrument, channels), r -> {
            if (r instanceof TickerRegistry.Added a) {
                return respond(StatusCodes.CREATED, TickerReply.of(a.ticker()));
            }
            if (r instanceof TickerRegistry.AlreadyExists e) {
                return error(StatusCodes.CONFLICT, "ticker " + e.ticker().symbol() + " is already watched",
                        TickerReply.of(e.ticker()));
            }
            if (r instanceof TickerRegistry.UnknownSource u) {
                return error(StatusCodes.BAD_REQUEST, "unknown source \"" + u.source() + "\"", new ApiErrors.Available(u.known()));
            }
            TickerRegistry.InvalidSymbol i = (TickerRegistry.InvalidSymbol) r;
            return error(StatusCodes.BAD_REQUEST, "invalid symbol", i.reason());
        });
    }

    private static final List<String> MARKETS = Arrays.stream(Market.values()).map(Market::name).toList();

    /** The {@code purge} query parameter of DELETE: {@code true} deletes the ticker's stored history. */
    private Route purge(Function<Boolean, Route> inner) {
        return parameterOptional("purge", text -> {
            String p = text.orElse("false");
            if (!p.equals("true") && !p.equals("false")) {
                return error(StatusCodes.BAD_REQUEST, "invalid purge", "\"purge\" must be true or false, got \"" + p + "\"");
            }
            return inner.apply(p.equals("true"));
        });
    }

    private Route unknown(String symbol) {
        return error(StatusCodes.NOT_FOUND, "unknown ticker " + symbol, null);
    }
}
