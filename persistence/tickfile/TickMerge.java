package persistence.tickfile;

import conditions.Tick;

import java.io.IOException;

/**
 * Merges the open files of one read into one stream in time order: a k-way merge on a binary heap
 * by {@code time}, ties broken by file order, then line order. Each file must be in time order
 * itself; nothing is sorted in memory.
 */
final class TickMerge {

    private TickMerge() {
    }

    /** Drains the sources into {@code out} in time order (ties: file order, then line order). */
    static void pump(LineSource[] sources, TickOut out) throws IOException {
        for (LineSource s : sources) {
            s.out = out;
        }
        int k = sources.length;
        if (k == 0) {
            return;
        }
        if (k == 1) {
            LineSource s = sources[0];
            for (Tick t = s.next(); t != null; t = s.next()) {
                out.tick(t);
            }
            return;
        }
        Tick[] head = new Tick[k];
        int[] heap = new int[k];
        int size = 0;
        for (int i = 0; i < k; i++) {
            head[i] = sources[i].next();
            if (head[i] != null) {
                heap[size] = i;
                siftUp(heap, size, head);
                size++;
            }
        }
        while (size > 0) {
            int i = heap[0];
            out.tick(head[i]);
            Tick next = sources[i].next();
            if (next == null) {
                head[i] = null;
                size--;
                heap[0] = heap[size];
            } else {
                head[i] = next;
            }
            if (size > 0) {
                siftDown(heap, size, head);
            }
        }
    }

    private static boolean before(int a, int b, Tick[] head) {
        long ta = head[a].time();
        long tb = head[b].time();
        return ta < tb || (ta == tb && a < b);
    }

    private static void siftUp(int[] heap, int at, Tick[] head) {
        int x = heap[at];
        while (at > 0) {
            int parent = (at - 1) >>> 1;
            if (!before(x, heap[parent], head)) {
                break;
            }
            heap[at] = heap[parent];
            at = parent;
        }
        heap[at] = x;
    }

    private static void siftDown(int[] heap, int size, Tick[] head) {
        int at = 0;
        int x = heap[0];
        for (;;) {
            int child = 2 * at + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && before(heap[child + 1], heap[child], head)) {
                child++;
            }
            if (!before(heap[child], x, head)) {
                break;
            }
            heap[at] = heap[child];
            at = child;
        }
        heap[at] = x;
    }
}
