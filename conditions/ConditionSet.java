package conditions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable set of conditions by name. Changing it makes a new set, so a symbol can cache what
 * applies to it by identity and readers never see a half-applied change.
 */
public final class ConditionSet {
    // NONE must be initialised before EMPTY: EMPTY's constructor caches select(...), which returns
    // NONE; declared the other way round, EMPTY cached null and closing a bar with it threw an NPE.
    private static final Condition[] NONE = new Condition[0];
    public static final ConditionSet EMPTY = new ConditionSet(Map.of());

    private final Map<String, Condition> byName;
    private final boolean hasUpdate;
    // Shared arrays for the common case of conditions that apply to every symbol.
    private final Condition[] closeForAll;
    private final Condition[] updateForAll;
    private final boolean anyFiltered;
    private final boolean readsDailyKeys;

    private ConditionSet(Map<String, Condition> byName) {
        this.byName = byName;
        this.hasUpdate = byName.values().stream().anyMatch(Condition::onUpdate);
        this.anyFiltered = byName.values().stream().anyMatch(c -> !c.symbols().isEmpty());
        this.readsDailyKeys = byName.values().stream().anyMatch(Condition::readsDailyKeys);
        this.closeForAll = select(null, false);
        this.updateForAll = select(null, true);
    }

    public static ConditionSet of(Collection<Condition> conditions) {
        Map<String, Condition> m = new LinkedHashMap<>();
        for (Condition c : conditions) {
            if (m.put(c.name(), c) != null) {
                throw new ConditionException(List.of("condition \"" + c.name() + "\": the name is used twice"));
            }
        }
        return new ConditionSet(m);
    }

    /** This set with {@code c} added, or replacing the condition of the same name. */
    public ConditionSet with(Condition c) {
        Map<String, Condition> m = new LinkedHashMap<>(byName);
        m.put(c.name(), c);
        return new ConditionSet(m);
    }

    public ConditionSet without(String name) {
        if (!byName.containsKey(name)) {
            return this;
        }
        Map<String, Condition> m = new LinkedHashMap<>(byName);
        m.remove(name);
        return new ConditionSet(m);
    }

    public Condition get(String name) {
        return byName.get(name);
    }

    public List<Condition> all() {
        return List.copyOf(byName.values());
    }

    public int size() {
        return byName.size();
    }

    /** Whether any condition reads a daily context key (only then does a live ticker load its context). */
    public boolean readsDailyKeys() {
        return readsDailyKeys;
    }

    boolean hasUpdateConditions() {
        return hasUpdate;
    }

    /** The conditions that apply to a symbol, checked at bar close or on every update. */
    Condition[] forSymbol(String symbol, boolean onUpdate) {
        if (!anyFiltered) {
            return onUpdate ? updateForAll : closeForAll;
        }
        return select(symbol, onUpdate);
    }

    private Condition[] select(String symbol, boolean onUpdate) {
        List<Condition> out = new ArrayList<>();
        for (Condition c : byName.values()) {
            if (c.onUpdate() == onUpdate && (symbol == null ? c.symbols().isEmpty() : c.appliesTo(symbol))) {
                out.add(c);
            }
        }
        return out.isEmpty() ? NONE : out.toArray(NONE);
    }
}
