package engine.sources.binance;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One watched symbol on this node: its stream, the last aggregate id taken (duplicates at or below it
 * are dropped: a reconnect's or a renewal's overlap), its counters and its gaps, shown in
 * {@code GET /api/tickers/{symbol}} ({@code source_health}).
 */
final class SymbolFeed {
    static final int GAPS_KEPT = 20;

    /** A time the feed of this symbol was down: from the last frame of the lost connection to the re-subscription. */
    static final class Gap {
        final Instant from;
        volatile Instant to;
        final long lastIdBefore;
        volatile long firstIdAfter = -1;
        final String reason;
        /** The catch-up's outcome: null while none ran (or it still runs), then whether every missed trade came. */
        volatile Boolean filled;
        volatile boolean filling;
        volatile long recovered;
        volatile String unfilledWhy;

        Gap(Instant from, long lastIdBefore, String reason) {
            this.from = from;
            this.lastIdBefore = lastIdBefore;
            this.reason = reason;
        }

        Map<String, Object> view() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("from", from.toString());
            m.put("to", to == null ? null : to.toString());
            m.put("reason", reason);
            m.put("last_id_before", lastIdBefore < 0 ? null : lastIdBefore);
            m.put("first_id_after", firstIdAfter < 0 ? null : firstIdAfter);
            // aggregate ids are consecutive per symbol: what the gap cost, once the next trade came
            long missed = lastIdBefore < 0 || firstIdAfter < 0 ? -1 : firstIdAfter - lastIdBefore - 1;
            m.put("missed_trades", missed < 0 ? null : missed);
            // nothing missed is nothing to fill; else the catch-up's word once it ended
            m.put("filled", missed == 0 ? Boolean.TRUE : filled);
            m.put("filling", filling);
            m.put("recovered_trades", recovered);
            if (unfilledWhy != null) {
                m.put("unfilled_because", unfilledWhy);
            }
            return m;
        }
    }

    final String symbol;
    final String stream;
    /** Written by the one ingest stage only. */
    volatile long lastId = -1;
    volatile long ticks;
    volatile long duplicates;
    volatile Instant lastTrade;
    volatile int connection;
    /** The gap being caught up and the live trades held meanwhile: the ingest stage's alone ({@link Sequencer}). */
    Gap catchingUp;
    final List<Frame.Trade> held = new ArrayList<>();
    /** The id after the last gap given up (unfilled): a trade with it goes on without another catch-up. */
    long givenUpAt = -1;
    /**
     * Handed over from another node with nothing stored: the first live trade opens a catch-up of the
     * trades from this time on (epoch millis; 0: none). The ingest stage's alone ({@link Sequencer}).
     */
    long fetchSince;
    /**
     * Its live trades wait (in {@link #held}) for the node's stored position ({@link Frame.Resume}); set
     * before the feed is published to the ingest stage, then the stage's alone.
     */
    boolean awaitingPosition;
    private final Deque<Gap> gaps = new ArrayDeque<>();

    SymbolFeed(String symbol) {
        this.symbol = symbol;
        this.stream = streamOf(symbol);
    }

    /** Binance stream names are lower-case. */
    static String streamOf(String symbol) {
        return symbol.toLowerCase(java.util.Locale.ROOT) + "@aggTrade";
    }

    synchronized void openGap(Instant from, String reason) {
        Gap last = gaps.peekLast();
        if (last != null && last.to == null) {
            return; // still down: one gap until the feed is back
        }
        keep(new Gap(from, lastId, reason));
    }

    /**
     * The feed starts here after the trades another node stored (up to {@code position}, now
     * {@link #lastId}): what was published since is this feed's gap, filled like a reconnect's.
     */
    synchronized void resumedAt(long position) {
        Instant now = Instant.now();
        Gap g = new Gap(now, position, "taken over from the node that fed it before");
        g.to = now;
        keep(g);
    }

    /**
     * The feed was handed over from another node with nothing stored, and its first live trade is
     * {@code firstIdAfter}: the trades from {@code since} on before it are being fetched (their ids are
     * not known until they come: {@code missed_trades} stays empty, {@code recovered_trades} counts them).
     */
    synchronized Gap takenOverEmpty(long since, long firstIdAfter, Instant firstTradeTime) {
        Gap g = new Gap(Instant.ofEpochMilli(since), -1, "taken over from the node that fed it before, nothing"
                + " stored yet: fetched from a minute before the hand-over");
        g.to = firstTradeTime;
        g.firstIdAfter = firstIdAfter;
        g.filling = true;
        keep(g);
        return g;
    }

    /** Adds {@code g} as the latest gap, forgetting the oldest past {@link #GAPS_KEPT}. Callers hold the lock. */
    private void keep(Gap g) {
        gaps.addLast(g);
        while (gaps.size() > GAPS_KEPT) {
            gaps.removeFirst();
        }
    }

    synchronized void closeGap(Instant to) {
        Gap last = gaps.peekLast();
        if (last != null && last.to == null) {
            last.to = to;
        }
    }

    /** Called by the ingest stage with the first trade taken after a gap. */
    synchronized void traded(long id) {
        Gap last = gaps.peekLast();
        if (last != null && last.firstIdAfter < 0) {
            last.firstIdAfter = id;
        }
    }

    /**
     * The ingest stage saw ids jump from {@code lastIdBefore} to {@code firstIdAfter}: the gap a drop opened
     * (or, ids having jumped on a live connection, a new one from the last trade to this one) is being filled.
     */
    synchronized Gap jumped(long lastIdBefore, long firstIdAfter, Instant liveTradeTime, boolean fetching) {
        Gap last = gaps.peekLast();
        Gap g;
        if (last != null && last.firstIdAfter < 0) {
            g = last;
        } else {
            Instant from = lastTrade != null ? lastTrade : liveTradeTime;
            g = new Gap(from, lastIdBefore, "aggregate ids jumped on a live connection");
            g.to = liveTradeTime;
            keep(g);
        }
        g.firstIdAfter = firstIdAfter;
        g.filling = fetching;
        if (!fetching) {
            g.filled = false;
            g.unfilledWhy = "catch-up is off";
        }
        return g;
    }

    /** The catch-up of {@code g} ended. */
    static void caughtUp(Gap g, long recovered, boolean filled, String why) {
        g.recovered = recovered;
        g.filled = filled;
        g.unfilledWhy = filled ? null : why;
        g.filling = false;
    }

    synchronized List<Map<String, Object>> gapsView() {
        List<Map<String, Object>> l = new ArrayList<>();
        for (Gap g : gaps) {
            l.add(g.view());
        }
        return l;
    }

    Map<String, Object> view() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stream", stream);
        m.put("connection", connection);
        m.put("ticks", ticks);
        m.put("duplicates", duplicates);
        m.put("last_id", lastId < 0 ? null : lastId);
        m.put("last_trade", lastTrade == null ? null : lastTrade.toString());
        m.put("gaps", gapsView());
        return m;
    }
}
