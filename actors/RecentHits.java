package actors;

import conditions.Hit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The last hits this node delivered, newest first, bounded: what {@code GET .../hits} shows. Fed by
 * the {@link HitRouter} once every sink of a hit has handled it; seeded at start from the alerts
 * file. A hit delivered again (after a restart) is kept once. Thread-safe.
 */
public final class RecentHits {
    private final int capacity;
    private final Deque<Hit> hits = new ArrayDeque<>();
    private final Set<String> ids = new HashSet<>();

    public RecentHits(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("recent hits capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    public synchronized void add(Hit hit) {
        if (!ids.add(hit.id())) {
            return;
        }
        hits.addFirst(hit);
        if (hits.size() > capacity) {
            ids.remove(hits.removeLast().id());
        }
    }

    /** Adds hits given oldest first. */
    public void addAll(Collection<Hit> oldestFirst) {
        for (Hit h : oldestFirst) {
            add(h);
        }
    }

    /** Up to {@code limit} hits of {@code symbol} (every symbol when null), newest first. */
    public synchronized List<Hit> recent(String symbol, int limit) {
        List<Hit> out = new ArrayList<>();
        for (Iterator<Hit> it = hits.iterator(); it.hasNext() && out.size() < limit; ) {
            Hit h = it.next();
            if (symbol == null || symbol.equals(h.symbol())) {
                out.add(h);
            }
        }
        return out;
    }
}
