package actors;

import conditions.Bar;
import java.util.List;

/**
 * Where a ticker entity hands the bars it closed, once the write that closed them is stored: the
 * node's bar archive ({@code persistence.bars.BarArchiveWriter}). Called on the entity's thread: it
 * must return at once and never block (queue, do not write).
 */
@FunctionalInterface
public interface ClosedBars {
    /** Archives nothing (tests, tools). */
    ClosedBars NONE = (symbol, bars) -> {
    };

    /** @param bars closed bars of {@code symbol}, oldest first */
    void closed(String symbol, List<Bar> bars);
}
