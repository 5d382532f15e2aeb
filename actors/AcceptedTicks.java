package actors;

import conditions.Tick;
import java.util.List;

/**
 * Where a ticker entity hands the ticks it accepted, once they are stored: the node's recorder
 * ({@code persistence.tickfile.TickRecorder}), which writes every accepted tick of its node's
 * entities to the day's file of their source. Called on the entity's thread: it must return at
 * once and never block (queue, do not write).
 */
@FunctionalInterface
public interface AcceptedTicks {
    /** Records nothing (tests, tools, a node with recording off). */
    AcceptedTicks NONE = (source, ticks) -> {
    };

    /**
     * @param source the configured name of the source the ticks came through ({@code push} for the API)
     * @param ticks  accepted ticks, in the order they were applied, stamped with the ticker's market
     */
    void accepted(String source, List<Tick> ticks);
}
