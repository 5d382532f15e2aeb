package actors.sinks.telegram;

import conditions.Hit;
import conditions.Market;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import java.util.Map;

/**
 * The alert of a hit as Telegram HTML ({@code parse_mode=HTML}): every value escaped, at most
 * {@value #MAX} characters (the only unbounded parts, the condition's name and description, are
 * trimmed to fit; an alert is never refused for its length).
 *
 * <pre>
 * #005930 (KRX) 10:15 · dip
 * Close 70,200 ▲1,200 (+1.74%)
 * PSMAR 5/20/60  +0.09% / -1.20% / -3.10%
 * VSMAR 5/20/60  +210.0% / +95.3% / +40.1%
 * BBP 0.12 · BBW 4.10%
 * Traded value 36.0억
 * Naver Finance (link)
 * </pre>
 */
public final class AlertText {
    /** Telegram's limit for one message's text. */
    public static final int MAX = 4096;

    /**
     * What is known of the hit's bar besides the fields the condition read.
     *
     * @param values        the bar's fields and indicators by name (the hit's values when the bar is not known)
     * @param previousClose the close of the previous day's last bar, or null when the node does not have it
     */
    public record Details(Map<String, Double> values, Double previousClose) {
    }

    private AlertText() {
    }

    /**
     * @param description the condition's description, or null
     */
    public static String render(Hit hit, String description, Details details) {
        Map<String, Double> v = details.values();
        StringBuilder body = new StringBuilder(512);
        Double close = v.get("CLOSE");
        if (close != null) {
            body.append("Close <b>").append(price(close, hit.market())).append("</b>");
            Double prev = details.previousClose();
            if (prev != null && prev != 0) {
                double change = close - prev;
                body.append(' ').append(change > 0 ? "▲" : change < 0 ? "▼" : "–")
                        .append(price(Math.abs(change), hit.market()))
                        .append(" (").append(signedPercent(change / prev)).append(')');
            } else {
                body.append(" (change vs previous close: n/a)");
            }
            body.append('\n');
        }
        triple(body, "PSMAR", v);
        triple(body, "VSMAR", v);
        Double bbp = v.get("BBP");
        Double bbw = v.get("BBW");
        if (bbp != null || bbw != null) {
            body.append("BBP ").append(bbp == null ? "n/a" : fixed(bbp, 2)).append(" · BBW ")
                    .append(bbw == null ? "n/a" : fixed(bbw * 100, 2) + "%").append('\n');
        }
        String traded = tradedValue(v, hit.market());
        if (traded != null) {
            body.append("Traded value ").append(traded).append('\n');
        }
        body.append(link(hit));

        String head = "<b>#" + escape(hit.symbol()) + "</b> (" + escape(hit.market().name()) + ") "
                + hhmm(hit.barStart(), hit.market()) + " · ";
        String tail = "\n" + body;
        int budget = MAX - head.length() - tail.length();
        String name = fit(hit.condition(), Math.max(64, Math.min(budget, 256)));
        budget -= name.length() + "<b></b>".length();
        String desc = "";
        if (description != null && !description.isBlank() && budget > 8) {
            desc = "\n<i>" + fit(description, budget - "\n<i></i>".length()) + "</i>";
        }
        String text = head + "<b>" + name + "</b>" + desc + tail;
        return text.length() <= MAX ? text : head + "<b>" + fit(hit.condition(), MAX - head.length() - 7) + "</b>";
    }

    /** The stock's page: Naver Finance for KRX codes, Binance futures for crypto. */
    static String link(Hit hit) {
        if (hit.market() == Market.KRX) {
            return "<a href=\"https://finance.naver.com/item/main.naver?code=" + escape(hit.symbol())
                    + "\">Naver Finance</a>";
        }
        return "<a href=\"https://www.binance.com/en/futures/" + escape(hit.symbol()) + "\">Binance</a>";
    }

    private static void triple(StringBuilder sb, String prefix, Map<String, Double> v) {
        Double a = v.get(prefix + "5");
        Double b = v.get(prefix + "20");
        Double c = v.get(prefix + "60");
        if (a == null && b == null && c == null) {
            return;
        }
        sb.append(prefix).append(" 5/20/60  ").append(pct(a)).append(" / ").append(pct(b)).append(" / ")
                .append(pct(c)).append('\n');
    }

    private static String pct(Double ratio) {
        return ratio == null ? "n/a" : signedPercent(ratio);
    }

    private static String tradedValue(Map<String, Double> v, Market market) {
        if (market == Market.KRX && v.get("TRADINGVALUE") != null) {
            return fixed(v.get("TRADINGVALUE"), 1) + "억";
        }
        Double value = v.get("VALUE");
        if (value == null) {
            return null;
        }
        double a = Math.abs(value);
        if (a >= 1e9) {
            return fixed(value / 1e9, 2) + "B";
        }
        if (a >= 1e6) {
            return fixed(value / 1e6, 2) + "M";
        }
        return fixed(value, 0);
    }

    static String hhmm(long epochMillis, Market market) {
        long ms = Math.floorMod(epochMillis + market.offsetMillis(), 86_400_000L);
        long h = ms / 3_600_000;
        long m = ms / 60_000 % 60;
        return (h < 10 ? "0" : "") + h + ":" + (m < 10 ? "0" : "") + m;
    }

    static String price(double p, Market market) {
        if (!Double.isFinite(p)) {
            return "n/a";
        }
        DecimalFormat f = new DecimalFormat(market == Market.KRX ? "#,##0.##" : "#,##0.########",
                DecimalFormatSymbols.getInstance(Locale.ROOT));
        return f.format(p);
    }

    private static String signedPercent(double ratio) {
        if (!Double.isFinite(ratio)) {
            return "n/a";
        }
        return (ratio > 0 ? "+" : "") + fixed(ratio * 100, 2) + "%";
    }

    private static String fixed(double d, int decimals) {
        if (!Double.isFinite(d)) {
            return "n/a";
        }
        return new BigDecimal(d).setScale(decimals, RoundingMode.HALF_UP).toPlainString();
    }

    /** {@code text} escaped for Telegram HTML: {@code & < > "}. */
    public static String escape(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * {@code raw} escaped, cut (before escaping, so no entity is split) to at most {@code budget}
     * characters with an ellipsis when it had to be cut.
     */
    static String fit(String raw, int budget) {
        String all = escape(raw);
        if (all.length() <= budget) {
            return all;
        }
        if (budget < 1) {
            return "";
        }
        int lo = 0;
        int hi = raw.length();
        while (lo < hi) { // longest prefix whose escape plus "…" fits
            int mid = (lo + hi + 1) >>> 1;
            if (escape(raw.substring(0, mid)).length() + 1 <= budget) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        if (lo > 0 && Character.isHighSurrogate(raw.charAt(lo - 1))) {
            lo--;
        }
        return escape(raw.substring(0, lo)) + "…";
    }
}
