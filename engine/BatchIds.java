package engine;

import conditions.Tick;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Batch ids for entities, from a client's {@code Idempotency-Key}, or {@link #fresh} for a request
 * without one.
 *
 * <p>An id is 64 bits of SHA-256 over the key, the symbol, the ask's index and its ticks, so the
 * same request sent again maps to the same ids, and anything else collides with odds of about
 * 2^-64 among the few dozen ids a ticker remembers. The ticks are in it so that a key used again
 * for other ticks (a client whose batch counter restarted at 1) stores them instead of answering
 * "already stored" and losing them. A hash, not the key itself, because every entity keeps its
 * recent ids in its state and snapshot: eight bytes each, whatever the client sends.
 */
public final class BatchIds {
    /** Longest key accepted: room for a UUID with a prefix, short enough to log. */
    static final int MAX_KEY_LENGTH = 200;

    private BatchIds() {
    }

    /**
     * The id of the {@code index}-th ask (0-based), holding {@code ticks}, of {@code symbol}'s ticks
     * in the batch named {@code key}.
     */
    static long of(String key, String symbol, int index, List<Tick> ticks) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        sha.update(key.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(symbol.getBytes(StandardCharsets.UTF_8));
        ByteBuffer b = ByteBuffer.allocate(4 + ticks.size() * 41);
        b.putInt(index);
        for (Tick t : ticks) {
            b.putLong(t.time()).putDouble(t.price()).putLong(t.volume()).putLong(t.cumVolume())
                    .put((byte) (t.market() == null ? -1 : t.market().ordinal()));
            // Fractions only when there are any, so whole-volume batches keep the ids they had
            // before decimal volumes (a retry across an upgrade still counts once).
            if ((t.volumeFraction() | t.cumVolumeFraction()) != 0) {
                b.putInt(t.volumeFraction()).putInt(t.cumVolumeFraction());
            }
        }
        sha.update(b.array(), 0, b.position());
        long id = ByteBuffer.wrap(sha.digest()).getLong();
        return id == 0 ? 1 : id; // 0 means "no id"
    }

    /**
     * An id of its own for an ask whose request named no key: the same for every attempt of that ask
     * (so the entity answers an attempt sent again after a slow first one "already stored"), and unlike
     * any other ask's but with odds of about 2^-64 among the ids a ticker remembers.
     */
    static long fresh() {
        long id = ThreadLocalRandom.current().nextLong();
        return id == 0 ? 1 : id; // 0 means "no id"
    }

    /** Why {@code key} is not a usable Idempotency-Key, or null when it is. */
    public static String problem(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            return "Idempotency-Key must be 1 to " + MAX_KEY_LENGTH + " characters, got " + key.length();
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return "Idempotency-Key must be printable ASCII without spaces (a UUID, say); character "
                        + (i + 1) + " is not";
            }
        }
        return null;
    }
}
