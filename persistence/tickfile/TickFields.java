package persistence.tickfile;

import static persistence.tickfile.FieldText.quote;
import static persistence.tickfile.FieldText.trimEnd;
import static persistence.tickfile.FieldText.trimStart;

import java.util.function.Consumer;

/**
 * The rules for a tick's fields that are not the model's own (those are {@link conditions.Tick#problem()}
 * and {@link conditions.Volume#parse}): how a time is written. Shared by the CSV reader and
 * {@link TickJsonReader}, so a tick means the same in every format.
 */
public final class TickFields {
    /** 9999-12-31T23:59:59.999Z: a time past it is not epoch milliseconds (microseconds, most likely). */
    static final long MAX_EPOCH_MILLIS = 253_402_300_799_999L;

    private TickFields() {
    }

    /**
     * A time field: ISO-8601 with an offset ({@code 2026-11-20T09:00:03.120+09:00}), or epoch
     * milliseconds (digits only). {@link IsoTime#BAD_TIME} with the reason given to {@code why}.
     */
    static long time(byte[] b, int s, int e, Consumer<String> why) {
        s = trimStart(b, s, e);
        e = trimEnd(b, s, e);
        boolean digits = e > s;
        for (int i = s; i < e && digits; i++) {
            digits = b[i] >= '0' && b[i] <= '9';
        }
        if (digits) {
            return epochMillis(new String(b, s, e - s, java.nio.charset.StandardCharsets.ISO_8859_1), 0, e - s, why);
        }
        String[] reason = new String[1];
        long t = IsoTime.parseTime(b, s, e, reason);
        if (t == IsoTime.BAD_TIME) {
            why.accept("time " + quote(b, s, e) + " is neither ISO-8601 with an offset (" + reason[0]
                    + ") nor epoch milliseconds");
        }
        return t;
    }

    /** Epoch milliseconds written as an integer: 0 (1970) up to the end of year 9999. */
    static long epochMillis(CharSequence text, int s, int e, Consumer<String> why) {
        long v = 0;
        boolean ok = e > s && e - s <= 15;
        for (int i = s; i < e && ok; i++) {
            char c = text.charAt(i);
            ok = c >= '0' && c <= '9';
            v = v * 10 + (c - '0');
        }
        if (!ok || v > MAX_EPOCH_MILLIS) {
            why.accept("time " + quote(text.subSequence(s, e).toString())
                    + " is not epoch milliseconds from 1970 to 9999 (microseconds or seconds?)");
            return IsoTime.BAD_TIME;
        }
        return v;
    }
}
