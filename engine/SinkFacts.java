package engine;

import actors.sinks.NodeFacts;
import conditions.Condition;
import conditions.Hit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** What sinks may ask of their node ({@link NodeFacts}), answered by the {@link Node}. */
final class SinkFacts implements NodeFacts {
    private final Node node;

    SinkFacts(Node node) {
        this.node = node;
    }

    @Override
    public Map<String, String> conditionsFor(String sink) {
        Map<String, String> out = new LinkedHashMap<>();
        node.conditions().all().stream()
                .filter(c -> c.sinks().contains(sink))
                .sorted(java.util.Comparator.comparing(Condition::name))
                .forEach(c -> out.put(c.name(), c.source() == null ? "" : c.source().path("description").asText("")));
        return out;
    }

    @Override
    public java.util.Set<String> chartedConditions(String sink) {
        return node.conditions().all().stream()
                .filter(c -> c.chart() && c.sinks().contains(sink))
                .map(Condition::name)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    @Override
    public List<String> sources() {
        return node.sources();
    }

    @Override
    public CompletionStage<List<String>> tickers() {
        return node.tickers().thenApply(ts -> ts.stream().map(t -> t.symbol()).sorted().toList());
    }

    @Override
    public CompletionStage<List<Hit>> latestHits(int limit) {
        return node.clusterHits(null, limit);
    }

    @Override
    public CompletionStage<List<Map<String, Object>>> bars(String symbol) {
        return node.bars(symbol, 0).thenApply(b -> b.orElse(List.of()));
    }
}
