package engine.sources;

import com.typesafe.config.Config;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;

/** A {@link SourceContext} outside a node, for tests that drive one source by itself. */
public final class SourceContexts {
    private SourceContexts() {
    }

    public static SourceContext create(String name, Config block, ActorSystem<?> system, SourceContext.Ingest ingest,
                                       Set<String> watched) {
        return new SourceContext(name, block, system, ingest, watched);
    }
}
