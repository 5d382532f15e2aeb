package engine.sources;

/** Builds one kind of source from its configuration ({@link SourceTypes} maps a {@code type} to one). */
@FunctionalInterface
public interface SourceFactory {
    /**
     * Builds the node's instance of a configured source. Called once at node start; throwing
     * refuses the start with the source's name and the message. Must not block on the network:
     * connect when the first ticker is watched, or in the background.
     */
    Source create(SourceContext ctx) throws Exception;
}
