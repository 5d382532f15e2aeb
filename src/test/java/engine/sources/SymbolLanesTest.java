package engine.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.TickerEntity.IngestResult;
import com.typesafe.config.ConfigFactory;
import conditions.Tick;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import testkit.Await;

/**
 * A source's lanes into the node ({@link SymbolLanes}) against a node whose entities the test answers:
 * what a source sees when one symbol's entity is on a node that just died.
 */
class SymbolLanesTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    /** One call of the node's ingest: its ticks, numbers and key, and the answer the test gives. */
    record Call(List<Tick> ticks, long[] positions, String key, CompletableFuture<IngestResult> answer) {
        String symbol() {
            return ticks.get(0).symbol();
        }
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    /** Symbols whose entity answers at once; the others' calls wait for the test. */
    private final Set<String> answering = ConcurrentHashMap.newKeySet();

    private SourceContext ctx() {
        SourceContext.Ingest ingest = new SourceContext.Ingest() {
            @Override
            public CompletionStage<IngestResult> ingest(String source, List<Tick> ticks, String key) {
                return ingest(source, ticks, null, key);
            }

            @Override
            public CompletionStage<IngestResult> ingest(String source, List<Tick> ticks, long[] positions, String key) {
                Call c = new Call(List.copyOf(ticks), positions, key, new CompletableFuture<>());
                calls.add(c);
                if (answering.contains(c.symbol())) {
                    c.answer().complete(IngestResult.of(ticks.size(), 0, 0, 0, 0));
                }
                return c.answer();
            }
        };
        return SourceContexts.create("venue", ConfigFactory.empty(), null, ingest, Set.of());
    }

    private static Tick trade(String symbol, int n) {
        return new Tick(symbol, 1_700_000_000_000L + n, 100 + n, 1);
    }

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void aSymbolWhoseEntityDoesNotAnswerHoldsBackNoOtherAndItsTicksGoAgainInOrderWithTheSameKey() throws Exception {
        SymbolLanes lanes = new SymbolLanes(ctx(), timer, 50, 10_000, true);
        answering.add("ETHUSDT");
        // the way a source's batches come: both symbols mixed, numbered
        lanes.submit(List.of(trade("BTCUSDT", 1), trade("ETHUSDT", 1), trade("BTCUSDT", 2)), new long[] {11, 21, 12})
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        lanes.submit(List.of(trade("ETHUSDT", 2), trade("BTCUSDT", 3)), new long[] {22, 13})
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        lanes.submit(List.of(trade("ETHUSDT", 3)), new long[] {23}).toCompletableFuture().get(5, TimeUnit.SECONDS);

        // ETHUSDT's three went in while BTCUSDT's first batch is still unanswered
        List<Long> eth = new ArrayList<>();
        for (Call c : calls) {
            if (c.symbol().equals("ETHUSDT")) {
                for (long p : c.positions()) {
                    eth.add(p);
                }
            }
        }
        assertEquals(List.of(21L, 22L, 23L), eth, "ETHUSDT's ticks, in order, each once");
        List<Call> btc = calls.stream().filter(c -> c.symbol().equals("BTCUSDT")).toList();
        assertEquals(1, btc.size(), "one BTCUSDT batch with the node at a time: " + btc);
        assertEquals(List.of(trade("BTCUSDT", 1), trade("BTCUSDT", 2)), btc.get(0).ticks());

        // the entity's node died: the batch fails, and goes again as it was, with the same key
        btc.get(0).answer().completeExceptionally(new java.util.concurrent.TimeoutException("no answer"));
        Await.until(() -> calls.stream().filter(c -> c.symbol().equals("BTCUSDT")).count() == 2, java.time.Duration.ofSeconds(5),
                "BTCUSDT's batch sent again");
        Call again = calls.stream().filter(c -> c.symbol().equals("BTCUSDT")).toList().get(1);
        assertEquals(btc.get(0).key(), again.key(), "the same key: an entity that stored it knows it");
        assertEquals(btc.get(0).ticks(), again.ticks());
        assertEquals(List.of(11L, 12L), asList(again.positions()));
        assertEquals(1, lanes.retries());

        // stored at last: then what queued behind it, as one batch
        again.answer().complete(IngestResult.of(2, 0, 0, 0, 0));
        Await.until(() -> calls.stream().filter(c -> c.symbol().equals("BTCUSDT")).count() == 3, java.time.Duration.ofSeconds(5),
                "BTCUSDT's queued ticks sent");
        Call next = calls.stream().filter(c -> c.symbol().equals("BTCUSDT")).toList().get(2);
        assertEquals(List.of(trade("BTCUSDT", 3)), next.ticks());
        assertEquals(List.of(13L), asList(next.positions()));
        assertTrue(!next.key().equals(again.key()), "a new batch, a new key");
        next.answer().complete(IngestResult.of(1, 0, 0, 0, 0));
        Await.until(() -> lanes.queued() == 0, java.time.Duration.ofSeconds(5), "nothing queued");
        assertEquals(Map.of("queued", 0, "symbols_in_flight", 0L, "batches", 6L, "ticks_stored", 6L, "retries", 1L),
                lanes.view());
    }

    @Test
    void theSourceWaitsOnlyWhenTooManyTicksAreQueued() throws Exception {
        SymbolLanes lanes = new SymbolLanes(ctx(), timer, 50, 3, false);
        assertTrue(lanes.submit(List.of(trade("BTCUSDT", 1), trade("BTCUSDT", 2)), null).toCompletableFuture().isDone(),
                "2 of 3 queued: the source reads on");
        CompletableFuture<?> held = lanes.submit(List.of(trade("BTCUSDT", 3)), null).toCompletableFuture();
        assertFalse(held.isDone(), "3 queued: the source waits");
        calls.get(0).answer().complete(IngestResult.of(2, 0, 0, 0, 0));
        held.get(5, TimeUnit.SECONDS); // the first batch stored: room again
        assertEquals(1, lanes.queued());
        assertEquals(null, calls.get(1).positions(), "an unnumbered source's ticks go without numbers");
    }

    @Test
    void aSymbolIsDrainedOnceEveryTickItTookIsStoredAndNoOtherSymbolHoldsItUp() throws Exception {
        SymbolLanes lanes = new SymbolLanes(ctx(), timer, 50, 10_000, true);
        assertTrue(lanes.drained("BTCUSDT").toCompletableFuture().isDone(), "nothing queued: drained at once");
        lanes.submit(List.of(trade("BTCUSDT", 1), trade("ETHUSDT", 1)), new long[] {11, 21});
        lanes.submit(List.of(trade("BTCUSDT", 2)), new long[] {12}); // queued behind the batch in flight
        CompletableFuture<?> btc = lanes.drained("BTCUSDT").toCompletableFuture();
        CompletableFuture<?> eth = lanes.drained("ETHUSDT").toCompletableFuture();

        calls.get(1).answer().complete(IngestResult.of(1, 0, 0, 0, 0)); // ETHUSDT's one trade
        eth.get(5, TimeUnit.SECONDS);
        assertFalse(btc.isDone(), "BTCUSDT's first batch is still with the node");
        calls.get(0).answer().complete(IngestResult.of(1, 0, 0, 0, 0));
        Await.until(() -> calls.size() == 3, java.time.Duration.ofSeconds(5), "BTCUSDT's queued trade sent");
        assertFalse(btc.isDone(), "BTCUSDT's queued trade is with the node now");
        calls.get(2).answer().complete(IngestResult.of(1, 0, 0, 0, 0));
        btc.get(5, TimeUnit.SECONDS);

        // a symbol whose entity never answers is let go when the source closes
        lanes.submit(List.of(trade("SOLUSDT", 1)), new long[] {31});
        CompletableFuture<?> sol = lanes.drained("SOLUSDT").toCompletableFuture();
        assertFalse(sol.isDone());
        lanes.close();
        sol.get(5, TimeUnit.SECONDS);
    }

    private static List<Long> asList(long[] a) {
        List<Long> l = new ArrayList<>();
        for (long x : a) {
            l.add(x);
        }
        return l;
    }
}
