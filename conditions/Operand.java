package conditions;

/** A number, or a field's value times a factor ({@code PSMA20}, or {@code 1.02 x PSMA20}). */
record Operand(Field field, double constant, double factor) {

    static Operand number(double value) {
        return new Operand(null, value, 1);
    }

    static Operand of(Field field, double factor) {
        return new Operand(field, 0, factor);
    }

    double value(double[] v) {
        return field == null ? constant : v[field.ordinal()] * factor;
    }

    @Override
    public String toString() {
        if (field == null) {
            return Double.toString(constant);
        }
        return factor == 1 ? field.name() : factor + "*" + field.name();
    }
}
