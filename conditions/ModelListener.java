package conditions;

/** Receives what the model produces. Called on the thread that feeds the model. */
public interface ModelListener {
    ModelListener NONE = new ModelListener() {
    };

    /**
     * A bar closed. {@code values} holds the bar's fields and ready indicators by
     * {@link Field#ordinal()} ({@code NaN} when not ready); it is reused, so copy what you keep.
     */
    default void onBarClosed(SymbolState symbol, long barStart, double[] values) {
    }

    default void onHit(Hit hit) {
    }
}
