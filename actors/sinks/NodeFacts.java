package actors.sinks;

import conditions.Hit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * What a sink may ask of its node once it runs (a chat bot answering {@code /status} or
 * {@code /conditions}, an alert showing a bar's indicators): handed to every sink by
 * {@link HitSink#nodeStarted}. Implemented by the engine, so sinks need not depend on it.
 */
public interface NodeFacts {

    /** The conditions naming {@code sink}, by name, with their description ({@code ""} when none). */
    Map<String, String> conditionsFor(String sink);

    /** The names of the conditions naming {@code sink} whose alerts carry a chart ({@code "chart": true}). */
    java.util.Set<String> chartedConditions(String sink);

    /** The configured source names. */
    List<String> sources();

    /** The watched symbols. */
    CompletionStage<List<String>> tickers();

    /** The cluster's latest hits, newest first. */
    CompletionStage<List<Hit>> latestHits(int limit);

    /**
     * A watched symbol's kept closed bars, oldest first, in the {@code persistence.BarJson} shape
     * ({@code start} as ISO-8601, {@code close}, and every ready indicator by name); empty when the
     * symbol is not watched.
     */
    CompletionStage<List<Map<String, Object>>> bars(String symbol);
}
