package actors;

import java.util.ArrayList;
import java.util.List;

/**
 * The ids of the latest client batches an entity applied, so a batch sent again (a client whose
 * request timed out cannot know whether it was stored) is answered without counting its ticks twice.
 *
 * <p>A fixed ring: the oldest id is forgotten when a new one arrives and the ring is full. A client
 * retries a request before it sends the next, so a window of a few dozen batches per symbol is ample,
 * and 64 ids cost a ticker 512 bytes. Ids are never 0 (0 means "no id").
 */
final class RecentBatches {
    private final long[] ids;
    private int size;
    private int next;

    RecentBatches(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("tickwatch.ingest.remembered-batches must be at least 1, got " + capacity);
        }
        this.ids = new long[capacity];
    }

    /** A ring holding {@code oldestFirst} (its newest {@code capacity} ids when there are more). */
    static RecentBatches of(List<Long> oldestFirst, int capacity) {
        RecentBatches r = new RecentBatches(capacity);
        for (long id : oldestFirst) {
            r.add(id);
        }
        return r;
    }

    boolean contains(long id) {
        for (int i = 0; i < size; i++) {
            if (ids[i] == id) {
                return true;
            }
        }
        return false;
    }

    void add(long id) {
        if (id == 0) {
            throw new IllegalArgumentException("0 is not a batch id");
        }
        ids[next] = id;
        next = (next + 1) % ids.length;
        size = Math.min(size + 1, ids.length);
    }

    /** The ids, oldest first (what a snapshot stores). */
    List<Long> oldestFirst() {
        List<Long> out = new ArrayList<>(size);
        int start = size < ids.length ? 0 : next;
        for (int i = 0; i < size; i++) {
            out.add(ids[(start + i) % ids.length]);
        }
        return out;
    }
}
