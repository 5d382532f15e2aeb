package persistence.tickfile;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import conditions.Market;
import conditions.Tick;
import conditions.Volume;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * Reads one tick object from a streaming JSON parser: the one reading of a JSON tick, for JSON
 * Lines files and {@code POST /api/ticks} alike. Its field rules are those of the CSV reader (see
 * {@link TickFields}): both are tested against one table of cases ({@code TickFormatCasesTest}).
 *
 * <p>Keys: {@code time} (ISO-8601 string with an offset, or epoch milliseconds as a number),
 * {@code symbol}, {@code price}, {@code volume} (numbers), optional {@code cum_volume} (number or
 * null) and {@code market} (string or null). An unknown or repeated key is an error: a typo such as
 * {@code cumvolume} silently dropped would count a crawler's volume twice.
 *
 * <p>Whatever it finds wrong, it leaves the parser just after the object's end, so a batch can go
 * on to its next tick and report every bad one.
 */
public final class TickJsonReader {
    /** Jackson's streaming parser factory for ticks: plain, no databind. */
    public static final JsonFactory FACTORY = JsonFactory.builder().build();

    private static final String KEYS = "a tick has time, symbol, price, volume, cum_volume, market";
    private static final int TIME = 1, SYMBOL = 2, PRICE = 4, VOLUME = 8, CUM = 16, MARKET = 32;

    private final UnaryOperator<String> symbols;
    private final Volume.Parsed number = new Volume.Parsed();
    private String error;

    /** @param symbols maps a symbol's text to the instance to use (a file reader interns them) */
    public TickJsonReader(UnaryOperator<String> symbols) {
        this.symbols = symbols;
    }

    public TickJsonReader() {
        this(UnaryOperator.identity());
    }

    /** Why the last {@link #read} returned null. */
    public String error() {
        return error;
    }

    /**
     * Reads the object whose {@code START_OBJECT} the parser is at (or the value there, when it is
     * not an object). Returns the tick, or null with the reason in {@link #error()}; either way the
     * parser is left on the value's last token. Syntax errors are Jackson's exceptions: after one,
     * nothing further in that input can be read.
     */
    public Tick read(JsonParser p) throws IOException {
        error = null;
        JsonToken start = p.currentToken();
        if (start != JsonToken.START_OBJECT) {
            p.skipChildren();
            return fail("a tick is a JSON object, got " + describe(p, start));
        }
        int seen = 0;
        long time = 0;
        String symbol = null;
        double price = 0;
        long volume = 0;
        int volumeFraction = 0;
        long cum = Tick.NO_CUM;
        int cumFraction = 0;
        Market market = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            int bit = switch (key) {
                case "time" -> TIME;
                case "symbol" -> SYMBOL;
                case "price" -> PRICE;
                case "volume" -> VOLUME;
                case "cum_volume" -> CUM;
                case "market" -> MARKET;
                default -> 0;
            };
            if (bit == 0) {
                return skipRest(p, "unknown key " + FieldText.quote(key) + "; " + KEYS);
            }
            if ((seen & bit) != 0) {
                return skipRest(p, "key \"" + key + "\" appears twice");
            }
            seen |= bit;
            switch (bit) {
                case TIME -> {
                    if (v == JsonToken.VALUE_NUMBER_INT) {
                        time = TickFields.epochMillis(p.getText(), 0, p.getTextLength(), this::setError);
                    } else if (v == JsonToken.VALUE_STRING) {
                        byte[] text = p.getText().strip().getBytes(StandardCharsets.ISO_8859_1);
                        time = TickFields.time(text, 0, text.length, this::setError);
                    } else {
                        return skipRest(p, "time must be ISO-8601 text with an offset or epoch milliseconds, got " + describe(p, v));
                    }
                    if (time == IsoTime.BAD_TIME) {
                        return skipRest(p, error);
                    }
                }
                case SYMBOL -> {
                    if (v != JsonToken.VALUE_STRING) {
                        return skipRest(p, "symbol must be a string, got " + describe(p, v));
                    }
                    symbol = symbols.apply(p.getText().strip());
                }
                case PRICE -> {
                    if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
                        return skipRest(p, "price must be a number, got " + describe(p, v));
                    }
                    price = p.getDoubleValue();
                }
                case VOLUME -> {
                    if (!isNumber(v) || !volume(p)) {
                        return skipRest(p, "volume " + (isNumber(v) ? number.error : "must be a number, got " + describe(p, v)));
                    }
                    volume = number.units;
                    volumeFraction = number.fraction;
                }
                case CUM -> {
                    if (v != JsonToken.VALUE_NULL) {
                        if (!isNumber(v) || !volume(p)) {
                            return skipRest(p, "cum_volume " + (isNumber(v) ? number.error : "must be a number or null, got " + describe(p, v)));
                        }
                        cum = number.units;
                        cumFraction = number.fraction;
                    }
                }
                default -> {
                    if (v != JsonToken.VALUE_NULL) {
                        if (v != JsonToken.VALUE_STRING) {
                            return skipRest(p, "market must be a string or null, got " + describe(p, v));
                        }
                        String m = p.getText().strip();
                        if (!m.isEmpty()) {
                            try {
                                market = Market.parse(m);
                            } catch (IllegalArgumentException ex) {
                                return skipRest(p, ex.getMessage());
                            }
                        }
                    }
                }
            }
        }
        // t is END_OBJECT here: the parser reports anything else as a syntax error
        int missing = (TIME | SYMBOL | PRICE | VOLUME) & ~seen;
        if (missing != 0) {
            return fail("missing \"" + ((missing & TIME) != 0 ? "time" : (missing & SYMBOL) != 0 ? "symbol"
                    : (missing & PRICE) != 0 ? "price" : "volume") + "\"");
        }
        Tick tick = new Tick(symbol, time, price, volume, volumeFraction, cum, cumFraction, market);
        String problem = tick.problem();
        return problem == null ? tick : fail(problem);
    }

    private static boolean isNumber(JsonToken v) {
        return v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT;
    }

    /** The number token's own text, exactly as written, so 0.1 is 0.1 and not the double nearest it. */
    private boolean volume(JsonParser p) throws IOException {
        return Volume.parse(p.getText(), 0, p.getTextLength(), number);
    }

    private void setError(String why) {
        error = why;
    }

    private Tick fail(String why) {
        error = why;
        return null;
    }

    /** Records the reason and moves past the rest of the object (the parser is on a value in it). */
    private Tick skipRest(JsonParser p, String why) throws IOException {
        p.skipChildren();
        int depth = 1;
        JsonToken t;
        while (depth > 0 && (t = p.nextToken()) != null) {
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                depth++;
            } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                depth--;
            }
        }
        return fail(why);
    }

    static String describe(JsonParser p, JsonToken v) throws IOException {
        if (v == null) {
            return "nothing";
        }
        return switch (v) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_NULL -> "null";
            case VALUE_TRUE, VALUE_FALSE -> p.getText();
            case VALUE_STRING -> "the string " + FieldText.quote(p.getText());
            default -> p.getText();
        };
    }
}
