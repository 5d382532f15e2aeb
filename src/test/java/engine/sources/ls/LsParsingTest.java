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

    /** The H1_ sample in shared/wire: ten levels a side, empty ones ("0") left out. */
    @Test
    void quotesAsOnTheWire() throws Exception {
        java.nio.file.Path wire = java.nio.file.Path.of(System.getProperty("tickwatch.wire",
                java.nio.file.Files.isDirectory(java.nio.file.Path.of("../shared/wire")) ? "../shared/wire"
                        : "/work/shared/wire"), "ls-openapi.jsonl");
        String h1 = java.nio.file.Files.readAllLines(wire).stream().filter(l -> l.contains("\"H1_\"")
                && l.contains("offerho1")).findFirst().orElseThrow();
        Frame f = Frame.parse(h1);
        assertEquals("quotes", Instrument.channelOf(f.trCd()));
        Instant at = Instant.parse("2026-11-19T23:42:43Z");
        Quotes q = Quotes.parse(Instrument.byTr(f.trCd()), f.body(), at);
        assertEquals(new Quotes.Level(72400, 32616), q.bestAsk());
        assertEquals(new Quotes.Level(72300, 70581), q.bestBid());
        assertEquals(List.of(new Quotes.Level(72400, 32616), new Quotes.Level(72500, 66102),
                new Quotes.Level(72600, 74102)), q.asks());
        assertEquals(3, q.bids().size());
        assertEquals("084242", q.exchangeTime());
        assertEquals("2026-11-20T08:42:43.000+09:00", q.time());
        String line = q.csv("005930");
        assertEquals(Quotes.HEADER.split(",", -1).length, line.split(",", -1).length, line);
        assertTrue(line.startsWith("2026-11-20T08:42:43.000+09:00,005930,084242,0,0,72400,32616,72300,70581,72500,"),
                line);

        // futures, options and overseas futures: five levels, decimal prices, stray spaces
        Frame fh0 = Frame.parse("{\"header\": {\"tr_cd\": \"FH0\", \"tr_key\": \"101W9000\"}, \"body\": {"
                + "\"hotime\": \"090001\", \"offerho1\": \"402.15\", \"bidho1\": \"402.10\", \"offerrem1\": \"12\", "
                + "\"bidrem1\": \"7\", \"offerho2\": \"402.20\", \"bidho2\": \"0\", \"offerrem2\": \"3\", "
                + "\"bidrem2\": \"0\", \"offerho6\": \"999\", \"totofferrem\": \"15\", \"totbidrem\": \"7\"}}");
        Quotes fq = Quotes.parse(Instrument.byTr(fh0.trCd()), fh0.body(), at);
        assertEquals(List.of(new Quotes.Level(402.15, 12), new Quotes.Level(402.2, 3)), fq.asks(),
                "five levels at most for a derivative");
        assertEquals(List.of(new Quotes.Level(402.1, 7)), fq.bids());
        assertEquals(15, fq.totalAskSize());
        Frame ovh = Frame.parse("{\"header\": {\"tr_cd\": \"OVH\", \"tr_key\": \"NQU23   \"}, \"body\": {"
                + "\"symbol\": \"NQU23   \", \"hotime\": \"061502\", \"offerho1\": \" 15321.50 \", \"bidho1\": "
                + "\"15321.25\", \"offerrem1\": \"4\", \"bidrem1\": \"9\", \"offerno1\": \"2\", \"bidno1\": \"3\"}}");
        assertEquals(Instrument.OVERSEAS_FUTURE, Instrument.byTr(ovh.trCd()));
        Quotes oq = Quotes.parse(Instrument.OVERSEAS_FUTURE, ovh.body(), at);
        assertEquals(new Quotes.Level(15321.5, 4), oq.bestAsk());
        assertEquals(new Quotes.Level(15321.25, 9), oq.bestBid());
        assertEquals(Instrument.KOSPI200_OPTION, Instrument.byTr("OH0"));
        assertEquals(Instrument.KOSDAQ, Instrument.byTr("HA_"));
        assertThrows(IllegalArgumentException.class, () -> Quotes.parse(Instrument.KOSPI, FakeLs.JSON.readTree(
                "{\"hotime\": \"090000\"}"), at), "no first level: not a quotes frame");
        assertThrows(IllegalArgumentException.class, () -> Quotes.parse(Instrument.KOSPI, FakeLs.JSON.readTree(
                "{\"offerho1\": \"abc\", \"bidho1\": \"1\"}"), at));
    }

    /** K1_ and OK_ (the same body, LS's field table): the top five members a side, fewer when fewer traded. */
    @Test
    void memberFlowAsLsSendsIt() throws Exception {
        Frame k1 = Frame.parse("{\"header\": {\"tr_cd\": \"K1_\", \"tr_key\": \"005930\"}, \"body\": {"
                + "\"offerno1\": \"036\", \"offertrad1\": \"JP모간\", \"tradmdvol1\": \"120345\", "
                + "\"bidno1\": \"005\", \"bidtrad1\": \"미래에셋, 증권\", \"tradmsvol1\": \"99000\", "
                + "\"offerno2\": \"029\", \"offertrad2\": \"KB증권\", \"tradmdvol2\": \"5000\", "
                + "\"offerno3\": \"\", \"bidno2\": \"000\", \"ftradmdvol\": \"130000\", \"ftradmsvol\": \"2000\", "
                + "\"shcode\": \"005930\"}}");
        assertEquals("members", Instrument.channelOf(k1.trCd()));
        assertEquals("members", Instrument.channelOf("OK_"));
        Members m = Members.parse(k1.body(), Instant.parse("2026-11-20T01:00:00Z"));
        assertEquals(List.of(new Members.Member("036", "JP모간", 120345), new Members.Member("029", "KB증권", 5000)),
                m.sell());
        assertEquals(List.of(new Members.Member("005", "미래에셋, 증권", 99000)), m.buy());
        assertEquals(130000, m.foreignSellVolume());
        String line = m.csv("005930");
        assertTrue(line.startsWith("2026-11-20T10:00:00.000+09:00,005930,036,JP모간,120345,029,KB증권,5000,,,,"), line);
        assertTrue(line.contains(",005,\"미래에셋, 증권\",99000,"), "a name with a comma is quoted: " + line);
        assertTrue(line.endsWith(",130000,2000"), line);
        assertThrows(IllegalArgumentException.class, () -> Members.parse(FakeLs.JSON.readTree("{}"),
                Instant.EPOCH), "no first member: not a member frame");
    }
}
