package engine.sources.binance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import conditions.Market;
import conditions.Tick;
import conditions.Volume;

/**
 * What one text frame of a combined stream says: an aggregate trade, the answer to one of our
 * requests, an error, or something we do not use.
 */
sealed interface Frame {
    ObjectMapper JSON = new ObjectMapper();

    /** {@code {"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","a":5933014,"p":"0.001","q":"100","T":...}}}. */
    record Trade(String stream, long id, Tick tick) implements Frame {
    }

    /** {@code {"result":null,"id":1}}: request {@code id} done. */
    record Answer(long id) implements Frame {
    }

    /** {@code {"error":{"code":2,"msg":"..."},"id":1}}, or a frame we cannot read. */
    record Error(String message) implements Frame {
    }

    /** An aggTrade we cannot use (counted and logged; the connection stays). */
    record Malformed(String message) implements Frame {
    }

    /** Valid but not ours to use (another stream's event). */
    record Other() implements Frame {
    }

    /**
     * The end of one catch-up of {@code feed} (not a websocket frame: {@link CatchUp} hands it to the ingest
     * stage): the trades fetched over REST for ids {@code fromId} up to {@code toId} (exclusive), in id order,
     * {@code filled} when every one of them was found, else {@code why} not.
     */
    record CaughtUp(SymbolFeed feed, long fromId, long toId, java.util.List<Trade> trades, boolean filled, String why)
            implements Frame {
    }

    /**
     * Where the node's stored trades of {@code feed}'s symbol end (not a websocket frame: the answer to
     * the source's question when it started feeding the symbol here): the highest aggregate id stored,
     * 0 when none, -1 when the node did not answer. The symbol's live trades wait in the ingest stage
     * until it comes; a higher first live id then opens a catch-up from it, so what was published while
     * the symbol moved between nodes is fetched, and what the node it left stored is not taken again.
     * {@code since} (epoch millis, 0 for none): with nothing stored, the trades from then on are fetched
     * up to the first live one, since another node fed the symbol until shortly after it.
     */
    record Resume(SymbolFeed feed, long position, long since) implements Frame {
    }

    /**
     * Reads a frame; the tick's symbol is {@code symbolOf(stream)}'s (the ticker as watched), its size
     * exact from the frame's string.
     */
    static Frame parse(String text, java.util.function.Function<String, String> symbolOf) {
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (Exception e) {
            return new Error("unreadable frame: " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            return new Error("unreadable frame: not a JSON object");
        }
        if (n.has("error")) {
            JsonNode err = n.get("error");
            return new Error(err.isObject() ? "code " + err.path("code").asText() + ": " + err.path("msg").asText()
                    : err.asText());
        }
        if (n.has("result") && n.has("id")) {
            return new Answer(n.get("id").asLong());
        }
        JsonNode data = n.get("data");
        String stream = n.path("stream").asText("");
        if (data == null || !"aggTrade".equals(data.path("e").asText())) {
            return new Other();
        }
        String symbol = symbolOf.apply(stream);
        if (symbol == null) {
            return new Other(); // unsubscribed a moment ago
        }
        return trade(stream, symbol, data);
    }

    /**
     * One aggregate trade's fields ({@code a p q T}), as the stream's {@code data} and the REST
     * {@code /fapi/v1/aggTrades} answer's elements both carry them: a {@link Trade} or {@link Malformed}.
     */
    static Frame trade(String stream, String symbol, JsonNode data) {
        try {
            long id = data.get("a").asLong();
            double price = Double.parseDouble(data.get("p").asText());
            Volume q = Volume.parse(data.get("q").asText());
            Tick tick = Tick.of(symbol, data.get("T").asLong(), price, q, null, Market.CRYPTO);
            String problem = tick.problem();
            if (problem != null) {
                return new Malformed("malformed aggTrade on " + stream + ": " + problem);
            }
            return new Trade(stream, id, tick);
        } catch (RuntimeException e) {
            return new Malformed("malformed aggTrade on " + stream + ": " + e);
        }
    }
}
