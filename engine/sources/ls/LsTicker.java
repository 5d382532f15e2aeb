package engine.sources.ls;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One watched ticker on the LS websocket: what it is, where its registration stands, and what an
 * operator sees in {@code GET /api/tickers/{symbol}} ({@code source_health}). Changed on the
 * source's own thread only; read from any.
 */
final class LsTicker {
    static final int MAX_GAPS = 20;

    final String symbol;
    /** Instruments to try in order (a six-digit code: KOSPI, then KOSDAQ). */
    final List<Instrument> candidates;
    int tried;
    /** Decided by the user, or by the first registration the server acked. */
    volatile Instrument instrument;
    /** {@code pending} (no connection), {@code registering}, {@code registered}, {@code refused}. */
    volatile String state = "pending";
    volatile String refusedCode;
    volatile String refusedMessage;
    volatile String refusedTr;
    volatile Instant registeredAt;
    /** Since when this ticker has received nothing because its connection was down, or null. */
    Instant gapFrom;
    private final Deque<Map<String, Object>> gaps = new ArrayDeque<>();
    final AtomicLong trades = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    volatile Instant lastTrade;

    LsTicker(String symbol, List<Instrument> candidates, Instrument instrument) {
        this.symbol = symbol;
        this.candidates = candidates;
        this.instrument = instrument;
    }

    /** The instrument to register under now, or null when none is left to try. */
    Instrument current() {
        if (instrument != null) {
            return instrument;
        }
        return tried < candidates.size() ? candidates.get(tried) : null;
    }

    synchronized void gap(Instant from, Instant to) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("from", from.toString());
        g.put("to", to.toString());
        gaps.addLast(g);
        while (gaps.size() > MAX_GAPS) {
            gaps.removeFirst();
        }
    }

    synchronized List<Map<String, Object>> gaps() {
        return new ArrayList<>(gaps);
    }

    Map<String, Object> view() {
        Map<String, Object> m = new LinkedHashMap<>();
        Instrument i = instrument;
        m.put("instrument", i == null ? null : i.id());
        m.put("tr_cd", i == null ? null : i.trades());
        m.put("state", state);
        if ("refused".equals(state)) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("tr_cd", refusedTr);
            r.put("code", refusedCode);
            r.put("message", refusedMessage);
            m.put("refused", r);
        }
        m.put("registered_at", registeredAt == null ? null : registeredAt.toString());
        m.put("trades", trades.get());
        m.put("malformed", malformed.get());
        m.put("last_trade", lastTrade == null ? null : lastTrade.toString());
        m.put("gaps", gaps());
        return m;
    }
}
