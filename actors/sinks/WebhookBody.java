package actors.sinks;

import conditions.Hit;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import persistence.BarJson;
import persistence.HitJson;
import persistence.Json;

/**
 * What a webhook endpoint receives for a hit: the default JSON (README "Webhooks"), or the
 * endpoint's own text template (Slack, Discord and other chat webhooks want their own shape).
 * The same hit always gives the same body, so a retry or a redelivery is byte-identical.
 */
final class WebhookBody {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_.\\-]*)\\s*}}");

    private final Duration barInterval;
    /** The endpoint's template, or null for the default JSON. */
    private final String template;
    /** Whether template values are escaped for a JSON string (the template's content type is JSON). */
    private final boolean jsonEscape;

    WebhookBody(Duration barInterval, String template, boolean jsonEscape) {
        this.barInterval = barInterval;
        this.template = template == null || template.isBlank() ? null : template;
        this.jsonEscape = jsonEscape;
    }

    String render(Hit hit) {
        return template == null ? json(hit) : fill(hit);
    }

    /**
     * {@code {"type":"hit","timestamp":BAR_END,"data":{"id","condition","symbol","market",
     * "bar":{"start","end","interval"},"values":{...}}}} (the Standard Webhooks envelope).
     */
    String json(Hit hit) {
        StringBuilder sb = new StringBuilder(512);
        sb.append("{\"type\":\"hit\",\"timestamp\":\"").append(end(hit)).append("\",\"data\":{\"id\":");
        Json.string(sb, hit.id());
        sb.append(",\"condition\":");
        Json.string(sb, hit.condition());
        sb.append(",\"symbol\":");
        Json.string(sb, hit.symbol());
        sb.append(",\"market\":\"").append(hit.market().name()).append("\",\"bar\":{\"start\":\"")
                .append(BarJson.time(hit.barStart(), hit.market())).append("\",\"end\":\"").append(end(hit))
                .append("\",\"interval\":\"").append(barInterval.toMinutes()).append("m\"},\"values\":");
        HitJson.values(sb, hit.values());
        return sb.append("}}").toString();
    }

    private String end(Hit hit) {
        return BarJson.time(hit.barStart() + barInterval.toMillis(), hit.market());
    }

    /**
     * The template with each {@code {{name}}} replaced: {@code id}, {@code condition}, {@code symbol},
     * {@code market}, {@code bar} (start), {@code bar_end}, {@code values} ({@code CLOSE=70100, ...}),
     * {@code value.NAME} (one value; empty when the condition did not read it), {@code json} (the
     * default body). An unknown name is left as written, so a typo shows in the message.
     */
    private String fill(Hit hit) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 128);
        while (m.find()) {
            String v = value(hit, m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(v == null ? m.group() : escape(m.group(1), v)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String escape(String name, String v) {
        if (!jsonEscape || name.equals("json")) {
            return v;
        }
        StringBuilder sb = new StringBuilder(v.length() + 8);
        Json.string(sb, v);
        return sb.substring(1, sb.length() - 1); // inside the template's own quotes
    }

    private String value(Hit hit, String name) {
        switch (name) {
            case "id":
                return hit.id();
            case "condition":
                return hit.condition();
            case "symbol":
                return hit.symbol();
            case "market":
                return hit.market().name();
            case "bar":
                return BarJson.time(hit.barStart(), hit.market());
            case "bar_end":
                return end(hit);
            case "values": {
                StringBuilder sb = new StringBuilder();
                for (Map.Entry<String, Double> e : hit.values().entrySet()) {
                    if (sb.length() > 0) {
                        sb.append(", ");
                    }
                    sb.append(e.getKey()).append('=').append(number(e.getValue()));
                }
                return sb.toString();
            }
            case "json":
                return json(hit);
            default:
                if (name.startsWith("value.")) {
                    Double d = hit.values().get(name.substring("value.".length()));
                    return d == null ? "" : number(d);
                }
                return null;
        }
    }

    private static String number(Double d) {
        StringBuilder sb = new StringBuilder();
        Json.number(sb, d);
        return sb.toString();
    }
}
