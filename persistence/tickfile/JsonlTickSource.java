package persistence.tickfile;

import static persistence.tickfile.FieldText.isBlank;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import conditions.Tick;

import java.io.IOException;
import java.io.InputStream;

/**
 * A JSON Lines tick file: one tick object per line, read by {@link TickJsonReader} (the reader
 * {@code POST /api/ticks} uses too); anything after the object on its line is refused.
 */
final class JsonlTickSource extends LineSource {

    private final SymbolInterner symbols;
    private byte[] symbolBytes = new byte[32];
    private final TickJsonReader reader = new TickJsonReader(this::share);

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
        try (JsonParser p = TickJsonReader.FACTORY.createParser(b, s, e - s)) {
            p.nextToken();
            Tick tick = reader.read(p);
            if (tick == null) {
                return bad(reader.error());
            }
            if (p.nextToken() != null) {
                return bad("unexpected content after the JSON object");
            }
            return tick;
        } catch (JsonProcessingException ex) {
            return bad("invalid JSON: " + ex.getOriginalMessage());
        }
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
}
