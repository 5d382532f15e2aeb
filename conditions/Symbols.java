package conditions;

/** What a symbol may look like, in one place for the API, the files and the model. */
public final class Symbols {
    private Symbols() {
    }

    /** 1-20 characters of upper-case letters, digits, '.', '-' or '_' ({@code 005930}, {@code BTCUSDT}). */
    public static boolean isValid(String symbol) {
        int n = symbol.length();
        if (n == 0 || n > 20) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = symbol.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
