package engine.sources.ls;

import com.fasterxml.jackson.databind.JsonNode;
import conditions.Market;
import conditions.Tick;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Trade frames to ticks: the trade's size as the volume, the day's cumulative volume as
 * {@code cum_volume} (so a trade received twice, or again after a reconnect, counts once), and the
 * exchange time on the trading date in Asia/Seoul.
 */
final class TradeTicks {
    static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");
    private static final DateTimeFormatter HHMMSS = DateTimeFormatter.ofPattern("HHmmss");
    private static final DateTimeFormatter YYYYMMDD = DateTimeFormatter.ofPattern("yyyyMMdd");

    private TradeTicks() {
    }

    /**
     * The tick of one trade body.
     *
     * @param now the receiving instant's local time in Seoul: gives the date of a time-only trade
     * @throws IllegalArgumentException naming the field that is missing or malformed
     */
    static Tick tick(Instrument inst, String symbol, JsonNode body, LocalDateTime now) {
        if (inst == Instrument.OVERSEAS_FUTURE) {
            LocalTime t = time(text(body, "kortm"));
            String d = body.path("kordate").asText("").trim();
            LocalDate date = d.isEmpty() ? dateOf(t, now) : LocalDate.parse(d, YYYYMMDD);
            return tick(symbol, LocalDateTime.of(date, t), number(body, "curpr"), whole(body, "trdq"),
                    whole(body, "totq"), market(inst));
        }
        LocalTime t = time(text(body, "chetime"));
        return tick(symbol, LocalDateTime.of(dateOf(t, now), t), number(body, "price"), whole(body, "cvolume"),
                whole(body, "volume"), market(inst));
    }

    /**
     * The market an instrument trades in, stamped on its ticks: a ticker's market follows its
     * instrument (an explicit {@code market} on the ticker still wins, see {@code TickerState.marketFor}).
     */
    static Market market(Instrument inst) {
        return switch (inst) {
            case KOSPI, KOSDAQ -> Market.KRX;
            case KOSPI200_FUTURE, KOSPI200_OPTION -> Market.KRX_DERIVATIVES;
            case OVERSEAS_FUTURE -> Market.OVERSEAS_FUTURES;
        };
    }

    private static Tick tick(String symbol, LocalDateTime at, double price, long size, long cum, Market market) {
        long ms = at.atZone(SEOUL).toInstant().toEpochMilli();
        Tick tick = new Tick(symbol, ms, price, size, cum, market);
        String problem = tick.problem();
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return tick;
    }

    /** Today, or yesterday for a time well after now (a trade stamped 23:59:59 received just after midnight). */
    static LocalDate dateOf(LocalTime t, LocalDateTime now) {
        return t.isAfter(now.toLocalTime().plusHours(1)) && now.toLocalTime().isBefore(LocalTime.of(1, 0))
                ? now.toLocalDate().minusDays(1) : now.toLocalDate();
    }

    static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull() || v.asText().isBlank()) {
            throw new IllegalArgumentException("no " + field);
        }
        return v.asText().trim();
    }

    static LocalTime time(String hhmmss) {
        String s = hhmmss.length() > 6 ? hhmmss.substring(0, 6) : hhmmss; // some feeds add hundredths
        try {
            return LocalTime.parse(s, HHMMSS);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad time \"" + hhmmss + "\"");
        }
    }

    static double number(JsonNode body, String field) {
        String s = text(body, field).replace(",", "").replace(" ", "");
        try {
            return Math.abs(Double.parseDouble(s)); // some derivatives feeds sign the price; the sign is in "sign"
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad " + field + " \"" + s + "\"");
        }
    }

    static long whole(JsonNode body, String field) {
        String s = text(body, field).replace(",", "").replace(" ", "");
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad " + field + " \"" + s + "\"");
        }
    }
}
