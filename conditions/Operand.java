package conditions;

/**
 * A number, or a field's or daily key's value times a factor ({@code PSMA20}, {@code 1.02 x PSMA20},
 * {@code 05D_HIGH}).
 */
record Operand(Field field, DailyKey key, double constant, double factor) {

    static Operand number(double value) {
        return new Operand(null, null, value, 1);
    }

    static Operand of(Field field, double factor) {
        return new Operand(field, null, 0, factor);
    }

    static Operand of(DailyKey key, double factor) {
        return new Operand(null, key, 0, factor);
    }

    /** This operand's name with another factor. */
    Operand times(double factor) {
        return new Operand(field, key, constant, factor);
    }

    /** Its value, reading {@code v} (the bar's fields) or {@code daily} (the day's keys). */
    double value(double[] v, double[] daily) {
        if (field != null) {
            return v[field.ordinal()] * factor;
        }
        return key == null ? constant : daily[key.ordinal()] * factor;
    }

    @Override
    public String toString() {
        if (field == null && key == null) {
            return Double.toString(constant);
        }
        String name = field != null ? field.name() : key.key();
        return factor == 1 ? name : factor + "*" + name;
    }
}
