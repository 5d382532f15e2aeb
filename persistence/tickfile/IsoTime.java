package persistence.tickfile;

import static persistence.tickfile.FieldText.trimEnd;
import static persistence.tickfile.FieldText.trimStart;

/**
 * ISO-8601 times with an offset, straight from bytes to epoch milliseconds (no {@code java.time}
 * objects per line), and the calendar arithmetic the CSV fast path shares.
 */
final class IsoTime {

    private IsoTime() {
    }

    /** What {@link #parseTime} returns for text that is not a time (no 4-digit year gets near it). */
    static final long BAD_TIME = Long.MIN_VALUE;

    private static int digit(byte[] b, int i) {
        int d = b[i] - '0';
        return d >= 0 && d <= 9 ? d : -1;
    }

    /** Two digits at {@code i} (which must be before {@code e}), or -1. */
    private static int d2(byte[] b, int i, int e) {
        if (i + 2 > e) {
            return -1;
        }
        int x = b[i] - '0';
        int y = b[i + 1] - '0';
        if (x < 0 || x > 9 || y < 0 || y > 9) {
            return -1;
        }
        return x * 10 + y;
    }

    private static long fail(String[] why, String reason) {
        if (why != null) {
            why[0] = reason;
        }
        return BAD_TIME;
    }

    /**
     * Parses {@code yyyy-MM-ddTHH:mm[:ss[.f{0,9}]](Z|±HH[:MM[:SS]])} to epoch milliseconds, the
     * fraction truncated to milliseconds; {@link #BAD_TIME} when it is not one, with the reason in
     * {@code why[0]} if {@code why} is given. Spaces around the text are ignored.
     */
    static long parseTime(byte[] b, int s, int e, String[] why) {
        s = trimStart(b, s, e);
        e = trimEnd(b, s, e);
        if (e == s) {
            return fail(why, "it is empty");
        }
        String shape = "expected yyyy-MM-ddTHH:mm:ss[.fff](Z|+HH:MM|-HH:MM)";
        int y1 = d2(b, s, e);
        int y2 = d2(b, s + 2, e);
        if (y1 < 0 || y2 < 0 || s + 16 > e || b[s + 4] != '-' || b[s + 7] != '-' || b[s + 13] != ':') {
            return fail(why, shape);
        }
        int year = y1 * 100 + y2;
        int month = d2(b, s + 5, e);
        int day = d2(b, s + 8, e);
        byte t = b[s + 10];
        int hour = d2(b, s + 11, e);
        int minute = d2(b, s + 14, e);
        if (month < 0 || day < 0 || (t != 'T' && t != 't') || hour < 0 || minute < 0) {
            return fail(why, shape);
        }
        int i = s + 16;
        int second = 0;
        int millis = 0;
        if (i < e && b[i] == ':') {
            second = d2(b, i + 1, e);
            if (second < 0) {
                return fail(why, shape);
            }
            i += 3;
            if (i < e && b[i] == '.') {
                i++;
                int k = 0;
                int d;
                while (i < e && (d = digit(b, i)) >= 0) {
                    if (k < 3) {
                        millis = millis * 10 + d;
                    }
                    k++;
                    i++;
                }
                if (k > 9) {
                    return fail(why, "more than 9 digits of fraction");
                }
                if (k == 1) {
                    millis *= 100;
                } else if (k == 2) {
                    millis *= 10;
                }
            }
        }
        if (i >= e) {
            return fail(why, "no offset (add Z or +HH:MM)");
        }
        int offset;
        byte c = b[i];
        if (c == 'Z' || c == 'z') {
            offset = 0;
            i++;
        } else if (c == '+' || c == '-') {
            int oh = d2(b, i + 1, e);
            if (oh < 0) {
                return fail(why, "bad offset, expected Z or +HH:MM");
            }
            i += 3;
            int om = 0;
            int os = 0;
            if (i < e && b[i] == ':') {
                om = d2(b, i + 1, e);
                if (om < 0) {
                    return fail(why, "bad offset, expected Z or +HH:MM");
                }
                i += 3;
                if (i < e && b[i] == ':') {
                    os = d2(b, i + 1, e);
                    if (os < 0) {
                        return fail(why, "bad offset, expected Z or +HH:MM");
                    }
                    i += 3;
                }
            }
            if (om > 59 || os > 59 || oh * 3600 + om * 60 + os > 18 * 3600) {
                return fail(why, "offset out of range");
            }
            offset = oh * 3600 + om * 60 + os;
            if (c == '-') {
                offset = -offset;
            }
        } else {
            return fail(why, "bad offset, expected Z or +HH:MM");
        }
        if (i != e) {
            return fail(why, "unexpected text after the offset");
        }
        if (month < 1 || month > 12) {
            return fail(why, "month " + month + " out of range");
        }
        if (day < 1 || day > daysInMonth(year, month)) {
            return fail(why, "day " + day + " out of range");
        }
        if (hour > 23) {
            return fail(why, "hour " + hour + " out of range");
        }
        if (minute > 59) {
            return fail(why, "minute " + minute + " out of range");
        }
        if (second > 59) {
            return fail(why, "second " + second + " out of range");
        }
        long days = daysFromCivil(year, month, day);
        long secs = days * 86_400L + hour * 3_600L + minute * 60L + second - offset;
        return secs * 1000L + millis;
    }

    static int daysInMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    static long daysFromCivil(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = (y >= 0 ? y : y - 399) / 400;
        int yoe = y - era * 400;
        int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097L + doe - 719_468L;
    }
}
