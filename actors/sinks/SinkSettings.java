package actors.sinks;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Locale;

/**
 * What the node's sink machinery reads from a sink's block ({@code tickwatch.sinks.<name>}, or an
 * endpoint's block merged over it), besides the sink's own keys.
 *
 * @param maxAge       hits on bars that ended longer ago than this by the wall clock are skipped
 *                     (recorded as skipped); null: off (the default)
 * @param queueSize    hits a queued sink holds in memory; beyond it a hit is not accepted (its entity
 *                     keeps it and offers it again), and the overflow is counted in health
 * @param maxRetries   attempts after the first before a hit is a dead letter
 * @param backoff      the wait before the first retry; doubled each time, with jitter
 * @param maxBackoff   the longest wait between attempts
 * @param lease        how long a node owns a queued hit before another node may take it over (a
 *                     node that crashed); must be longer than any attempt can take
 * @param resumeEvery  how often a queued sink looks in the ledger for hits to resume
 */
public record SinkSettings(Duration maxAge, int queueSize, int maxRetries, Duration backoff, Duration maxBackoff,
                           Duration lease, Duration resumeEvery) {

    public static final SinkSettings DEFAULTS = new SinkSettings(null, 10_000, 8, Duration.ofSeconds(1),
            Duration.ofMinutes(5), Duration.ofSeconds(60), Duration.ofSeconds(5));

    public SinkSettings {
        if (queueSize < 1) {
            throw new IllegalArgumentException("queue-size must be at least 1, got " + queueSize);
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("max-retries must be 0 or more, got " + maxRetries);
        }
    }

    /** Reads the keys present in {@code block}; the rest are {@link #DEFAULTS}. */
    public static SinkSettings from(Config block) {
        SinkSettings d = DEFAULTS;
        return new SinkSettings(
                maxAge(block),
                block.hasPath("queue-size") ? block.getInt("queue-size") : d.queueSize(),
                block.hasPath("max-retries") ? block.getInt("max-retries") : d.maxRetries(),
                block.hasPath("backoff") ? block.getDuration("backoff") : d.backoff(),
                block.hasPath("max-backoff") ? block.getDuration("max-backoff") : d.maxBackoff(),
                block.hasPath("lease") ? block.getDuration("lease") : d.lease(),
                block.hasPath("resume-interval") ? block.getDuration("resume-interval") : d.resumeEvery());
    }

    /** {@code max-age}: a duration, or {@code off} / empty / absent. */
    private static Duration maxAge(Config block) {
        if (!block.hasPath("max-age")) {
            return null;
        }
        String s = block.getString("max-age").trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty() || s.equals("off") || s.equals("none")) {
            return null;
        }
        return block.getDuration("max-age");
    }

    /**
     * The wait before retry number {@code retry} (1 for the first): {@code backoff * 2^(retry-1)},
     * at most {@code maxBackoff}, then a random 50-100% of it so that endpoints that failed together
     * do not retry together.
     */
    public Duration backoffFor(int retry, double random01) {
        double ms = backoff.toMillis() * Math.pow(2, Math.max(0, retry - 1));
        ms = Math.min(ms, maxBackoff.toMillis());
        return Duration.ofMillis(Math.round(ms * (0.5 + 0.5 * random01)));
    }
}
