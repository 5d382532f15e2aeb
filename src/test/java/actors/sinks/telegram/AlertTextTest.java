package actors.sinks.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import conditions.Hit;
import conditions.Market;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** The alert's HTML: what Telegram's HTML parse mode accepts, every value escaped, never over 4,096 characters. */
class AlertTextTest {
    /** The tags Telegram's HTML parse mode knows (those the alert may use). */
    private static final Set<String> TELEGRAM_TAGS = Set.of("b", "strong", "i", "em", "u", "s", "a", "code", "pre");

    static final long BAR = java.time.Instant.parse("2026-11-20T01:55:00Z").toEpochMilli(); // 10:55 KST

    static Hit hit(String condition, String symbol, Market market) {
        return new Hit(condition, symbol, BAR, market, Map.of("PSMAR20", -0.031), List.of("telegram"));
    }

    /** Parses the message as Telegram would: balanced tags, known entities; returns the plain text. */
    static String parse(String html) throws Exception {
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader("<message>" + html + "</message>")));
        List<String> bad = new ArrayList<>();
        checkTags(doc.getDocumentElement(), bad);
        assertEquals(List.of(), bad, "tags Telegram does not know");
        return doc.getDocumentElement().getTextContent();
    }

    private static void checkTags(Element e, List<String> bad) {
        NodeList kids = e.getChildNodes();
        for (int i = 0; i < kids.getLength(); i++) {
            if (kids.item(i).getNodeType() == Node.ELEMENT_NODE) {
                Element k = (Element) kids.item(i);
                if (!TELEGRAM_TAGS.contains(k.getTagName())) {
                    bad.add(k.getTagName());
                }
                checkTags(k, bad);
            }
        }
    }

    @Test
    void aHitWithMarkupInItsNameAndAHugeDescriptionIsValidHtmlWithinTheLimit() throws Exception {
        String description = "close < PSMA20 & volume > 3x <b>not a tag</b> " + "x&<".repeat(1700); // > 5,000 characters
        assertTrue(description.length() > 5000);
        Hit h = hit("dip<&>\"", "005930", Market.KRX);
        Map<String, Double> values = Map.of("CLOSE", 70200.0, "PSMAR5", 0.000855, "PSMAR20", -0.031, "PSMAR60", -0.05,
                "VSMAR5", 2.1, "VSMAR20", 0.953, "VSMAR60", 0.401, "BBP", 0.12, "BBW", 0.041, "TRADINGVALUE", 35.97);
        String html = AlertText.render(h, description, new AlertText.Details(values, 69000.0));

        assertTrue(html.length() <= AlertText.MAX, "length " + html.length());
        String text = parse(html);
        assertTrue(text.startsWith("#005930 (KRX) 10:55 · dip<&>\""), text);
        assertTrue(text.contains("close < PSMA20 & volume > 3x <b>not a tag</b>"), "the description, escaped");
        assertTrue(text.contains("…"), "the description is trimmed, not refused");
        assertTrue(text.contains("Close 70,200 ▲1,200 (+1.74%)"), text);
        assertTrue(text.contains("PSMAR 5/20/60  +0.09% / -3.10% / -5.00%"), text);
        assertTrue(text.contains("VSMAR 5/20/60  +210.00% / +95.30% / +40.10%"), text);
        assertTrue(text.contains("BBP 0.12 · BBW 4.10%"), text);
        assertTrue(text.contains("Traded value 36.0억"), text);
        assertTrue(html.contains("<a href=\"https://finance.naver.com/item/main.naver?code=005930\">"), html);
    }

    @Test
    void aNameOfTenThousandAmpersandsIsTrimmedWithoutCuttingAnEntity() throws Exception {
        String html = AlertText.render(hit("&".repeat(10_000), "BTCUSDT", Market.CRYPTO), null,
                new AlertText.Details(Map.of("CLOSE", 97123.5, "VALUE", 3.6e9), null));
        assertTrue(html.length() <= AlertText.MAX);
        String text = parse(html);
        assertTrue(text.contains("Close 97,123.5 (change vs previous close: n/a)"), text);
        assertTrue(text.contains("Traded value 3.60B"), text);
        assertTrue(html.contains("https://www.binance.com/en/futures/BTCUSDT"), html);
    }

    @Test
    void withoutTheBarOnlyTheConditionsValuesShow() throws Exception {
        String text = parse(AlertText.render(hit("dip", "005930", Market.KRX), "", new AlertText.Details(
                Map.of("PSMAR20", -0.031), null)));
        assertEquals("#005930 (KRX) 10:55 · dip\nPSMAR 5/20/60  n/a / -3.10% / n/a\nNaver Finance", text);
    }
}
