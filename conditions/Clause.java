package conditions;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A compiled piece of a condition. {@code now} holds the values of the bar being checked and
 * {@code before} those of the bar before it, by {@link Field#ordinal()}; {@code daily} the daily
 * context keys of the checked bar's trading day, by {@link DailyKey#ordinal()} (a cross reads the
 * same day's keys on both bars: they are fixed for the day). Readiness (no NaN among
 * the inputs) is checked once by {@link Condition#test}, so clauses compare plain numbers.
 */
sealed interface Clause {

    boolean test(double[] now, double[] before, double[] daily);

    /** Adds every field this clause reads. */
    void inputs(Set<Field> into, Set<DailyKey> keys);

    /**
     * Adds every field this clause reads on the bar before (only crosses do). Readiness is checked
     * per field and bar: before, any cross made every input of the condition need the previous
     * bar, so e.g. "CLOSE crosses_above PSMA5 and RSI14 > 50" missed the first bar with RSI14.
     */
    default void previousInputs(Set<Field> into) {
    }

    record All(List<Clause> parts) implements Clause {
        public boolean test(double[] now, double[] before, double[] daily) {
            for (Clause c : parts) {
                if (!c.test(now, before, daily)) {
                    return false;
                }
            }
            return true;
        }

        public void inputs(Set<Field> into, Set<DailyKey> keys) {
            parts.forEach(p -> p.inputs(into, keys));
        }

        public void previousInputs(Set<Field> into) {
            parts.forEach(p -> p.previousInputs(into));
        }
    }

    record Any(List<Clause> parts) implements Clause {
        public boolean test(double[] now, double[] before, double[] daily) {
            for (Clause c : parts) {
                if (c.test(now, before, daily)) {
                    return true;
                }
            }
            return false;
        }

        public void inputs(Set<Field> into, Set<DailyKey> keys) {
            parts.forEach(p -> p.inputs(into, keys));
        }

        public void previousInputs(Set<Field> into) {
            parts.forEach(p -> p.previousInputs(into));
        }
    }

    record Not(Clause part) implements Clause {
        public boolean test(double[] now, double[] before, double[] daily) {
            return !part.test(now, before, daily);
        }

        public void inputs(Set<Field> into, Set<DailyKey> keys) {
            part.inputs(into, keys);
        }

        public void previousInputs(Set<Field> into) {
            part.previousInputs(into);
        }
    }

    enum Op { GT, GE, LT, LE }

    record Compare(Operand left, Op op, Operand right) implements Clause {
        public boolean test(double[] now, double[] before, double[] daily) {
            double l = left.value(now, daily);
            double r = right.value(now, daily);
            return switch (op) {
                case GT -> l > r;
                case GE -> l >= r;
                case LT -> l < r;
                case LE -> l <= r;
            };
        }

        public void inputs(Set<Field> into, Set<DailyKey> keys) {
            addField(into, keys, left);
            addField(into, keys, right);
        }
    }

    /** Inclusive, with the bounds in either order. */
    record Between(Operand value, Operand a, Operand b) implements Clause {
        public boolean test(double[] now, double[] before, double[] daily) {
            double x = value.value(now, daily);
            double p = a.value(now, daily);
            double q = b.value(now, daily);
            return x >= Math.min(p, q) && x <= Math.max(p, q);
        }

        public void inputs(Set<Field> into, Set<DailyKey> keys) {
            addField(into, keys, value);
            addField(into, keys, a);
            addField(into, keys, b);
        }
    }

    /** Left was at or below (above) right on the bar before, and is above (below) it now. */
    record Cross(Operand left, boolean above, Operand right) implements Clause {
        public boolean test(double[] now, double[] before, double[] daily) {
            double l0 = left.value(before, daily);
            double r0 = right.value(before, daily);
            double l1 = left.value(now, daily);
            double r1 = right.value(now, daily);
            return above ? l0 <= r0 && l1 > r1 : l0 >= r0 && l1 < r1;
        }

        public void inputs(Set<Field> into, Set<DailyKey> keys) {
            addField(into, keys, left);
            addField(into, keys, right);
        }

        public void previousInputs(Set<Field> into) {
            inputs(into, EnumSet.noneOf(DailyKey.class)); // a daily key is the same on both bars
        }
    }

    /** The jazzstock form's {@code *_MINMAX_P}: x above (below) min(a,b) + (max(a,b) - min(a,b)) * p. */
    record MinMaxP(Operand value, boolean bigger, Operand a, Operand b, Operand p) implements Clause {
        public boolean test(double[] now, double[] before, double[] daily) {
            double x = value.value(now, daily);
            double u = a.value(now, daily);
            double w = b.value(now, daily);
            double lo = Math.min(u, w);
            double level = lo + (Math.max(u, w) - lo) * p.value(now, daily);
            return bigger ? x > level : x < level;
        }

        public void inputs(Set<Field> into, Set<DailyKey> keys) {
            addField(into, keys, value);
            addField(into, keys, a);
            addField(into, keys, b);
            addField(into, keys, p);
        }
    }

    /** The jazzstock form's {@code BIGGER_P} / {@code SMALLER_P}: x above a*(1+p), or below a*(1-p). */
    record PercentOf(Operand value, boolean bigger, Operand a, Operand p) implements Clause {
        public boolean test(double[] now, double[] before, double[] daily) {
            double x = value.value(now, daily);
            double base = a.value(now, daily);
            double pct = p.value(now, daily);
            return bigger ? x > base * (1 + pct) : x < base * (1 - pct);
        }

        public void inputs(Set<Field> into, Set<DailyKey> keys) {
            addField(into, keys, value);
            addField(into, keys, a);
            addField(into, keys, p);
        }
    }

    private static void addField(Set<Field> into, Set<DailyKey> keys, Operand o) {
        if (o.field() != null) {
            into.add(o.field());
        }
        if (o.key() != null) {
            keys.add(o.key());
        }
    }
}
