package engine.sources.ls;

import actors.ls.TokenClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import conditions.Market;
import conditions.Tick;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The token answer, the frames and the trade bodies as LS sends them (shared/wire/ls-openapi.jsonl). */
class LsParsingTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-20T01:00:00Z"), ZoneOffset.UTC);
    static final LocalDateTime NOW = LocalDateTime.of(2026, 11, 20, 10, 0);

    @Test
    void theTokenLifeIsReadUnderEitherSpellingAndRenewedAheadOfIt() {
        TokenClient c = new TokenClient(null, null, CLOCK);
        TokenClient.Token t = c.parse(200, "{\"access_token\": \"eyJ.TEST.SIG\", \"scope\": \"oob\", "
                + "\"token_type\": \"Bearer\", \"expires_in\": 86400}");
        assertEquals(Instant.parse("2026-11-21T01:00:00Z"), t.expires());
        assertEquals(Duration.ofHours(24).minusMinutes(10), TokenClient.renewAfter(t, Duration.ofMinutes(10)));
        TokenClient.Token shortLived = c.parse(200, "{\"access_token\": \"x\", \"expire_in\": \"3600\"}");
        assertEquals(Instant.parse("2026-11-20T02:00:00Z"), shortLived.expires(), "expire_in, as a string");
        assertEquals(Duration.ofMinutes(30), TokenClient.renewAfter(shortLived, Duration.ofHours(2)),
                "never more than half its life early");
        assertTrue(assertThrows(IllegalStateException.class, () -> c.parse(200, "{\"access_token\": \"x\"}"))
                .getMessage().contains("expires_in"), "no lifetime: not assumed to be 24 h");
        assertTrue(assertThrows(IllegalStateException.class, () -> c.parse(401,
                "{\"rsp_cd\":\"IGW00105\",\"rsp_msg\":\"invalid appkey\"}")).getMessage().contains("HTTP 401"));
        assertTrue(!t.toString().contains("eyJ"), "a token never reaches a log through toString");
    }

    @Test
    void framesAndTradesAsOnTheWire() {
        Frame ack = Frame.parse("{\"header\": {\"tr_cd\": \"S3_\", \"tr_key\": \"005930\", \"tr_type\": \"3\", "
                + "\"rsp_cd\": \"00000\", \"rsp_msg\": \"정상처리되었습니다\"}}");
        assertTrue(ack.isOk() && !ack.isData());
        Frame data = Frame.parse("{\"header\": {\"tr_cd\": \"S3_\", \"tr_key\": \"005930\"}, \"body\": {\"chetime\": "
                + "\"123143\", \"price\": \"96600\", \"cvolume\": \"5\", \"cgubun\": \"+\", \"volume\": \"11707848\", "
                + "\"drate\": \"-1.23\", \"value\": \"1126294\", \"change\": \"1200\", \"opentime\": \"090015\", "
                + "\"status\": \"00\"}}");
        assertTrue(data.isData());
        assertNull(data.rspCd());
        Tick t = TradeTicks.tick(Instrument.KOSPI, "005930", data.body(), NOW);
        assertEquals(new Tick("005930", Instant.parse("2026-11-20T03:31:43Z").toEpochMilli(), 96600, 5, 11707848,
                Market.KRX), t);
        Frame ovc = Frame.parse("{\"header\": {\"tr_cd\": \"OVC\", \"tr_key\": \"NQU23   \"}, \"body\": {\"symbol\": "
                + "\"NQU23   \", \"kordate\": \"20261121\", \"kortm\": \"061502\", \"curpr\": \" 15321.25 \", "
                + "\"trdq\": \"2\", \"totq\": \"88123\"}}");
        assertEquals("NQU23", ovc.key(), "the padded key, trimmed");
        Tick o = TradeTicks.tick(Instrument.OVERSEAS_FUTURE, ovc.key(), ovc.body(), NOW);
        assertEquals(Instant.parse("2026-11-20T21:15:02Z").toEpochMilli(), o.time(), "kordate + kortm in Seoul");
        assertEquals(15321.25, o.price());
        assertEquals(88123, o.cumVolume());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TradeTicks.tick(Instrument.KOSPI, "005930",
                Frame.parse("{\"header\":{\"tr_cd\":\"S3_\"},\"body\":{\"chetime\":\"090000\",\"price\":\"x\"}}").body(),
                NOW)).getMessage().contains("price"));
        assertEquals(NOW.toLocalDate().minusDays(1), TradeTicks.dateOf(java.time.LocalTime.of(23, 59, 59),
                NOW.toLocalDate().atTime(0, 0, 2)), "a trade of 23:59:59 received after midnight");
    }

    @Test
    void theCodeShapeOrTheConfigurationDecidesTheInstrument() {
        assertEquals(List.of(Instrument.KOSPI, Instrument.KOSDAQ), Instrument.byShape("005930"));
        assertEquals(List.of(Instrument.KOSPI200_FUTURE), Instrument.byShape("101W9000"));
        assertEquals(List.of(Instrument.KOSPI200_OPTION), Instrument.byShape("201W9342"));
        assertEquals(List.of(Instrument.OVERSEAS_FUTURE), Instrument.byShape("NQU23"));
        assertEquals(List.of(), Instrument.byShape("삼성"));
        assertEquals(Instrument.KOSPI200_FUTURE, Instrument.parse("KOSPI200_future"));
        assertEquals("NQU23   ", Instrument.OVERSEAS_FUTURE.key("NQU23"));
        assertThrows(IllegalArgumentException.class, () -> Instrument.parse("nyse"));
    }
}
