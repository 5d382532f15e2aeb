package persistence.tickfile;

import conditions.Tick;

/**
 * Where parsed ticks and malformed-line reports go, in line order: straight to the caller's
 * consumer, or into {@link ParseAhead}'s batches when parsing runs on its own thread.
 */
interface TickOut {
    void tick(Tick t);

    void malformed(String file, long line, String reason);
}
