package engine.sources.binance;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The latest {@value #KEPT} lifecycle events and a count of each kind since the start. Thread-safe. */
final class FeedEvents {
    static final int KEPT = 100;
    private final Deque<FeedEvent> latest = new ArrayDeque<>();
    private final Map<String, Long> counts = new TreeMap<>();

    synchronized void add(FeedEvent e) {
        latest.addLast(e);
        while (latest.size() > KEPT) {
            latest.removeFirst();
        }
        counts.merge(e.kind(), 1L, Long::sum);
    }

    synchronized long count(String kind) {
        return counts.getOrDefault(kind, 0L);
    }

    synchronized Map<String, Long> counts() {
        return new TreeMap<>(counts);
    }

    /** Oldest first. */
    synchronized List<Map<String, Object>> view() {
        List<Map<String, Object>> l = new ArrayList<>(latest.size());
        for (FeedEvent e : latest) {
            l.add(e.view());
        }
        return l;
    }
}
