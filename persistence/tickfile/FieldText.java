package persistence.tickfile;

import java.nio.charset.StandardCharsets;

/** Byte-level helpers for the text of a line or field: blanks, trimming, quoting for a message. */
final class FieldText {

    private FieldText() {
    }

    static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\r';
    }

    static boolean isBlank(byte[] b, int s, int e) {
        for (int i = s; i < e; i++) {
            if (!isSpace(b[i])) {
                return false;
            }
        }
        return true;
    }

    /** A field's text for a message: quoted, and cut short if long. */
    static String quote(byte[] b, int s, int e) {
        int n = e - s;
        String text = n > 60 ? new String(b, s, 57, StandardCharsets.UTF_8) + "..." : new String(b, s, n, StandardCharsets.UTF_8);
        return '"' + text + '"';
    }

    static String quote(String text) {
        return '"' + (text.length() > 60 ? text.substring(0, 57) + "..." : text) + '"';
    }

    static int trimStart(byte[] b, int s, int e) {
        while (s < e && (b[s] == ' ' || b[s] == '\t')) {
            s++;
        }
        return s;
    }

    static int trimEnd(byte[] b, int s, int e) {
        while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
            e--;
        }
        return e;
    }
}
