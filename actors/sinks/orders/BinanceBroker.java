package actors.sinks.orders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.pekko.actor.typed.ActorSystem;
import persistence.OrderBook;

/**
 * Binance USD-M futures: the entry at {@code POST /fapi/v1/order} (market, or limit GTC) with our
 * client id as {@code newClientOrderId}, then its stop-loss and take-profit as conditional orders at
 * {@code POST /fapi/v1/algoOrder} ({@code STOP_MARKET} / {@code TAKE_PROFIT_MARKET},
 * {@code closePosition=true}; the old endpoint refuses them since 2025-12-09). A bracket the venue
 * rejects after a filled entry closes the position at market ({@code reduceOnly}) and says so: an
 * unprotected position is worse than none.
 *
 * <p>Signed requests: the parameters with {@code timestamp} (our clock corrected by the server's,
 * {@code GET /fapi/v1/time}) and {@code recvWindow}, then {@code signature} = hex HMAC-SHA256 of that
 * exact string with the secret; the key in {@code X-MBX-APIKEY}. Neither ever reaches a log or an
 * error. Steps from {@code GET /fapi/v1/exchangeInfo}, cached for an hour.
 */
final class BinanceBroker implements Broker {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STEPS_FOR = Duration.ofHours(1);
    private static final Duration TIME_FOR = Duration.ofMinutes(10);

    private final OrderSettings.Venue venue;
    private final VenueHttp http;
    private final Clock clock;
    private final Map<String, Steps> steps = new ConcurrentHashMap<>();
    private volatile long stepsAt = Long.MIN_VALUE;
    private volatile long offset; // server time minus ours
    private volatile long offsetAt = Long.MIN_VALUE;

    BinanceBroker(ActorSystem<?> system, OrderSettings.Venue venue, String url, Duration timeout, Clock clock) {
        this.venue = venue;
        this.http = new VenueHttp(system, url, timeout, venue.perSecond());
        this.clock = clock;
    }

    @Override
    public String name() {
        return "binance";
    }

    @Override
    public String describe() {
        return http.where() + " (API key " + venue.maskedKey() + ")";
    }

    // ---- steps ----

    @Override
    public CompletionStage<Steps> steps(String symbol) {
        Steps s = steps.get(symbol);
        if (s != null && clock.millis() - stepsAt < STEPS_FOR.toMillis()) {
            return CompletableFuture.completedFuture(s);
        }
        return http.send(http.request("/fapi/v1/exchangeInfo").GET().build()).thenApply(r -> {
            if (r.status() != 200) {
                throw new IllegalStateException("exchangeInfo answered HTTP " + r.status() + ": " + error(r.body()));
            }
            readSteps(r.body());
            Steps found = steps.get(symbol);
            if (found == null) {
                throw new IllegalArgumentException(symbol + " is not a symbol of " + http.where() + " (exchangeInfo)");
            }
            return found;
        });
    }

    private void readSteps(String body) {
        JsonNode root = json(body);
        for (JsonNode sym : root.path("symbols")) {
            BigDecimal tick = null;
            BigDecimal step = null;
            BigDecimal min = BigDecimal.ZERO;
            BigDecimal notional = BigDecimal.ZERO;
            for (JsonNode f : sym.path("filters")) {
                switch (f.path("filterType").asText()) {
                    case "PRICE_FILTER" -> tick = new BigDecimal(f.path("tickSize").asText());
                    case "LOT_SIZE" -> {
                        step = new BigDecimal(f.path("stepSize").asText());
                        min = new BigDecimal(f.path("minQty").asText("0"));
                    }
                    case "MIN_NOTIONAL" -> notional = new BigDecimal(f.path("notional").asText("0"));
                    default -> { }
                }
            }
            if (tick != null && step != null && tick.signum() > 0 && step.signum() > 0) {
                steps.put(sym.path("symbol").asText(), new Steps(tick.stripTrailingZeros(), step.stripTrailingZeros(),
                        min, notional));
            }
        }
        stepsAt = clock.millis();
    }

    // ---- orders ----

    @Override
    public CompletionStage<Answer> place(OrderBook.Order o, Bracket bracket) {
        StringBuilder p = new StringBuilder()
                .append("symbol=").append(o.symbol())
                .append("&side=").append("buy".equals(o.side()) ? "BUY" : "SELL")
                .append("&type=").append("limit".equals(o.type()) ? "LIMIT" : "MARKET")
                .append("&quantity=").append(o.quantity().toPlainString());
        if ("limit".equals(o.type())) {
            p.append("&price=").append(o.price().toPlainString()).append("&timeInForce=GTC");
        }
        p.append("&newClientOrderId=").append(o.clientId()).append("&newOrderRespType=RESULT");
        return signed("POST", "/fapi/v1/order", p.toString()).thenCompose(r -> {
            Answer a = entryAnswer(r);
            if (a instanceof Answer.Filled f && bracket.any()) {
                BigDecimal entry = f.price().signum() > 0 ? f.price() : o.price();
                return brackets(o, entry, bracket).thenApply(b -> b.closedAt() == null
                        ? new Answer.Filled(f.venueId(), f.price(), b.note(), null)
                        : new Answer.Filled(f.venueId(), f.price(), b.note(), b.closedAt()));
            }
            return CompletableFuture.completedFuture(a);
        });
    }

    /** What a bracket came to: the note, and the close's fill price when it had to close the position. */
    private record BracketOutcome(String note, BigDecimal closedAt) {
    }

    private CompletionStage<BracketOutcome> brackets(OrderBook.Order o, BigDecimal entry, Bracket b) {
        boolean longPosition = "buy".equals(o.side());
        CompletionStage<String> sl = b.stopLoss() == null ? CompletableFuture.completedFuture(null)
                : conditional(o, "STOP_MARKET", "sl", trigger(o.symbol(), entry, b.stopLoss(), longPosition, false));
        return sl.thenCompose(slError -> {
            CompletionStage<String> tp = slError != null || b.takeProfit() == null ? CompletableFuture.completedFuture(null)
                    : conditional(o, "TAKE_PROFIT_MARKET", "tp", trigger(o.symbol(), entry, b.takeProfit(), longPosition, true));
            return tp.thenCompose(tpError -> {
                String failed = slError != null ? "stop-loss rejected: " + slError
                        : tpError != null ? "take-profit rejected: " + tpError : null;
                if (failed == null) {
                    return CompletableFuture.completedFuture(new BracketOutcome("bracket placed: " + PaperBroker.bracketText(b), null));
                }
                return close(o).thenApply(closedAt -> closedAt == null
                        ? new BracketOutcome(failed + "; CLOSING THE POSITION FAILED: close it by hand", null)
                        : new BracketOutcome(failed + "; position closed at " + Limits.plain(closedAt), closedAt));
            });
        });
    }

    /** The trigger price: a long's stop below the entry and its take-profit above (a short's the other way), on the tick grid. */
    private BigDecimal trigger(String symbol, BigDecimal entry, double fraction, boolean longPosition, boolean profit) {
        boolean above = longPosition == profit;
        BigDecimal f = BigDecimal.valueOf(fraction);
        BigDecimal raw = entry.multiply(above ? BigDecimal.ONE.add(f) : BigDecimal.ONE.subtract(f));
        Steps s = steps.get(symbol);
        return s == null ? raw.stripTrailingZeros() : conditions.OrderSize.toStep(raw, s.tickSize(), !above);
    }

    /** One conditional order; null when placed, else the venue's reason. */
    private CompletionStage<String> conditional(OrderBook.Order o, String type, String suffix, BigDecimal trigger) {
        String p = "algoType=CONDITIONAL&symbol=" + o.symbol() + "&side=" + ("buy".equals(o.side()) ? "SELL" : "BUY")
                + "&type=" + type + "&triggerPrice=" + trigger.toPlainString() + "&closePosition=true"
                + "&workingType=CONTRACT_PRICE&clientAlgoId=" + o.clientId() + suffix;
        return signed("POST", "/fapi/v1/algoOrder", p).thenApply(r -> r.status() == 200 && json(r.body()).has("algoId")
                ? null : "HTTP " + r.status() + " " + error(r.body()))
                .exceptionally(e -> "no answer (" + e.getMessage() + ")");
    }

    /** Closes what the entry opened, at market, reduce-only; the fill price, or null when it failed. */
    private CompletionStage<BigDecimal> close(OrderBook.Order o) {
        String p = "symbol=" + o.symbol() + "&side=" + ("buy".equals(o.side()) ? "SELL" : "BUY") + "&type=MARKET"
                + "&quantity=" + o.quantity().toPlainString() + "&reduceOnly=true&newClientOrderId=" + o.clientId() + "x"
                + "&newOrderRespType=RESULT";
        return signed("POST", "/fapi/v1/order", p).thenApply(r -> {
            Answer a = entryAnswer(r);
            return a instanceof Answer.Filled f ? (f.price().signum() > 0 ? f.price() : o.price()) : null;
        }).exceptionally(e -> null);
    }

    @Override
    public CompletionStage<Answer> lookup(OrderBook.Order o) {
        return signed("GET", "/fapi/v1/order", "symbol=" + o.symbol() + "&origClientOrderId=" + o.clientId())
                .thenApply(r -> {
                    if (r.status() == 400 && json(r.body()).path("code").asInt() == -2013) {
                        return (Answer) new Answer.NotFound("Binance has no order " + o.clientId());
                    }
                    Answer a = entryAnswer(r);
                    if (a instanceof Answer.Filled f) {
                        return new Answer.Filled(f.venueId(), f.price(), "reconciled by client id after a restart"
                                + " (its bracket, if any, was not checked: look at the open algo orders)", null);
                    }
                    return a instanceof Answer.Rejected rej ? new Answer.Lost("lookup: " + rej.reason()) : a;
                });
    }

    /** An order's answer ({@code /fapi/v1/order}, placed or looked up). */
    private Answer entryAnswer(VenueHttp.Reply r) {
        if (r.status() == 429 || r.status() == 418) {
            return new Answer.NotTaken("HTTP " + r.status() + " (rate limited) " + error(r.body()),
                    r.retryAfter() != null ? r.retryAfter() : Duration.ofSeconds(5));
        }
        if (r.status() >= 500) {
            return new Answer.Lost("HTTP " + r.status() + " from " + http.where() + ": the order's fate is unknown");
        }
        JsonNode n = json(r.body());
        if (r.status() != 200) {
            int code = n.path("code").asInt();
            if (code == -1021) { // timestamp outside recvWindow: the clock drifted; nothing was placed
                offsetAt = Long.MIN_VALUE;
                return new Answer.NotTaken("timestamp outside recvWindow (-1021): clock offset renewed", Duration.ZERO);
            }
            return new Answer.Rejected("Binance " + code + " " + n.path("msg").asText());
        }
        String id = n.path("orderId").asText();
        String status = n.path("status").asText();
        BigDecimal avg = new BigDecimal(n.path("avgPrice").asText("0"));
        return switch (status) {
            case "FILLED" -> new Answer.Filled(id, avg, null, null);
            case "NEW", "PARTIALLY_FILLED" -> new Answer.Accepted(id, "Binance status " + status);
            default -> new Answer.Rejected("Binance status " + status);
        };
    }

    // ---- signing ----

    private CompletionStage<VenueHttp.Reply> signed(String method, String path, String params) {
        return serverOffset().thenCompose(off -> {
            String q = params + "&recvWindow=" + venue.recvWindow().toMillis() + "&timestamp=" + (clock.millis() + off);
            String body = q + "&signature=" + sign(venue.secret() == null ? "" : venue.secret(), q);
            var req = http.request("GET".equals(method) ? path + "?" + body : path)
                    .header("X-MBX-APIKEY", venue.key() == null ? "" : venue.key());
            if ("GET".equals(method)) {
                req.GET();
            } else {
                req.header("Content-Type", "application/x-www-form-urlencoded").POST(VenueHttp.body(body));
            }
            return http.send(req.build());
        });
    }

    /** Server time minus ours, asked every ten minutes (and after a -1021). */
    private CompletionStage<Long> serverOffset() {
        if (clock.millis() - offsetAt < TIME_FOR.toMillis()) {
            return CompletableFuture.completedFuture(offset);
        }
        long before = clock.millis();
        return http.send(http.request("/fapi/v1/time").GET().build()).thenApply(r -> {
            long after = clock.millis();
            long server = json(r.body()).path("serverTime").asLong(0);
            if (r.status() == 200 && server > 0) {
                offset = server - (before + after) / 2;
                offsetAt = after;
            }
            return offset;
        });
    }

    /** Hex HMAC-SHA256 of {@code payload} with {@code secret}: Binance's {@code signature}. */
    static String sign(String secret, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256", e);
        }
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    private static String error(String body) {
        JsonNode n = json(body);
        if (n.has("code")) {
            return n.path("code").asText() + " " + n.path("msg").asText();
        }
        return body == null ? "" : body.length() > 200 ? body.substring(0, 200) + "…" : body;
    }
}
