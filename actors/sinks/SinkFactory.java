package actors.sinks;

/** Builds one kind of sink from its configuration ({@link SinkTypes} maps a {@code type} to one). */
@FunctionalInterface
public interface SinkFactory {
    /**
     * Opens the sink. Called once at node start, before any hit; throwing refuses the start with
     * the sink's name and the message.
     */
    HitSink open(SinkContext ctx) throws Exception;
}
