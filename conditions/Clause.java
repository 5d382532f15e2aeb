package conditions;

import java.util.List;
import java.util.Set;

/**
 * A compiled piece of a condition. {@code now} holds the values of the bar being checked and
 * {@code before} those of the bar before it, by {@link Field#ordinal()}. Readiness (no NaN among
 * the inputs) is checked once by {@link Condition#test}, so clauses compare plain numbers.
 */
sealed interface Clause {

    boolean test(double[] now, double[] before);

    /** Adds every field this clause reads. */
    void inputs(Set<Field> into);

    /**
     * Adds every field this clause reads on the bar before (only crosses do). Readiness is checked
     * per field and bar: before, any cross made every input of the condition need the previous
     * bar, so e.g. "CLOSE crosses_above PSMA5 and RSI14 > 50" missed the first bar with RSI14.
     */
    default void previousInputs(Set<Field> into) {
    }

    record All(List<Clause> parts) implements Clause {
        public boolean test(double[] now, double[] before) {
            for (Clause c : parts) {
                if (!c.test(now, before)) {
                    return false;
                }
            }
            return true;
        }

        public void inputs(Set<Field> into) {
            parts.forEach(p -> p.inputs(into));
        }

        public void previousInputs(Set<Field> into) {
            parts.forEach(p -> p.previousInputs(into));
        }
    }

    record Any(List<Clause> parts) implements Clause {
        public boolean test(double[] now, double[] before) {
            for (Clause c : parts) {
                if (c.test(now, before)) {
                    return true;
                }
            }
            return false;
        }

        public void inputs(Set<Field> into) {
            parts.forEach(p -> p.inputs(into));
        }

        public void previousInputs(Set<Field> into) {
            parts.forEach(p -> p.previousInputs(into));
        }
    }

    record Not(Clause part) implements Clause {
        public boolean test(double[] now, double[] before) {
            return !part.test(now, before);
        }

        public void inputs(Set<Field> into) {
            part.inputs(into);
        }

        public void previousInputs(Set<Field> into) {
            part.previousInputs(into);
        }
    }

    enum Op { GT, GE, LT, LE }

    record Compare(Operand left, Op op, Operand right) implements Clause {
        public boolean test(double[] now, double[] before) {
            double l = left.value(now);
            double r = right.value(now);
            return switch (op) {
                case GT -> l > r;
                case GE -> l >= r;
                case LT -> l < r;
                case LE -> l <= r;
            };
        }

        public void inputs(Set<Field> into) {
            addField(into, left);
            addField(into, right);
        }
    }

    /** Inclusive, with the bounds in either order. */
    record Between(Operand value, Operand a, Operand b) implements Clause {
        public boolean test(double[] now, double[] before) {
            double x = value.value(now);
            double p = a.value(now);
            double q = b.value(now);
            return x >= Math.min(p, q) && x <= Math.max(p, q);
        }

        public void inputs(Set<Field> into) {
            addField(into, value);
            addField(into, a);
            addField(into, b);
        }
    }

    /** Left was at or below (above) right on the bar before, and is above (below) it now. */
    record Cross(Operand left, boolean above, Operand right) implements Clause {
        public boolean test(double[] now, double[] before) {
            double l0 = left.value(before);
            double r0 = right.value(before);
            double l1 = left.value(now);
            double r1 = right.value(now);
            return above ? l0 <= r0 && l1 > r1 : l0 >= r0 && l1 < r1;
        }

        public void inputs(Set<Field> into) {
            addField(into, left);
            addField(into, right);
        }

        public void previousInputs(Set<Field> into) {
            inputs(into);
        }
    }

    /** The jazzstock form's {@code *_MINMAX_P}: x above (below) min(a,b) + (max(a,b) - min(a,b)) * p. */
    record MinMaxP(Operand value, boolean bigger, Operand a, Operand b, Operand p) implements Clause {
        public boolean test(double[] now, double[] before) {
            double x = value.value(now);
            double u = a.value(now);
            double w = b.value(now);
            double lo = Math.min(u, w);
            double level = lo + (Math.max(u, w) - lo) * p.value(now);
            return bigger ? x > level : x < level;
        }

        public void inputs(Set<Field> into) {
            addField(into, value);
            addField(into, a);
            addField(into, b);
            addField(into, p);
        }
    }

    /** The jazzstock form's {@code BIGGER_P} / {@code SMALLER_P}: x above a*(1+p), or below a*(1-p). */
    record PercentOf(Operand value, boolean bigger, Operand a, Operand p) implements Clause {
        public boolean test(double[] now, double[] before) {
            double x = value.value(now);
            double base = a.value(now);
            double pct = p.value(now);
            return bigger ? x > base * (1 + pct) : x < base * (1 - pct);
        }

        public void inputs(Set<Field> into) {
            addField(into, value);
            addField(into, a);
            addField(into, p);
        }
    }

    private static void addField(Set<Field> into, Operand o) {
        if (o.field() != null) {
            into.add(o.field());
        }
    }
}
