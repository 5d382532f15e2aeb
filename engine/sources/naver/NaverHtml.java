package engine.sources.naver;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * What every Naver page parser shares (minute, daily, investor and listing pages): EUC-KR decoding
 * of a whole page, cell text, numbers with thousands separators, the sign of a change in either
 * markup, and the last page of {@code td.pgRR}.
 */
final class NaverHtml {
    static final String CHARSET = "EUC-KR";
    private static final Pattern PAGE = Pattern.compile("[?&]page=(\\d+)");
    private static final byte[] END = "</html>".getBytes(StandardCharsets.US_ASCII);

    private NaverHtml() {
    }

    /**
     * The page as a document, decoded as EUC-KR whatever the headers say; a page without its closing
     * {@code </html>} was cut off on the way and is {@link SiseTimePage.Malformed}.
     */
    static Document document(byte[] body, String url) throws SiseTimePage.Malformed {
        if (!endsWithHtml(body)) {
            throw new SiseTimePage.Malformed("the page ends before </html> (" + body.length + " bytes): cut off");
        }
        try {
            return Jsoup.parse(new ByteArrayInputStream(body), CHARSET, url);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail to read
        }
    }

    private static boolean endsWithHtml(byte[] body) {
        // Whitespace may follow; the real pages end with "</html>" and a newline or two.
        int from = Math.max(0, body.length - 512);
        outer:
        for (int i = body.length - END.length; i >= from; i--) {
            for (int j = 0; j < END.length; j++) {
                if (Character.toLowerCase(body[i + j]) != END[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** A row's {@code td} cells (not the {@code th} of a header row). */
    static List<Element> cells(Element tr) {
        return tr.children().stream().filter(e -> e.normalName().equals("td")).toList();
    }

    /** A cell's text, trimmed; {@code &nbsp;} comes through as U+00A0, which trim() keeps. */
    static String text(Element cell) {
        return cell.text().replace('\u00a0', ' ').trim();
    }

    /**
     * The digits of a cell as a number, commas and whitespace dropped, a leading sign kept only when
     * {@code signed} (the change columns carry their sign in an icon instead).
     *
     * @param where the row and column, for the message
     */
    static long number(Element cell, boolean signed, String where) throws SiseTimePage.Malformed {
        String digits = text(cell).replace(",", "").replaceAll("\\s+", "");
        boolean negative = false;
        if (digits.startsWith("-") || digits.startsWith("+")) {
            negative = digits.startsWith("-");
            digits = digits.substring(1);
        }
        if (digits.isEmpty() || digits.length() > 15 || !digits.chars().allMatch(Character::isDigit)) {
            throw new SiseTimePage.Malformed(where + " \"" + text(cell) + "\" is not a number");
        }
        long v = Long.parseLong(digits);
        return signed && negative ? -v : v;
    }

    /** The unsigned change of a cell whose sign is an icon, signed by {@link #falls}. */
    static long change(Element cell, String where) throws SiseTimePage.Malformed {
        Element c = cell.clone();
        c.select(".blind, img").remove(); // the new markup's 상승/하락 text is not part of the number
        long change = number(c, false, where);
        return falls(cell) ? -change : change;
    }

    /** Whether the change cell shows a fall: 하락/하한가 in either markup, or the blue number. */
    static boolean falls(Element cell) {
        if (cell.selectFirst("em.bu_pdn, em.bu_pdn2, span.nv01") != null) {
            return true;
        }
        for (Element img : cell.select("img[alt]")) {
            String alt = img.attr("alt");
            if (alt.contains("하락") || alt.contains("하한")) {
                return true;
            }
        }
        return false;
    }

    /** The page {@code td.pgRR} links to, or 0 when there is none (one page only). */
    static int lastPage(Document doc) {
        Element a = doc.selectFirst("td.pgRR a[href]");
        if (a == null) {
            return 0;
        }
        Matcher m = PAGE.matcher(a.attr("href"));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }
}
