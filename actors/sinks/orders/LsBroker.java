package actors.sinks.orders;

import actors.ls.TokenClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import persistence.OrderBook;

/**
 * LS Securities spot orders: {@code CSPAT00601} at {@code POST /stock/order} with a bearer token
 * from {@link TokenClient} (the LS feed's token code, renewed here before it expires). Success is
 * the presence of {@code CSPAT00601OutBlock2.OrdNo}, whatever {@code rsp_cd} says; {@code IGW00121}
 * (token expired) renews the token and sends once more; {@code IGW00201} (rate limited) means not
 * taken, try later; at most {@code requests-per-second} requests a second. LS cannot be asked about
 * an order by an id of ours, so an order whose answer was lost is {@link Answer.Lost}.
 */
final class LsBroker implements Broker {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN_EXPIRED = "IGW00121";
    static final String RATE_LIMITED = "IGW00201";

    private final OrderSettings.Venue venue;
    private final VenueHttp http;
    private final TokenClient tokens;
    private final boolean paper;
    private final Clock clock = Clock.systemUTC();
    private volatile TokenClient.Token token;

    LsBroker(ActorSystem<?> system, OrderSettings.Venue venue, String url, boolean paper, Duration timeout) {
        this.venue = venue;
        this.paper = paper;
        this.http = new VenueHttp(system, url, timeout, venue.perSecond());
        this.tokens = new TokenClient(system, new TokenClient.Credentials(url, venue.key() == null ? "" : venue.key(),
                venue.secret() == null ? "" : venue.secret(), timeout), clock);
    }

    @Override
    public String name() {
        return "ls";
    }

    @Override
    public String describe() {
        return http.where() + (paper ? " (paper)" : "") + " (app key " + venue.maskedKey() + ")";
    }

    @Override
    public CompletionStage<Steps> steps(String symbol) {
        return CompletableFuture.completedFuture(Steps.KRX);
    }

    @Override
    public CompletionStage<Answer> place(OrderBook.Order o, Bracket bracket) {
        return token(false).thenCompose(t -> order(o, t)).thenCompose(a -> {
            if (a == null) { // IGW00121: the token expired under us; renew and send once more
                return token(true).thenCompose(t -> order(o, t)).thenApply(again -> again != null ? again
                        : new Answer.NotTaken("token expired again (" + TOKEN_EXPIRED + ") after renewal", null));
            }
            return CompletableFuture.completedFuture(a);
        });
    }

    /** One request; null means {@code IGW00121} (renew and retry). */
    private CompletionStage<Answer> order(OrderBook.Order o, String bearer) {
        ObjectNode in = JSON.createObjectNode();
        in.put("IsuNo", paper ? "A" + o.symbol() : o.symbol());
        in.put("OrdQty", o.quantity().longValueExact());
        in.put("OrdPrc", "limit".equals(o.type()) ? o.price().longValue() : 0);
        in.put("BnsTpCode", "buy".equals(o.side()) ? "2" : "1");
        in.put("OrdprcPtnCode", "limit".equals(o.type()) ? "00" : "03");
        in.put("MgntrnCode", "000");
        in.put("LoanDt", "");
        in.put("OrdCndiTpCode", "0");
        ObjectNode body = JSON.createObjectNode();
        body.set("CSPAT00601InBlock1", in);
        var req = http.request("/stock/order")
                .header("Content-Type", "application/json; charset=utf-8")
                .header("authorization", "Bearer " + bearer)
                .header("tr_cd", "CSPAT00601")
                .header("tr_cont", "N")
                .header("tr_cont_key", "")
                .header("mac_address", "")
                .POST(VenueHttp.body(body.toString())).build();
        return http.send(req).thenApply(this::answer);
    }

    private Answer answer(VenueHttp.Reply r) {
        JsonNode n;
        try {
            n = JSON.readTree(r.body() == null || r.body().isBlank() ? "{}" : r.body());
        } catch (Exception e) {
            return r.status() >= 500 ? new Answer.Lost("HTTP " + r.status() + " without JSON from " + http.where())
                    : new Answer.Rejected("HTTP " + r.status() + ": the answer is not JSON");
        }
        String code = n.path("rsp_cd").asText("");
        String msg = n.path("rsp_msg").asText("");
        JsonNode ordNo = n.path("CSPAT00601OutBlock2").path("OrdNo");
        if (!ordNo.isMissingNode() && !ordNo.isNull() && ordNo.asLong(0) != 0) {
            return new Answer.Accepted(ordNo.asText(), "LS " + code + " " + msg);
        }
        if (TOKEN_EXPIRED.equals(code)) {
            return null;
        }
        if (RATE_LIMITED.equals(code) || r.status() == 429) {
            return new Answer.NotTaken("LS rate limit (" + code + " " + msg + ")",
                    r.retryAfter() != null ? r.retryAfter() : Duration.ofSeconds(1));
        }
        if (r.status() >= 500 && code.isEmpty()) {
            return new Answer.Lost("HTTP " + r.status() + " from " + http.where() + ": the order's fate is unknown");
        }
        return new Answer.Rejected("LS " + (code.isEmpty() ? "HTTP " + r.status() : code) + " " + msg);
    }

    /** The current token, fetched or renewed when it is missing, due for renewal, or {@code renew} is asked. */
    private CompletionStage<String> token(boolean renew) {
        TokenClient.Token t = token;
        if (!renew && t != null && Instant.now(clock).isBefore(t.issued().plus(
                TokenClient.renewAfter(t, Duration.ofMinutes(10))))) {
            return CompletableFuture.completedFuture(t.value());
        }
        return tokens.fetch().handle((fresh, e) -> {
            if (e != null) { // nothing was sent without a token
                throw new VenueHttp.NotSent("LS token request failed: " + (e.getCause() != null ? e.getCause() : e).getMessage());
            }
            token = fresh;
            return fresh.value();
        });
    }

    @Override
    public CompletionStage<Answer> lookup(OrderBook.Order o) {
        return CompletableFuture.completedFuture(new Answer.Lost(
                "LS cannot be asked about an order by our id, and its answer was never stored"));
    }
}
