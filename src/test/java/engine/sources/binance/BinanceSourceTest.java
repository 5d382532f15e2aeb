package engine.sources.binance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.TickerEntity.IngestResult;
import com.typesafe.config.ConfigFactory;
import conditions.Tick;
import conditions.Volume;
import engine.sources.SourceContext;
import engine.sources.SourceContexts;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import persistence.WatchedTicker;

/**
 * The binance source by itself against a fake Binance on loopback, its ticks collected as the node
 * would take them: live subscriptions, exact sizes, drops, error frames, silence, the connection
 * limit with paced requests, and the renewal.
 */
class BinanceSourceTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final long T0 = 1_795_000_000_000L;
    static final ActorSystem<Void> SYSTEM = ActorSystem.create(Behaviors.empty(), "binance-source-test",
            ConfigFactory.parseString("pekko.loglevel = WARNING\npekko.actor.provider = local").withFallback(ConfigFactory.load()));

    @AfterAll
    static void stop() {
        SYSTEM.terminate();
    }

    /** What the node was handed, in order. */
    static final class Collected {
        final List<Tick> ticks = Collections.synchronizedList(new ArrayList<>());

        CompletableFuture<IngestResult> ingest(String source, List<Tick> batch, String key) {
            ticks.addAll(batch);
            return CompletableFuture.completedFuture(IngestResult.NONE);
        }

        List<Long> times() {
            synchronized (ticks) {
                return ticks.stream().map(Tick::time).toList();
            }
        }
    }

    /** Where a source under test connects. */
    interface HasUrl {
        String url();
    }

    static BinanceSource source(FakeBinance fake, Collected into, String extra) {
        return source((HasUrl) fake::url, into, "rest-url = \"" + fake.restUrl() + "\"\n" + extra);
    }

    static BinanceSource source(HasUrl fake, Collected into, String extra) {
        return source(SYSTEM, fake, into, extra);
    }

    static BinanceSource source(ActorSystem<?> system, HasUrl fake, Collected into, String extra) {
        var block = ConfigFactory.parseString("type = binance\nurl = \"" + fake.url() + "\"\n"
                + "backoff = 20ms, max-backoff = 100ms, check-interval = 50ms, messages-per-second = 10\n" + extra);
        var ctx = SourceContexts.create("binance", block, system, into::ingest, ConcurrentHashMap.newKeySet());
        return new BinanceSource(ctx, BinanceSettings.from(block), Clock.systemUTC());
    }

    static WatchedTicker ticker(String symbol) {
        return new WatchedTicker(symbol, "binance", 0L);
    }

    /** Trade {@code id} of {@code symbol}: its time says its id, so a test reads ids back from ticks. */
    static FakeBinance.Trade trade(String symbol, long id) {
        return new FakeBinance.Trade(symbol, id, "9" + (id % 7) + "000.5", "0.00" + (100 + id), T0 + id * 1000);
    }

    static List<Long> ids(long from, long to) {
        List<Long> l = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            l.add(T0 + i * 1000);
        }
        return l;
    }

    static void awaitUntil(BooleanSupplier done, String what) throws InterruptedException {
        testkit.Await.until(done, WAIT, what);
    }

    static long count(FakeBinance fake, String method, String stream) {
        return fake.requests().stream().filter(r -> r.method().equals(method) && r.params().contains(stream)).count();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> events(BinanceSource s) {
        return (List<Map<String, Object>>) s.health().get("events");
    }

    static long events(BinanceSource s, String kind) {
        return events(s).stream().filter(e -> e.get("kind").equals(kind)).count();
    }

    /** A node that takes a numbered source's ticks and keeps them with their aggregate ids, in order. */
    static class NumberedNode implements engine.sources.SourceContext.Ingest {
        final List<Tick> got = Collections.synchronizedList(new ArrayList<>());
        final List<Long> positions = Collections.synchronizedList(new ArrayList<>());

        @Override
        public CompletableFuture<IngestResult> ingest(String source, List<Tick> ticks, String key) {
            throw new AssertionError("the binance source numbers its ticks");
        }

        @Override
        public CompletableFuture<IngestResult> ingest(String source, List<Tick> ticks, long[] ids, String key) {
            got.addAll(ticks);
            for (long id : ids) {
                positions.add(id);
            }
            return CompletableFuture.completedFuture(IngestResult.NONE);
        }

        /** A binance source on {@code fake} with catch-up at full speed, feeding this node. */
        BinanceSource source(FakeBinance fake) {
            var block = ConfigFactory.parseString("type = binance\nurl = \"" + fake.url() + "\"\nrest-url = \""
                    + fake.restUrl() + "\"\nbackoff = 20ms, max-backoff = 100ms, check-interval = 50ms,"
                    + " messages-per-second = 10\ncatch-up { request-interval = 0s }");
            var ctx = SourceContexts.create("binance", block, SYSTEM, this, ConcurrentHashMap.newKeySet());
            return new BinanceSource(ctx, BinanceSettings.from(block), Clock.systemUTC());
        }
    }

    /**
     * A symbol another node fed until now (it left, or was stopped): the node says its stored trades end
     * at id 6. The feed goes on after it: ids 7-10, published while no node fed the symbol, are fetched
     * over REST before the live ones; ids up to 6, which the other node stored, are not taken again;
     * every tick goes to the node with its aggregate id. The entity answers only the third ask: it is
     * starting on its new node (the node it was on just died), and the source asks again meanwhile.
     */
    @Test
    void aSymbolTakenOverFromAnotherNodeGoesOnAfterWhatThatNodeStored() throws Exception {
        java.util.concurrent.atomic.AtomicInteger asks = new java.util.concurrent.atomic.AtomicInteger();
        NumberedNode node = new NumberedNode() {
            @Override
            public CompletableFuture<Long> position(String symbol) {
                if (asks.incrementAndGet() < 3) {
                    return CompletableFuture.failedFuture(new java.util.concurrent.TimeoutException("no answer"));
                }
                return CompletableFuture.completedFuture("BTCUSDT".equals(symbol) ? 6L : 0L);
            }
        };
        List<Tick> got = node.got;
        List<Long> positions = node.positions;
        try (FakeBinance fake = new FakeBinance()) {
            try (BinanceSource src = node.source(fake)) {
                for (long id = 1; id <= 10; id++) {
                    fake.record(trade("BTCUSDT", id)); // published before this node fed it
                }
                src.watch(ticker("BTCUSDT"));
                awaitUntil(() -> fake.subscribed("btcusdt@aggTrade") == 1, "SUBSCRIBE btcusdt@aggTrade");
                fake.publish(trade("BTCUSDT", 11));
                fake.publish(trade("BTCUSDT", 12));
                awaitUntil(() -> got.size() >= 6, "ids 7 to 12");
                Thread.sleep(200); // nothing more may come
                synchronized (got) {
                    assertEquals(ids(7, 12), got.stream().map(Tick::time).toList(),
                            "after the stored id 6: the missed 7-10 fetched, then the live 11 and 12, each once");
                }
                assertEquals(List.of(7L, 8L, 9L, 10L, 11L, 12L), positions, "each tick with its aggregate id");
                assertEquals(1, fake.restRequests().size(), "one page fetched");
                assertEquals(7, fake.restRequests().get(0).fromId());
                assertEquals(3, asks.get(), "asked until the entity answered");
            }
        }
    }

    /**
     * A symbol another node handed over before it stored any trade of it (the node says 0): ids do not
     * tell the trades published between that node's last and this node's first from the symbol's start,
     * so the trades from a minute before the hand-over are fetched by time, then the live ones go on.
     * Trades older than that (ids 1-5 here), which that node would have taken, are not fetched. A symbol
     * whose feed here did not start with a hand-over fetches nothing (ETHUSDT).
     */
    @Test
    void aSymbolHandedOverBeforeAnythingWasStoredFetchesTheTradesSinceTheHandOver() throws Exception {
        long handedOverAt = T0 + 65_500; // the trade times are T0 + id s: the minute before it holds ids 6 on
        NumberedNode node = new NumberedNode() {
            @Override
            public long handedOverAt(String symbol) {
                return "BTCUSDT".equals(symbol) ? handedOverAt : 0;
            }
        };
        List<Tick> got = node.got;
        try (FakeBinance fake = new FakeBinance()) {
            try (BinanceSource src = node.source(fake)) {
                for (long id = 1; id <= 10; id++) {
                    fake.record(trade("BTCUSDT", id)); // published before this node fed it
                    fake.record(trade("ETHUSDT", id));
                }
                src.watch(ticker("BTCUSDT"));
                src.watch(ticker("ETHUSDT"));
                awaitUntil(() -> fake.subscribed("btcusdt@aggTrade") == 1 && fake.subscribed("ethusdt@aggTrade") == 1,
                        "SUBSCRIBE both");
                fake.publish(trade("BTCUSDT", 11));
                fake.publish(trade("ETHUSDT", 11));
                fake.publish(trade("BTCUSDT", 12));
                awaitUntil(() -> got.size() >= 8, "BTCUSDT's 6 to 12 and ETHUSDT's 11");
                Thread.sleep(200); // nothing more may come
                synchronized (got) {
                    assertEquals(ids(6, 12), got.stream().filter(t -> t.symbol().equals("BTCUSDT")).map(Tick::time).toList(),
                            "from a minute before the hand-over: 6-10 fetched, then the live 11 and 12, each once");
                    assertEquals(ids(11, 11), got.stream().filter(t -> t.symbol().equals("ETHUSDT")).map(Tick::time).toList(),
                            "no hand-over, nothing stored: from the first live trade");
                }
                assertEquals(1, fake.restRequests().size(), "one page fetched: " + fake.restRequests());
                FakeBinance.RestRequest r = fake.restRequests().get(0);
                assertEquals(handedOverAt - 60_000, r.startTime());
                assertEquals(T0 + 11_000, r.endTime(), "up to the first live trade's time");
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> gaps = (List<Map<String, Object>>) src.health("BTCUSDT").get("gaps");
                Map<String, Object> gap = gaps.get(gaps.size() - 1);
                assertEquals(Boolean.TRUE, gap.get("filled"), "the hand-over's gap: " + gap);
                assertEquals(5L, ((Number) gap.get("recovered_trades")).longValue(), "" + gap);
            }
        }
    }

    /**
     * The same, when the first live trade comes more than an hour after the hand-over: Binance takes a
     * time window under an hour, so the first page asks for that hour (ids 6-8), and the rest up to the
     * live trade goes by id (9 and 10, traded 90 minutes after the hand-over).
     */
    @Test
    void aHandOverMoreThanAnHourBeforeTheFirstLiveTradeFetchesTheRestById() throws Exception {
        long handedOverAt = T0 + 65_500;
        NumberedNode node = new NumberedNode() {
            @Override
            public long handedOverAt(String symbol) {
                return handedOverAt;
            }
        };
        long hour = 3_600_000;
        try (FakeBinance fake = new FakeBinance()) {
            try (BinanceSource src = node.source(fake)) {
                for (long id = 1; id <= 8; id++) {
                    fake.record(trade("BTCUSDT", id));
                }
                fake.record(new FakeBinance.Trade("BTCUSDT", 9, "90000.5", "0.001", handedOverAt + hour + hour / 2));
                fake.record(new FakeBinance.Trade("BTCUSDT", 10, "90001.5", "0.001", handedOverAt + hour + hour / 2 + 1));
                src.watch(ticker("BTCUSDT"));
                awaitUntil(() -> fake.subscribed("btcusdt@aggTrade") == 1, "SUBSCRIBE btcusdt@aggTrade");
                fake.publish(new FakeBinance.Trade("BTCUSDT", 11, "90002.5", "0.001", handedOverAt + 2 * hour));
                awaitUntil(() -> node.positions.size() >= 6, "ids 6 to 11");
                Thread.sleep(200); // nothing more may come
                assertEquals(List.of(6L, 7L, 8L, 9L, 10L, 11L), node.positions, "each once, in order");
                assertEquals(2, fake.restRequests().size(), "an hour by time, then by id: " + fake.restRequests());
                assertEquals(handedOverAt - 60_000 + hour - 1, fake.restRequests().get(0).endTime(), "under an hour");
                assertEquals(9, fake.restRequests().get(1).fromId());
            }
        }
    }

    @Test
    void tickersWatchedAndUnwatchedWhileRunningAreSubscribedLiveAndTradesBecomeExactTicks() throws Exception {
        Collected got = new Collected();
        try (FakeBinance fake = new FakeBinance(); BinanceSource src = source(fake, got, "")) {
            assertEquals("idle", src.health().get("state"), "no ticker, no connection");
            src.watch(ticker("BTCUSDT"));
            awaitUntil(() -> fake.subscribed("btcusdt@aggTrade") == 1, "the server sees SUBSCRIBE btcusdt@aggTrade");
            fake.publish(new FakeBinance.Trade("BTCUSDT", 5933014, "91234.10", "0.00123456", T0));
            fake.publish(new FakeBinance.Trade("BTCUSDT", 5933015, "91234.20", "100", T0 + 5));
            awaitUntil(() -> got.ticks.size() == 2, "two ticks");
            Tick first = got.ticks.get(0);
            assertEquals("BTCUSDT", first.symbol());
            assertEquals(T0, first.time());
            assertEquals(91234.10, first.price());
            assertEquals(Volume.parse("0.00123456"), first.size(), "the size exact, from the frame's string");
            assertEquals(Volume.of(100), got.ticks.get(1).size());
            assertNull(first.cumulative());

            src.watch(ticker("ETHUSDT"));
            awaitUntil(() -> fake.subscribed("ethusdt@aggTrade") == 1, "the server sees SUBSCRIBE ethusdt@aggTrade");
            src.unwatch(ticker("BTCUSDT"));
            awaitUntil(() -> count(fake, "UNSUBSCRIBE", "btcusdt@aggTrade") == 1, "the server sees UNSUBSCRIBE");
            assertEquals(1, fake.connections().size(), "one connection carries both");
            fake.publish(new FakeBinance.Trade("BTCUSDT", 5933016, "91234.30", "1", T0 + 10));
            fake.publish(new FakeBinance.Trade("ETHUSDT", 77, "3012.5", "2.5", T0 + 11));
            awaitUntil(() -> got.ticks.size() == 3, "the ETH tick");
            assertEquals("ETHUSDT", got.ticks.get(2).symbol(), "nothing of the unwatched ticker");

            Map<String, Object> h = src.health();
            assertEquals("connected", h.get("state"));
            assertEquals(1, h.get("connections"));
            assertEquals(1, h.get("subscriptions"));
            assertEquals(3L, h.get("ticks"));
            assertEquals(77L, src.health("ETHUSDT").get("last_id"));
            assertNull(src.health("BTCUSDT"), "not fed any more");

            src.unwatch(ticker("ETHUSDT"));
            awaitUntil(() -> fake.open().isEmpty(), "the last ticker gone, the connection closes");
            awaitUntil(() -> "idle".equals(src.health().get("state")), "idle once the connection has ended");
        }
    }

    @Test
    void aConnectionDroppedMidStreamReconnectsResubscribesAndCountsNothingTwice() throws Exception {
        Collected got = new Collected();
        try (FakeBinance fake = new FakeBinance(); BinanceSource src = source(fake, got, "")) {
            fake.resendOnSubscribe(20); // the resubscription brings the last 20 trades again
            src.watch(ticker("BTCUSDT"));
            src.watch(ticker("ETHUSDT"));
            awaitUntil(() -> fake.subscribed("btcusdt@aggTrade") == 1 && fake.subscribed("ethusdt@aggTrade") == 1,
                    "subscribed");
            for (long i = 1; i <= 50; i++) {
                fake.publish(trade("BTCUSDT", i));
            }
            awaitUntil(() -> got.ticks.size() == 50, "50 ticks");
            fake.dropAll();
            awaitUntil(() -> fake.subscribed("btcusdt@aggTrade") == 1 && fake.subscribed("ethusdt@aggTrade") == 1,
                    "reconnected and every watched ticker subscribed again");
            assertEquals(2, fake.connections().size());
            for (long i = 51; i <= 100; i++) {
                fake.publish(trade("BTCUSDT", i));
            }
            awaitUntil(() -> got.times().size() >= 100 && got.times().get(got.times().size() - 1) == T0 + 100_000,
                    "the last trade");
            assertEquals(ids(1, 100), got.times(), "every trade once, in order");

            Map<String, Object> h = src.health();
            assertEquals(1L, h.get("reconnects"));
            assertEquals(20L, h.get("duplicates"), "the replayed trades dropped by aggregate id");
            assertEquals(1L, events(src, "disconnected"));
            Map<String, Object> reconnecting = events(src).stream()
                    .filter(e -> e.get("kind").equals("reconnecting")).findFirst().orElseThrow();
            assertEquals(1, reconnecting.get("attempt"));
            assertNotNull(reconnecting.get("next_try"));
            assertEquals(2L, events(src, "connected"));

            @SuppressWarnings("unchecked")
            List<Map<String, Object>> gaps = (List<Map<String, Object>>) src.health("BTCUSDT").get("gaps");
            assertEquals(1, gaps.size(), gaps.toString());
            Map<String, Object> gap = gaps.get(0);
            assertNotNull(gap.get("from"));
            assertNotNull(gap.get("to"));
            assertTrue(gap.get("to").toString().compareTo(gap.get("from").toString()) >= 0, gap.toString());
            assertEquals(50L, gap.get("last_id_before"));
            assertEquals(51L, gap.get("first_id_after"));
            assertEquals(0L, gap.get("missed_trades"));
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> lastGap(BinanceSource src, String symbol) {
        List<Map<String, Object>> gaps = (List<Map<String, Object>>) src.health(symbol).get("gaps");
        return gaps.get(gaps.size() - 1);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> catchUp(BinanceSource src) {
        return (Map<String, Object>) src.health().get("catch_up");
    }

    @Test
    void aCatchUpThatKeepsFailingReportsTheGapUnfilledAndTheLiveTradesGoOnOnceEachInOrder() throws Exception {
        Collected got = new Collected();
        try (FakeBinance fake = new FakeBinance();
             BinanceSource src = source(fake, got, "catch-up { request-interval = 0s, backoff = 20ms, max-retries = 2 }")) {
            src.watch(ticker("BTCUSDT"));
            src.watch(ticker("ETHUSDT"));
            awaitUntil(() -> fake.subscribed("btcusdt@aggTrade") == 1 && fake.subscribed("ethusdt@aggTrade") == 1,
                    "subscribed");
            for (long i = 1; i <= 10; i++) {
                fake.publish(trade("BTCUSDT", i));
            }
            awaitUntil(() -> got.ticks.size() == 10, "10 ticks");
            fake.failRest(3, 503, null); // the first attempt and both retries
            fake.refuse(true);
            fake.dropAll();
            for (long i = 11; i <= 20; i++) {
                fake.publish(trade("BTCUSDT", i));
            }
            fake.refuse(false);
            awaitUntil(() -> fake.subscribed("btcusdt@aggTrade") == 1, "subscribed again");
            for (long i = 21; i <= 30; i++) {
                fake.publish(trade("BTCUSDT", i));
            }
            awaitUntil(() -> Boolean.FALSE.equals(lastGap(src, "BTCUSDT").get("filled")), "the gap given up");
            awaitUntil(() -> got.ticks.size() == 20, "the live trades after the gap");
            List<Long> expected = new ArrayList<>(ids(1, 10));
            expected.addAll(ids(21, 30));
            assertEquals(expected, got.times(), "the live trades, once each, in order");
            Map<String, Object> gap = lastGap(src, "BTCUSDT");
            assertEquals(10L, gap.get("missed_trades"), gap.toString());
            assertEquals(0L, gap.get("recovered_trades"), gap.toString());
            assertTrue(gap.get("unfilled_because").toString().contains("HTTP 503, 3 attempts"), gap.toString());
            assertEquals(3, fake.restRequests().size());
            Map<String, Object> cu = catchUp(src);
            assertEquals(1L, cu.get("unfilled"), cu.toString());
            assertEquals(2L, cu.get("retries"), cu.toString());

            // a later jump on the live connection whose start Binance no longer has: what it has is taken
            fake.historyFrom(36);
            for (long i = 31; i <= 35; i++) {
                fake.record(trade("BTCUSDT", i)); // published while this connection missed them
            }
            for (long i = 36; i <= 40; i++) {
                fake.record(trade("BTCUSDT", i));
            }
            fake.publish(trade("BTCUSDT", 41));
            awaitUntil(() -> got.ticks.size() == 26, "the fetched part and the live trade");
            expected.addAll(ids(36, 41));
            assertEquals(expected, got.times());
            Map<String, Object> later = lastGap(src, "BTCUSDT");
            assertEquals(false, later.get("filled"), later.toString());
            assertEquals(5L, later.get("recovered_trades"), later.toString());
            assertEquals("aggregate ids jumped on a live connection", later.get("reason"));
            assertEquals(0, ((Number) cu.get("held_trades")).intValue());
        }
    }

    @Test
    void aGapOnOneSymbolHoldsNoOtherSymbol() throws Exception {
        Collected got = new Collected();
        try (FakeBinance fake = new FakeBinance();
             BinanceSource src = source(fake, got, "catch-up { request-interval = 0s, max-wait = 5s }")) {
            src.watch(ticker("BTCUSDT"));
            src.watch(ticker("ETHUSDT"));
            awaitUntil(() -> fake.subscribed("btcusdt@aggTrade") == 1 && fake.subscribed("ethusdt@aggTrade") == 1,
                    "subscribed");
            fake.publish(trade("BTCUSDT", 1));
            awaitUntil(() -> got.ticks.size() == 1, "the first trade");
            fake.failRest(1, 429, "60"); // Binance says: come back in a minute
            fake.record(trade("BTCUSDT", 2));
            fake.publish(trade("BTCUSDT", 3));
            for (long i = 1; i <= 5; i++) {
                fake.publish(trade("ETHUSDT", i));
            }
            awaitUntil(() -> got.ticks.size() == 6, "ETHUSDT's trades while BTCUSDT waits");
            assertEquals(true, lastGap(src, "BTCUSDT").get("filling"));
            assertEquals(1, ((Number) catchUp(src).get("held_trades")).intValue());
            // unwatched while it waits: when its catch-up ends (max-wait), what it held is let go, not ingested
            src.unwatch(ticker("BTCUSDT"));
            awaitUntil(() -> ((Number) catchUp(src).get("held_trades")).intValue() == 0, "nothing held");
            assertEquals(6, got.ticks.size());
        }
    }

    @Test
    void anErrorFrameAndSilenceAreTakenForADeadConnectionAndSaidSo() throws Exception {
        Collected got = new Collected();
        try (FakeBinance fake = new FakeBinance(); BinanceSource src = source(fake, got, "silence = 400ms")) {
            src.watch(ticker("BTCUSDT"));
            awaitUntil(() -> fake.subscribed("btcusdt@aggTrade") == 1, "subscribed");
            fake.publish(trade("BTCUSDT", 1));
            awaitUntil(() -> got.ticks.size() == 1, "a tick");

            fake.errorFrame();
            awaitUntil(() -> fake.connections().size() == 2 && fake.subscribed("btcusdt@aggTrade") == 1,
                    "a new connection after the error frame");
            assertTrue(events(src).stream().anyMatch(e -> e.get("kind").equals("disconnected")
                    && e.get("reason").toString().contains("error frame: code 2: Invalid request")), events(src).toString());

            // connected, subscribed, answered, and then nothing: as the old /stream path behaves
            fake.silent(true);
            awaitUntil(() -> events(src).stream().anyMatch(e -> e.get("kind").equals("disconnected")
                    && e.get("reason").toString().startsWith("silent for 400 ms")), "silence detected");
            fake.silent(false);
            // the connection open now may be one the source is just giving up for silence: a trade sent
            // on it is part of that gap; the feed is back once trades arrive again
            long id = 1;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (got.ticks.size() < 2) {
                assertTrue(System.nanoTime() < deadline, "the feed is back");
                fake.publish(trade("BTCUSDT", ++id));
                Thread.sleep(50);
            }
            assertTrue((Long) src.health().get("reconnects") >= 2);
        }
    }

    /** A node that fell behind holds the stream back; that is not the venue going silent. */
    @Test
    void aNodeSlowerToStoreABatchThanTheSilenceLimitIsNotTakenForASilentVenue() throws Exception {
        List<Tick> stored = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicReference<FakeBinance> venue = new java.util.concurrent.atomic.AtomicReference<>();
        // The venue sends the next trade as soon as the node takes one, so the venue itself is never
        // silent (as in LsSilenceTest): a gap between a store and the test's next publish, long on a
        // loaded machine, was real silence and once ended the connection in a two-fork suite run.
        SourceContext.Ingest slow = (source, batch, key) -> {
            long next = stored.size() + batch.size() + 1;
            if (next <= 3) {
                venue.get().publish(trade("BTCUSDT", next));
            }
            return CompletableFuture.supplyAsync(() -> {
                stored.addAll(batch);
                return IngestResult.NONE;
            }, CompletableFuture.delayedExecutor(3000, java.util.concurrent.TimeUnit.MILLISECONDS));
        };
        try (FakeBinance fake = new FakeBinance()) {
            venue.set(fake);
            var block = ConfigFactory.parseString("type = binance\nurl = \"" + fake.url() + "\"\nrest-url = \""
                    + fake.restUrl() + "\"\nbackoff = 20ms, max-backoff = 100ms, check-interval = 50ms,"
                    + " messages-per-second = 10\nsilence = 1s\n"
                    // one trade waiting fills the queue: the stream then waits for the node, as a node far
                    // behind makes it wait at the default bound
                    + "max-queued = 1\n");
            var ctx = SourceContexts.create("binance", block, SYSTEM, slow, ConcurrentHashMap.newKeySet());
            try (BinanceSource src = new BinanceSource(ctx, BinanceSettings.from(block), Clock.systemUTC())) {
                src.watch(ticker("BTCUSDT"));
                awaitUntil(() -> fake.subscribed("btcusdt@aggTrade") == 1, "subscribed");
                // each batch takes the node 3 s, three silence limits (of 1 s: 400 ms was too short for a
                // loaded machine, as in LsSilenceTest)
                fake.publish(trade("BTCUSDT", 1));
                awaitUntil(() -> stored.size() >= 3, "3 trades stored");
                assertEquals(1, fake.connections().size(), "one connection throughout: " + events(src));
                assertTrue(events(src).stream().noneMatch(e -> e.get("kind").equals("disconnected")), events(src).toString());
                assertEquals(ids(1, 3), stored.stream().map(Tick::time).toList());
            }
        }
    }

    @Test
    void the1025thStreamOpensASecondConnectionAndRequestsArePaced() throws Exception {
        Collected got = new Collected();
        try (FakeBinance fake = new FakeBinance(); BinanceSource src = source(fake, got, "streams-per-message = 100")) {
            for (int i = 0; i < 1025; i++) {
                src.watch(ticker("S" + i + "USDT"));
            }
            awaitUntil(() -> fake.open().stream().mapToInt(c -> c.streams.size()).sum() == 1025, "1025 streams");
            List<FakeBinance.Conn> conns = fake.open();
            assertEquals(2, conns.size());
            assertEquals(Set.of(1024, 1), Set.of(conns.get(0).streams.size(), conns.get(1).streams.size()));
            assertTrue(conns.stream().anyMatch(c -> c.streams.contains("s1024usdt@aggTrade") && c.streams.size() == 1),
                    "the 1025th on the second connection");
            for (FakeBinance.Conn c : conns) {
                List<Long> at = fake.requests().stream().filter(r -> r.connection() == c.id)
                        .map(FakeBinance.Request::atNanos).toList();
                for (int i = 10; i < at.size(); i++) {
                    assertTrue(at.get(i) - at.get(i - 10) >= 900_000_000L,
                            "no 11 messages within a second on connection " + c.id);
                }
            }
            assertTrue(fake.requests().stream().allMatch(r -> r.params().size() <= 100));
            assertEquals(2, src.health().get("connections"));
            // the source counts a subscription when Binance's answer to it arrives, which may be just
            // after the fake has recorded the request
            awaitUntil(() -> Integer.valueOf(1025).equals(src.health().get("subscriptions")), "1025 subscriptions answered");
        }
    }

    @Test
    void aRenewalOpensTheNewConnectionBeforeClosingTheOldWithoutGapOrDuplicate() throws Exception {
        Collected got = new Collected();
        try (FakeBinance fake = new FakeBinance(); BinanceSource src = source(fake, got, "lifetime = 1s")) {
            fake.answerDelay(100); // both connections carry the stream for a while
            src.watch(ticker("BTCUSDT"));
            awaitUntil(() -> fake.subscribed("btcusdt@aggTrade") == 1, "subscribed");
            long id = 0;
            boolean overlapped = false;
            long deadline = System.nanoTime() + WAIT.toNanos();
            // trades keep coming while the connection renews; some reach both connections
            while (events(src, "renewed") < 2 || !overlapped) {
                assertTrue(System.nanoTime() < deadline, "two renewals with an overlap");
                int reached = fake.publish(trade("BTCUSDT", ++id));
                assertTrue(reached >= 1, "trade " + id + " reached no connection: a gap");
                overlapped |= reached == 2;
                Thread.sleep(2);
            }
            long last = id;
            awaitUntil(() -> got.times().size() >= last && got.times().get(got.times().size() - 1) == T0 + last * 1000,
                    "the last trade");
            assertEquals(ids(1, last), got.times(), "every trade once, in order");
            assertTrue((Long) src.health().get("duplicates") > 0, "the overlap's duplicates were dropped");
            assertEquals(0L, src.health().get("reconnects"));
            assertEquals(0L, events(src, "disconnected"));
            assertEquals(List.of(), src.health("BTCUSDT").get("gaps"));
        }
    }
}
