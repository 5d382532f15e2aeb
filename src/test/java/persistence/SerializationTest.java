package persistence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import conditions.ConditionSet;
import conditions.Field;
import conditions.Market;
import conditions.ModelConfig;
import conditions.ModelListener;
import conditions.SymbolSnapshot;
import conditions.SymbolState;
import conditions.Tick;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Every stored record goes through the serializer the journal uses (jackson-cbor) and comes back equal. */
class SerializationTest {
    static final ActorTestKit kit = ActorTestKit.create("ser",
            ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load()));

    @AfterAll
    static void shutdown() {
        kit.shutdownTestKit();
    }

    /** Journals and snapshots written before batch ids existed still read: with no batch id. */
    @Test
    void recordsWrittenBeforeBatchIdsReadWithout() throws Exception {
        var cbor = new com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper();
        Map<String, Object> oldEvent = new LinkedHashMap<>();
        oldEvent.put("market", "KRX");
        oldEvent.put("ticks", List.of(Map.of("time", 1L, "price", 70000.5, "volume", 10, "cumVolume", 123)));
        oldEvent.put("outsideSession", 1);
        oldEvent.put("duplicate", 2);
        oldEvent.put("late", 3);
        TickerEvent.TicksApplied e = fromBytes(cbor.writeValueAsBytes(oldEvent), TickerEvent.TicksApplied.class);
        assertEquals(0L, e.batch());
        assertEquals(3L, e.late());
        assertEquals(1, e.ticks().size());

        Map<String, Object> oldSnapshot = new LinkedHashMap<>();
        oldSnapshot.put("symbol", null);
        oldSnapshot.put("pending", List.of());
        assertEquals(List.of(), fromBytes(cbor.writeValueAsBytes(oldSnapshot), TickerSnapshot.class).batches());
    }

    /**
     * Records written before the {@code future} reason and explicit markets still read: no future
     * rejects, and a ticker without a market (taken from its ticks or its symbol).
     */
    @Test
    void recordsWrittenBeforeFutureTicksAndExplicitMarketsRead() throws Exception {
        var cbor = new com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper();
        Map<String, Object> oldEvent = new LinkedHashMap<>();
        oldEvent.put("market", "CRYPTO");
        oldEvent.put("ticks", List.of());
        oldEvent.put("outsideSession", 0);
        oldEvent.put("duplicate", 0);
        oldEvent.put("late", 4);
        oldEvent.put("batch", 9L);
        TickerEvent.TicksApplied e = fromBytes(cbor.writeValueAsBytes(oldEvent), TickerEvent.TicksApplied.class);
        assertEquals(0L, e.future());
        assertEquals(4L, e.late());
        assertEquals(9L, e.batch());
        assertEquals(0L, e.position(), "written before source positions: none");

        Map<String, Object> oldSnapshot = new LinkedHashMap<>();
        oldSnapshot.put("symbol", null);
        oldSnapshot.put("pending", List.of());
        oldSnapshot.put("batches", List.of(3L));
        TickerSnapshot snap = fromBytes(cbor.writeValueAsBytes(oldSnapshot), TickerSnapshot.class);
        assertEquals(0L, snap.rejectedFuture());
        assertEquals(List.of(3L), snap.batches());
        assertEquals(0L, snap.position(), "written before source positions: none");

        Map<String, Object> oldTicker = new LinkedHashMap<>();
        oldTicker.put("symbol", "005930");
        oldTicker.put("source", "push");
        oldTicker.put("addedAt", 42L);
        WatchedTicker t = fromBytes(cbor.writeValueAsBytes(oldTicker), WatchedTicker.class);
        assertEquals(new WatchedTicker("005930", "push", 42L, null), t);
        assertEquals(null, t.explicitMarket());
        assertEquals(null, t.addedBy(), "a ticker stored before added_by was added by a user");
        Map<String, Object> marketTicker = new LinkedHashMap<>(oldTicker);
        marketTicker.put("market", "KRX");
        assertEquals(new WatchedTicker("005930", "push", 42L, "KRX"),
                fromBytes(cbor.writeValueAsBytes(marketTicker), WatchedTicker.class), "the shape with a market only");
        WatchedTicker universe = WatchedTicker.byUniverse("000660", "naver", 43L, null);
        assertEquals(universe, fromBytes(cbor.writeValueAsBytes(universe), WatchedTicker.class));
        assertTrue(universe.byUniverse());
        assertReadsInTheRegistry(oldTicker, t);
    }

    /** An old ticker's shape inside a registry event and a registry snapshot reads as {@code expected}. */
    static void assertReadsInTheRegistry(Map<String, Object> oldTicker, WatchedTicker expected) throws Exception {
        var cbor = new com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper();
        Map<String, Object> oldAdded = new LinkedHashMap<>();
        oldAdded.put("ticker", oldTicker);
        assertEquals(expected, fromBytes(cbor.writeValueAsBytes(oldAdded), RegistryEvent.TickerAdded.class).ticker());
        Map<String, Object> oldRegistry = new LinkedHashMap<>();
        oldRegistry.put("tickers", List.of(oldTicker));
        assertEquals(List.of(expected), fromBytes(cbor.writeValueAsBytes(oldRegistry), RegistrySnapshot.class).tickers());
    }

    /** Tickers stored before instruments and channels read with none and trades only; new ones keep both. */
    @Test
    void tickersWrittenBeforeInstrumentsAndChannelsReadWithTradesOnly() throws Exception {
        var cbor = new com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper();
        Map<String, Object> oldTicker = new LinkedHashMap<>();
        oldTicker.put("symbol", "101W9000");
        oldTicker.put("source", "ls");
        oldTicker.put("addedAt", 42L);
        oldTicker.put("market", "KRX");
        WatchedTicker t = fromBytes(cbor.writeValueAsBytes(oldTicker), WatchedTicker.class);
        assertEquals(null, t.instrument());
        assertEquals(List.of("trades"), t.channels());
        assertTrue(t.wants(WatchedTicker.TRADES));
        assertReadsInTheRegistry(oldTicker, t);

        WatchedTicker now = new WatchedTicker("005930", "ls", 7L, null, "kospi", List.of("members", "trades"));
        assertEquals(List.of("trades", "members"), now.channels(), "kept in the one order");
        assertEquals(now, roundTrip(new RegistryEvent.TickerAdded(now)).ticker());
    }

    /**
     * Events and snapshots written before volumes had decimals still read, with fractions 0; and a
     * whole-volume tick is stored exactly as before (the fractions are left out when zero).
     */
    @Test
    @SuppressWarnings("unchecked")
    void recordsWrittenBeforeDecimalVolumesReadWithWholeVolumes() throws Exception {
        var cbor = new com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper();
        Serialization ser = SerializationExtension.get(kit.system().classicSystem());

        var whole = new TickerEvent.TicksApplied("KRX", List.of(new StoredTick(1L, 70000.5, 10, 123)), 0, 0, 0, 0);
        Map<String, Object> wholeTree = cbor.readValue(ser.serialize(whole).get(), Map.class);
        Map<String, Object> wholeTick = ((List<Map<String, Object>>) wholeTree.get("ticks")).get(0);
        assertEquals(List.of("time", "price", "volume", "cumVolume"), List.copyOf(wholeTick.keySet()));

        StoredTick decimal = StoredTick.of(Tick.of("BTCUSDT", 1L, 91234.5, conditions.Volume.parse("0.158"),
                conditions.Volume.parse("1234.00000001"), Market.CRYPTO));
        var withDecimal = new TickerEvent.TicksApplied("CRYPTO", List.of(decimal), 0, 0, 0, 0);
        assertEquals(withDecimal, roundTrip(withDecimal));
        assertEquals(conditions.Volume.parse("0.158"), decimal.toTick("BTCUSDT", Market.CRYPTO).size());

        // A snapshot as the release before decimals wrote it: no fraction components at all.
        SymbolState s = new SymbolState("005930", Market.KRX, ModelConfig.DEFAULT);
        long open = java.time.LocalDateTime.parse("2026-11-20T09:00").toInstant(java.time.ZoneOffset.ofHours(9)).toEpochMilli();
        for (int i = 0; i < 400; i++) {
            s.offer(new Tick("005930", open + i * 15_000L, 70000 + i % 7 * 10, 1 + i % 17, 100L + i * 20L, Market.KRX),
                    ConditionSet.EMPTY, ModelListener.NONE);
        }
        TickerSnapshot now = new TickerSnapshot(s.snapshot(), List.of(), List.of());
        Map<String, Object> tree = cbor.readValue(ser.serialize(now).get(), Map.class);
        Map<String, Object> symbol = (Map<String, Object>) tree.get("symbol");
        for (String added : List.of("volumeFraction", "formingVolumeFraction", "lastCumFraction", "rejectedMalformed")) {
            assertTrue(symbol.remove(added) != null, added);
        }
        TickerSnapshot old = fromBytes(cbor.writeValueAsBytes(tree), TickerSnapshot.class);
        SymbolState restored = SymbolState.restore(old.symbol(), ModelConfig.DEFAULT);
        assertEquals(s.formingBar(), restored.formingBar());
        assertEquals(s.history().bar(s.history().count() - 1), restored.history().bar(restored.history().count() - 1));
        Tick again = new Tick("005930", open + 400 * 15_000L, 70000, 5, 100L + 399 * 20L, Market.KRX);
        assertEquals(s.offer(again, ConditionSet.EMPTY, ModelListener.NONE),
                restored.offer(again, ConditionSet.EMPTY, ModelListener.NONE), "the watermark came back");
    }

    @SuppressWarnings("unchecked")
    static <T> T fromBytes(byte[] bytes, Class<T> type) throws Exception {
        Serialization ser = SerializationExtension.get(kit.system().classicSystem());
        var serializer = ser.serializerFor(type);
        return (T) ser.deserialize(bytes, serializer.identifier(), type.getName()).get();
    }

    @SuppressWarnings("unchecked")
    static <T> T roundTrip(T value) {
        Serialization ser = SerializationExtension.get(kit.system().classicSystem());
        var serializer = ser.findSerializerFor(value);
        assertEquals("jackson-cbor", ser.settings().config().getString(
                "pekko.actor.serialization-bindings.\"persistence.CborSerializable\""));
        assertTrue(serializer.getClass().getName().contains("Jackson"), serializer.getClass().getName());
        byte[] bytes = ser.serialize(value).get();
        String manifest = Serializers.manifestFor(serializer, value);
        return (T) ser.deserialize(bytes, serializer.identifier(), manifest).get();
    }

    static StoredHit hit() {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("RSI14", 28.5);
        values.put("CLOSE", 70100.0);
        return new StoredHit("dip", "005930", 1_700_000_000_000L, "KRX", values, List.of("log", "file"));
    }

    @Test
    void eventsRoundTrip() {
        List<CborSerializable> events = List.of(
                new TickerEvent.TicksApplied("KRX", List.of(new StoredTick(1L, 70000.5, 10, 123), new StoredTick(2L, 70001, 0, Tick.NO_CUM)), 1, 2, 3, 77L),
                new TickerEvent.TicksApplied("CRYPTO", List.of(), 0, 0, 0, 0L, 5L),
                new TickerEvent.BarClosedByClock(1_700_000_000_000L),
                new TickerEvent.HitRecorded(hit()),
                new TickerEvent.HitDelivered(hit().id()),
                new RegistryEvent.TickerAdded(new WatchedTicker("005930", "push", 42L)),
                new RegistryEvent.TickerAdded(new WatchedTicker("BTCUSD", "push", 43L, "CRYPTO")),
                new RegistryEvent.TickerRemoved("005930"));
        for (Object e : events) {
            assertEquals(e, roundTrip(e), e.toString());
        }
        StoredHit back = ((TickerEvent.HitRecorded) roundTrip(new TickerEvent.HitRecorded(hit()))).hit();
        assertEquals(List.of("RSI14", "CLOSE"), List.copyOf(back.values().keySet()), "value order kept");
        assertEquals(hit().toHit(), back.toHit());
    }

    @Test
    void snapshotsRoundTripExactly() {
        SymbolState s = new SymbolState("005930", Market.KRX, ModelConfig.DEFAULT);
        long open = java.time.LocalDateTime.parse("2026-11-20T09:00").toInstant(java.time.ZoneOffset.ofHours(9)).toEpochMilli();
        double p = 70000;
        for (int i = 0; i < 250 * 20; i++) { // more bars than the history keeps
            p += ((i * 7919) % 11 - 5) * 10;
            s.offer(new Tick("005930", open + i * 15_000L, p, 1 + i % 17), ConditionSet.EMPTY, ModelListener.NONE);
        }
        s.recordHit("dip", open);
        TickerSnapshot snap = new TickerSnapshot(s.snapshot(), List.of(hit()), List.of(5L, -9L, 7L), 11L);

        TickerSnapshot back = roundTrip(snap);

        assertEquals(snap.pending(), back.pending());
        assertEquals(11L, back.rejectedFuture());
        assertEquals(List.of(5L, -9L, 7L), back.batches());
        SymbolSnapshot a = snap.symbol();
        SymbolSnapshot b = back.symbol();
        assertEquals(a.barCount(), b.barCount());
        assertArrayEquals(a.barStart(), b.barStart());
        assertArrayEquals(a.close(), b.close());
        assertArrayEquals(a.signal(), b.signal());
        assertArrayEquals(a.hitConditions(), b.hitConditions());
        SymbolState restored = SymbolState.restore(b, ModelConfig.DEFAULT);
        double[] x = new double[Field.COUNT];
        double[] y = new double[Field.COUNT];
        for (long seq = s.history().firstShown(); seq < s.history().count(); seq++) {
            s.history().compute(seq, x);
            restored.history().compute(seq, y);
            assertArrayEquals(x, y, "bar " + seq);
        }
        assertEquals(s.formingBar(), restored.formingBar());
        assertEquals(s.accepted(), restored.accepted());

        List<WatchedTicker> ts = new ArrayList<>(List.of(new WatchedTicker("A", "push", 1),
                new WatchedTicker("B", "push", 2, "KRX")));
        assertEquals(new RegistrySnapshot(ts), roundTrip(new RegistrySnapshot(ts)));
        assertInstanceOf(TickerSnapshot.class, roundTrip(new TickerSnapshot(null, List.of(), List.of())));
    }

    /**
     * A hit carries its bar close, bar end and the condition's order block through the journal; a hit
     * stored before orders existed reads with none of them, and its bar end is its start (so old
     * enough that the order sink never trades it).
     */
    @Test
    @SuppressWarnings("unchecked")
    void hitsCarryTheirOrderAndOldHitsReadWithout() throws Exception {
        var order = new conditions.OrderIntent("binance", "buy", null, new java.math.BigDecimal("250.5"), "limit", 2, 0.02, 0.04);
        StoredHit h = new StoredHit("dip", "BTCUSDT", 1_700_000_000_000L, "CRYPTO", Map.of("CLOSE", 91234.5),
                List.of("orders"), 91234.5, 1_700_000_300_000L, order);
        StoredHit back = ((TickerEvent.HitRecorded) roundTrip(new TickerEvent.HitRecorded(h))).hit();
        assertEquals(h, back);
        assertEquals(order, back.toHit().order());
        assertEquals(1_700_000_300_000L, back.toHit().barEnd());

        var cbor = new com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper();
        Serialization ser = SerializationExtension.get(kit.system().classicSystem());
        Map<String, Object> tree = cbor.readValue(ser.serialize(new TickerEvent.HitRecorded(h)).get(), Map.class);
        Map<String, Object> stored = (Map<String, Object>) tree.get("hit");
        for (String added : List.of("close", "barEnd", "order")) {
            assertTrue(stored.remove(added) != null, added);
        }
        StoredHit old = fromBytes(cbor.writeValueAsBytes(tree), TickerEvent.HitRecorded.class).hit();
        assertEquals(null, old.order());
        assertTrue(Double.isNaN(old.toHit().close()));
        assertEquals(old.barStart(), old.toHit().barEnd());
    }
}
