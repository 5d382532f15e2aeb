package engine.sources.ls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One websocket frame from LS: {@code {"header":{...},"body":{...}}}, every value a string. An ack
 * or an error carries {@code header.rsp_cd} (and usually no body); data carries a body.
 *
 * @param trCd   {@code header.tr_cd}, or "" when absent
 * @param key    {@code header.tr_key}, trimmed (overseas keys arrive padded to 8)
 * @param trType {@code header.tr_type}, or "" when absent
 * @param rspCd  {@code header.rsp_cd}, or null when the frame is data
 * @param rspMsg {@code header.rsp_msg}, or ""
 * @param body   the body, or null
 */
record Frame(String trCd, String key, String trType, String rspCd, String rspMsg, JsonNode body) {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String OK = "00000";
    /** The answer LS gives a request made with an expired token. */
    static final String TOKEN_EXPIRED = "IGW00121";

    boolean isData() {
        return rspCd == null && body != null && body.isObject();
    }

    /** A trade: data under a trades TR ({@code S3_}, {@code OC0}, ...), which becomes a tick. */
    boolean isTrade() {
        return isData() && Instrument.byTrades(trCd) != null;
    }

    boolean isOk() {
        return OK.equals(rspCd);
    }

    /** Parses a text frame; throws IllegalArgumentException for anything that is not a frame. */
    static Frame parse(String text) {
        JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        JsonNode h = n == null ? null : n.get("header");
        if (h == null || !h.isObject()) {
            throw new IllegalArgumentException("no header");
        }
        JsonNode rsp = h.get("rsp_cd");
        JsonNode body = n.get("body");
        return new Frame(h.path("tr_cd").asText("").trim(), h.path("tr_key").asText("").trim(),
                h.path("tr_type").asText("").trim(), rsp == null || rsp.isNull() ? null : rsp.asText().trim(),
                h.path("rsp_msg").asText(""), body == null || body.isNull() ? null : body);
    }

    /** A registration ({@code tr_type} 3) or its end (4). */
    static String request(String token, String trType, String trCd, String key) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("header").put("token", token).put("tr_type", trType);
        root.putObject("body").put("tr_cd", trCd).put("tr_key", key);
        return root.toString();
    }
}
