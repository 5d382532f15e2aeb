package conditions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A symbol forgets the conditions that no longer exist, but not while recovery replays with none. */
class HitGatesTest {

    @Test
    void aSymbolForgetsConditionsThatWereRemovedButKeepsThemThroughReplay() {
        ConditionSet both = ConditionParser.parseSet("""
                {"a": {"when": ["CLOSE", ">", 0]}, "b": {"when": ["CLOSE", ">", 0], "cooldown": "1h"}}""");
        TestSupport.Feeder f = TestSupport.Feeder.crypto(both);
        f.bar(1, 1, 1, 1, 1).bar(2, 2, 2, 2, 1);
        assertArrayEquals(new String[] {"a", "b"}, sorted(f.state.snapshot().hitConditions()));

        // recovery replays stored ticks with no conditions: the gates must survive that
        f.set = ConditionSet.EMPTY;
        f.bar(3, 3, 3, 3, 1);
        assertArrayEquals(new String[] {"a", "b"}, sorted(f.state.snapshot().hitConditions()));

        f.set = both.without("a");
        f.bar(4, 4, 4, 4, 1).bar(5, 5, 5, 5, 1);
        assertArrayEquals(new String[] {"b"}, f.state.snapshot().hitConditions());
    }

    private static String[] sorted(String[] names) {
        return List.of(names).stream().sorted().toArray(String[]::new);
    }
}
