package engine.sources.binance;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The ingest stage's order of each symbol's trades, one element at a time (the stage runs it alone):
 * a trade at or below the symbol's last aggregate id was taken already and is dropped; a trade whose id
 * jumps past the last one + 1 opens a catch-up of the ids between, and the symbol's live trades are held
 * until the catch-up's {@link Frame.CaughtUp} comes back through the same stage, then go on after the
 * fetched ones. Other symbols never wait, and the catch-up always ends (filled, or given up after
 * {@code max-wait}), so a symbol's trades are held for a bounded time.
 */
final class Sequencer {
    /** The catch-up ({@link CatchUp}). */
    interface Fetch {
        /** Starts fetching ids {@code fromId} up to {@code toId} (exclusive) of {@code feed}. */
        void start(SymbolFeed feed, long fromId, long toId);

        /** Starts fetching {@code feed}'s trades from time {@code sinceMillis} up to id {@code toId} (exclusive). */
        void startSince(SymbolFeed feed, long sinceMillis, long untilMillis, long toId);
    }

    private final Function<String, SymbolFeed> byStream;
    /** Null when catch-up is off: gaps are then only reported. */
    private final Fetch fetch;
    final AtomicLong ticks = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong gaps = new AtomicLong();
    private final AtomicLong filled = new AtomicLong();
    private final AtomicLong unfilled = new AtomicLong();
    private final AtomicLong recovered = new AtomicLong();
    private final AtomicLong held = new AtomicLong();

    Sequencer(Function<String, SymbolFeed> byStream, Fetch fetch) {
        this.byStream = byStream;
        this.fetch = fetch;
    }

    /** One element of the stage: the trades to ingest now, in order. */
    List<Frame.Trade> accept(Frame f) {
        List<Frame.Trade> out = new ArrayList<>(1);
        if (f instanceof Frame.Trade t) {
            live(t, out);
        } else if (f instanceof Frame.CaughtUp c) {
            caughtUp(c, out);
        } else if (f instanceof Frame.Resume r) {
            resume(r, out);
        }
        return out;
    }

    private void live(Frame.Trade t, List<Frame.Trade> out) {
        SymbolFeed feed = byStream.apply(t.stream());
        if (feed == null) {
            return; // unwatched meanwhile
        }
        if (feed.awaitingPosition) {
            feed.held.add(t);
            held.incrementAndGet();
            return;
        }
        if (feed.catchingUp != null) {
            if (t.id() > feed.lastId) {
                feed.held.add(t);
                held.incrementAndGet();
            } else {
                duplicate(feed);
            }
            return;
        }
        if (t.id() <= feed.lastId) {
            duplicate(feed);
            return;
        }
        if (feed.fetchSince > 0) {
            // handed over with nothing stored: what came between the other node's last trade and this
            // first one cannot be told by id, so it is fetched by time
            long since = feed.fetchSince;
            feed.fetchSince = 0;
            if (fetch != null) {
                gaps.incrementAndGet();
                feed.catchingUp = feed.takenOverEmpty(since, t.id(), Instant.ofEpochMilli(t.tick().time()));
                feed.held.add(t);
                held.incrementAndGet();
                fetch.startSince(feed, since, t.tick().time(), t.id());
                return;
            }
        }
        if (feed.lastId >= 0 && t.id() > feed.lastId + 1 && t.id() != feed.givenUpAt) {
            gaps.incrementAndGet();
            Instant at = Instant.ofEpochMilli(t.tick().time());
            SymbolFeed.Gap g = feed.jumped(feed.lastId, t.id(), at, fetch != null);
            if (fetch != null) {
                feed.catchingUp = g;
                feed.held.add(t);
                held.incrementAndGet();
                fetch.start(feed, feed.lastId + 1, t.id());
                return;
            }
            unfilled.incrementAndGet();
        }
        feed.traded(t.id());
        take(feed, t, out);
    }

    /** The catch-up of {@code c.feed()} ended: its trades first, then the live ones held meanwhile. */
    private void caughtUp(Frame.CaughtUp c, List<Frame.Trade> out) {
        SymbolFeed feed = c.feed();
        if (byStream.apply(feed.stream) != feed || feed.catchingUp == null) {
            // unwatched meanwhile (a watch again is a new feed): what it held goes nowhere
            held.addAndGet(-feed.held.size());
            feed.held.clear();
            return;
        }
        SymbolFeed.Gap g = feed.catchingUp;
        feed.catchingUp = null;
        long n = 0;
        for (Frame.Trade t : c.trades()) {
            if (t.id() > feed.lastId && t.id() < c.toId()) {
                take(feed, t, out);
                n++;
            }
        }
        boolean all = c.filled() && n == c.toId() - c.fromId();
        SymbolFeed.caughtUp(g, n, all, all ? null : c.why());
        recovered.addAndGet(n);
        (all ? filled : unfilled).incrementAndGet();
        if (!all) {
            feed.givenUpAt = c.toId(); // the held trade that opened this gap goes on without another catch-up
        }
        List<Frame.Trade> release = new ArrayList<>(feed.held);
        feed.held.clear();
        held.addAndGet(-release.size());
        for (Frame.Trade t : release) {
            live(t, out); // a jump among the held trades starts the next catch-up, holding the rest again
        }
    }

    /**
     * The node said where its stored trades of the symbol end: the feed goes on after that id (a first
     * live trade further on opens a catch-up from it, one at or below it was stored by the node that
     * fed the symbol before), with the trades held meanwhile.
     */
    private void resume(Frame.Resume r, List<Frame.Trade> out) {
        SymbolFeed feed = r.feed();
        if (byStream.apply(feed.stream) != feed || !feed.awaitingPosition) {
            held.addAndGet(-feed.held.size()); // unwatched meanwhile
            feed.held.clear();
            return;
        }
        feed.awaitingPosition = false;
        if (r.position() > 0 && r.position() > feed.lastId) {
            feed.lastId = r.position();
            feed.resumedAt(r.position());
        } else if (r.position() == 0 && feed.lastId < 0 && r.since() > 0) {
            feed.fetchSince = r.since(); // nothing stored: the first live trade opens a catch-up by time
        }
        List<Frame.Trade> release = new ArrayList<>(feed.held);
        feed.held.clear();
        held.addAndGet(-release.size());
        for (Frame.Trade t : release) {
            live(t, out);
        }
    }

    private void take(SymbolFeed feed, Frame.Trade t, List<Frame.Trade> out) {
        feed.lastId = t.id();
        feed.ticks++;
        feed.lastTrade = Instant.ofEpochMilli(t.tick().time());
        ticks.incrementAndGet();
        out.add(t);
    }

    private void duplicate(SymbolFeed feed) {
        feed.duplicates++;
        duplicates.incrementAndGet();
    }

    /** The counts in {@code GET /api/sources}. */
    Map<String, Object> view() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", fetch != null);
        m.put("gaps", gaps.get());
        m.put("filled", filled.get());
        m.put("unfilled", unfilled.get());
        m.put("recovered_trades", recovered.get());
        m.put("held_trades", held.get());
        return m;
    }
}
