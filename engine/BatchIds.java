package engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Batch ids for entities, from a client's {@code Idempotency-Key}.
 *
 * <p>An id is 64 bits of SHA-256 over the key, the symbol and the ask's index, so the same request
 * sent again maps to the same ids, and two different keys collide with odds of about 2^-64 among
 * the few dozen ids a ticker remembers. A hash, not the key itself, because every entity keeps its
 * recent ids in its state and snapshot: eight bytes each, whatever the client sends.
 */
final class BatchIds {
    /** Longest key accepted: room for a UUID with a prefix, short enough to log. */
    static final int MAX_KEY_LENGTH = 200;

    private BatchIds() {
    }

    /** The id of the {@code index}-th ask (0-based) of {@code symbol}'s ticks in the batch named {@code key}. */
    static long of(String key, String symbol, int index) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        sha.update(key.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(symbol.getBytes(StandardCharsets.UTF_8));
        sha.update(ByteBuffer.allocate(4).putInt(0, index).array());
        long id = ByteBuffer.wrap(sha.digest()).getLong();
        return id == 0 ? 1 : id; // 0 means "no id"
    }

    /** Why {@code key} is not a usable Idempotency-Key, or null when it is. */
    static String problem(String key) {
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
