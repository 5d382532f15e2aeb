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
 * One watched ticker on the LS websocket: what it is, where each channel's registration stands, its
 * latest quotes and member flow, and what an operator sees in {@code GET /api/tickers/{symbol}}
 * ({@code source_health}). Changed on the source's own thread only, except the counters and the
 * latest quotes and members (set on the stream); read from any.
 */
final class LsTicker {
    static final int MAX_GAPS = 20;

    /** One channel's registration ({@code trades}, {@code quotes} or {@code members}). */
    static final class Registration {
        final String channel;
        /** {@code pending} (not sent on this connection), {@code registering}, {@code registered}, {@code refused}. */
        volatile String state = "pending";
        volatile String refusedTr;
        volatile String refusedCode;
        volatile String refusedMessage;
        volatile Instant registeredAt;

        Registration(String channel) {
            this.channel = channel;
        }

        boolean refused() {
            return "refused".equals(state);
        }

        Map<String, Object> view(Instrument i) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tr_cd", i == null ? null : i.tr(channel));
            m.put("state", state);
            if (refused()) {
                m.put("refused", refusal());
            }
            m.put("registered_at", registeredAt == null ? null : registeredAt.toString());
            return m;
        }

        Map<String, Object> refusal() {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("tr_cd", refusedTr);
            r.put("code", refusedCode);
            r.put("message", refusedMessage);
            return r;
        }
    }

    final String symbol;
    /** Instruments to try in order (a six-digit code: KOSPI, then KOSDAQ). */
    final List<Instrument> candidates;
    int tried;
    /** Decided by the user, the configuration, the code's shape, or by the first registration the server acked. */
    volatile Instrument instrument;
    /**
     * The ticker's channels in registration order; the first one decides an undecided instrument
     * (the others are registered once it is acked). A refusal stays until the ticker is watched anew.
     */
    final Map<String, Registration> registrations = new LinkedHashMap<>();
    /** Since when this ticker has received nothing because its connection was down, or null. */
    Instant gapFrom;
    private final Deque<Map<String, Object>> gaps = new ArrayDeque<>();
    final AtomicLong trades = new AtomicLong();
    final AtomicLong quoteFrames = new AtomicLong();
    final AtomicLong memberFrames = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    volatile Instant lastTrade;
    volatile Quotes quotes;
    volatile Members members;

    LsTicker(String symbol, List<Instrument> candidates, Instrument instrument, List<String> channels) {
        this.symbol = symbol;
        this.candidates = candidates;
        this.instrument = instrument;
        for (String c : channels) {
            registrations.put(c, new Registration(c));
        }
    }

    /** The instrument to register under now, or null when none is left to try. */
    Instrument current() {
        if (instrument != null) {
            return instrument;
        }
        return tried < candidates.size() ? candidates.get(tried) : null;
    }

    /** The channel that decides the instrument and whose state is the ticker's. */
    Registration first() {
        return registrations.values().iterator().next();
    }

    /** The ticker's state: its first channel's. */
    String state() {
        return first().state;
    }

    Registration registration(String channel) {
        return channel == null ? null : registrations.get(channel);
    }

    /** The server forgot every registration (a new connection, a new token): all but the refused are pending again. */
    void forgetRegistrations() {
        for (Registration r : registrations.values()) {
            if (!r.refused()) {
                r.state = "pending";
            }
        }
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
        Registration first = first();
        m.put("instrument", i == null ? null : i.id());
        m.put("tr_cd", i == null ? null : i.tr(first.channel));
        m.put("state", first.state);
        if (first.refused()) {
            m.put("refused", first.refusal());
        }
        m.put("registered_at", first.registeredAt == null ? null : first.registeredAt.toString());
        Map<String, Object> channels = new LinkedHashMap<>();
        registrations.forEach((c, r) -> channels.put(c, r.view(i)));
        m.put("channels", channels);
        m.put("trades", trades.get());
        m.put("quote_frames", quoteFrames.get());
        m.put("member_frames", memberFrames.get());
        m.put("malformed", malformed.get());
        m.put("last_trade", lastTrade == null ? null : lastTrade.toString());
        m.put("gaps", gaps());
        return m;
    }
}
