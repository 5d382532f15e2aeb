package persistence.tickfile;

import static persistence.tickfile.FieldText.isBlank;
import static persistence.tickfile.FieldText.quote;
import static persistence.tickfile.IsoTime.BAD_TIME;
import static persistence.tickfile.IsoTime.parseTime;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import conditions.Market;
import conditions.Tick;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A JSON Lines tick file: one object per line with the keys of the CSV header, read with Jackson's
 * streaming parser; other keys are ignored, and anything after the object on its line is refused.
 */
final class JsonlTickSource extends LineSource {

    /** Jackson, loaded only when a JSON Lines file is read (it takes tens of milliseconds to start). */
    private static final class JacksonHolder {
        static final JsonFactory FACTORY = JsonFactory.builder().build();
    }

    private final SymbolInterner symbols;
    private byte[] symbolBytes = new byte[32];

    JsonlTickSource(String name, InputStream in, SymbolInterner symbols, int bufferSize) {
        super(name, in, bufferSize);
        this.symbols = symbols;
    }

    @Override
    Tick next() throws IOException {
        while (nextLine()) {
            if (isBlank(buf, lineStart, lineEnd)) {
                continue;
            }
            lines++;
            Tick t = parse(buf, lineStart, lineEnd);
            if (t != null) {
                ticks++;
                return t;
            }
        }
        return null;
    }

    private Tick parse(byte[] b, int s, int e) throws IOException {
        String time = null;
        String symbol = null;
        double price = 0;
        boolean hasPrice = false;
        long volume = 0;
        boolean hasVolume = false;
        long cum = Tick.NO_CUM;
        Market market = null;
        try (JsonParser p = JacksonHolder.FACTORY.createParser(b, s, e - s)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return bad("not a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken v = p.nextToken();
                switch (key) {
                    case "time" -> {
                        if (v != JsonToken.VALUE_STRING) {
                            return bad("time must be a string, got " + describe(p, v));
                        }
                        time = p.getText();
                    }
                    case "symbol" -> {
                        if (v != JsonToken.VALUE_STRING) {
                            return bad("symbol must be a string, got " + describe(p, v));
                        }
                        symbol = p.getText();
                    }
                    case "price" -> {
                        if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
                            return bad("price must be a number, got " + describe(p, v));
                        }
                        price = p.getDoubleValue();
                        hasPrice = true;
                    }
                    case "volume" -> {
                        if (v != JsonToken.VALUE_NUMBER_INT) {
                            return bad("volume must be an integer, got " + describe(p, v));
                        }
                        volume = p.getLongValue();
                        hasVolume = true;
                    }
                    case "cum_volume" -> {
                        if (v == JsonToken.VALUE_NULL) {
                            cum = Tick.NO_CUM;
                        } else if (v == JsonToken.VALUE_NUMBER_INT) {
                            cum = p.getLongValue();
                        } else {
                            return bad("cum_volume must be an integer or null, got " + describe(p, v));
                        }
                    }
                    case "market" -> {
                        if (v == JsonToken.VALUE_NULL) {
                            market = null;
                        } else if (v == JsonToken.VALUE_STRING) {
                            String m = p.getText();
                            if (m.equals("KRX")) {
                                market = Market.KRX;
                            } else if (m.equals("CRYPTO")) {
                                market = Market.CRYPTO;
                            } else if (m.isBlank()) {
                                market = null;
                            } else {
                                try {
                                    market = Market.parse(m);
                                } catch (IllegalArgumentException ex) {
                                    return bad(ex.getMessage());
                                }
                            }
                        } else {
                            return bad("market must be a string or null, got " + describe(p, v));
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                return bad("not a JSON object");
            }
            if (p.nextToken() != null) {
                return bad("unexpected content after the JSON object");
            }
        } catch (JsonProcessingException ex) {
            return bad("invalid JSON: " + ex.getOriginalMessage());
        }
        if (time == null) {
            return bad("missing \"time\"");
        }
        if (symbol == null) {
            return bad("missing \"symbol\"");
        }
        if (!hasPrice) {
            return bad("missing \"price\"");
        }
        if (!hasVolume) {
            return bad("missing \"volume\"");
        }
        byte[] tb = time.getBytes(StandardCharsets.ISO_8859_1);
        long ms = parseTime(tb, 0, tb.length, null);
        if (ms == BAD_TIME) {
            String[] why = new String[1];
            parseTime(tb, 0, tb.length, why);
            return bad("time " + quote(time) + " is not ISO-8601 with an offset: " + why[0]);
        }
        String shared = share(symbol);
        Tick tick = new Tick(shared, ms, price, volume, cum, market);
        String problem = tick.problem();
        if (problem != null) {
            return bad(problem);
        }
        return tick;
    }

    /** The cache's instance of an ASCII symbol (shared with the other files), else the symbol itself. */
    private String share(String symbol) {
        int n = symbol.length();
        if (n > symbolBytes.length) {
            symbolBytes = new byte[Math.max(n, 2 * symbolBytes.length)];
        }
        for (int i = 0; i < n; i++) {
            char c = symbol.charAt(i);
            if (c >= 0x80) {
                return symbol;
            }
            symbolBytes[i] = (byte) c;
        }
        int entry = symbols.find(symbolBytes, 0, n);
        return entry < 0 ? symbol : symbols.names[entry];
    }

    private static String describe(JsonParser p, JsonToken v) throws IOException {
        if (v == null) {
            return "nothing";
        }
        return switch (v) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_NULL -> "null";
            case VALUE_STRING -> "the string " + quote(p.getText());
            default -> p.getText();
        };
    }
}
