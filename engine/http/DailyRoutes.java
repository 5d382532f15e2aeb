package engine.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import conditions.DailyBar;
import engine.Node;
import java.util.List;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /api/tickers/{symbol}/daily?limit=N}: a ticker's stored trading days with their
 * investor flows, newest last; {@code GET /api/daily}: the daily fetcher on the node answering.
 */
public final class DailyRoutes extends ApiDirectives {

    /** One trading day; a flow the site did not publish is null. */
    public record Day(String date, double open, double high, double low, double close, long volume,
                      @JsonProperty("inst_net") Long instNet, @JsonProperty("foreign_net") Long foreignNet,
                      @JsonProperty("foreign_holding") Long foreignHolding,
                      @JsonProperty("foreign_ratio") Double foreignRatio) {
        static Day of(DailyBar d) {
            return new Day(d.date().toString(), d.open(), d.high(), d.low(), d.close(), d.volume(), d.instNet(),
                    d.foreignNet(), d.foreignHolding(), d.foreignRatio());
        }
    }

    /** A ticker's days, oldest first. */
    public record DailyReply(String symbol, List<Day> days) {
    }

    private final Node node;

    public DailyRoutes(ApiJson json, Node node) {
        super(json);
        this.node = node;
    }

    /** Under {@code /api/tickers}: {@code {symbol}/daily}. */
    public Route tickerRoute() {
        return path(PathMatchers.segment().slash("daily"), symbol -> get(() -> limit(limit ->
                onSuccess(node.daily(symbol, limit), days -> days
                        .map(list -> ok(new DailyReply(symbol, list.stream().map(Day::of).toList())))
                        .orElseGet(() -> error(StatusCodes.NOT_FOUND, "unknown ticker " + symbol, null))))));
    }

    /** At {@code /api/daily}. */
    public Route healthRoute() {
        return get(() -> ok(node.dailyHealth()));
    }
}
