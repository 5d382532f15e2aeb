package persistence.tickfile;

import conditions.Market;
import conditions.Tick;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Symbols met during one read, shared by all its files: the same bytes give the same
 * {@code String} instance (so the model's map lookups hit on identity) without allocating, plus
 * the symbol's derived market and whether it is a valid symbol, computed once.
 */
final class SymbolInterner {

    /** Symbols remembered per read; more distinct symbols than this are still read, just not shared. */
    static final int MAX_CACHED_SYMBOLS = 1 << 16;

    // Entries, numbered in order of arrival: what a lookup returns.
    String[] names = new String[64];
    Market[] markets = new Market[64];
    /**
     * Whether the symbol passes {@link Tick#problem()}'s symbol checks: a tick with this symbol
     * is well formed exactly when its price, volume and cum_volume are.
     */
    boolean[] valid = new boolean[64];
    private byte[][] keys = new byte[64][];
    private int[] hashes = new int[64];
    private int size;

    // Open addressing by bytes: entry + 1, or 0 for a free cell.
    private int[] table = new int[128];
    // Open addressing for symbols of up to 7 bytes by their bytes as a little-endian word.
    private long[] words = new long[128];
    private int[] wordEntries = new int[128];
    private int wordCount;

    /** The entry for these bytes (added if new), or -1 when the cache is full. */
    int find(byte[] b, int s, int len) {
        int h = 0;
        for (int i = s, e = s + len; i < e; i++) {
            h = 31 * h + b[i];
        }
        return find(b, s, len, h);
    }

    /** As {@link #find(byte[], int, int)} given {@code h}, the bytes' {@code 31 * h + b} hash. */
    int find(byte[] b, int s, int len, int h) {
        int[] t = table;
        int mask = t.length - 1;
        int i = mix(h) & mask;
        for (;;) {
            int entry = t[i] - 1;
            if (entry < 0) {
                return add(i, h, b, s, len);
            }
            if (hashes[entry] == h && keys[entry].length == len && same(keys[entry], b, s, len)) {
                return entry;
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * As {@link #find(byte[], int, int)} for a symbol of 1-7 bytes also given as {@code key},
     * its bytes in a little-endian word (higher bytes zero; symbol bytes are never zero).
     */
    int findWord(long key, byte[] b, int s, int len) {
        long[] ws = words;
        int mask = ws.length - 1;
        int i = mixWord(key) & mask;
        for (;;) {
            long k = ws[i];
            if (k == key) {
                return wordEntries[i];
            }
            if (k == 0) {
                int entry = find(b, s, len);
                if (entry >= 0) {
                    if (2 * (wordCount + 1) > ws.length) {
                        growWords();
                        return findWord(key, b, s, len);
                    }
                    ws[i] = key;
                    wordEntries[i] = entry;
                    wordCount++;
                }
                return entry;
            }
            i = (i + 1) & mask;
        }
    }

    private static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private static int mixWord(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> 40);
    }

    private static boolean same(byte[] k, byte[] b, int s, int len) {
        for (int j = 0; j < len; j++) {
            if (k[j] != b[s + j]) {
                return false;
            }
        }
        return true;
    }

    private int add(int cell, int h, byte[] b, int s, int len) {
        if (size >= MAX_CACHED_SYMBOLS) {
            return -1;
        }
        if (2 * (size + 1) > table.length) {
            growTable();
            return find(b, s, len, h);
        }
        if (size == names.length) {
            int n = size * 2;
            names = Arrays.copyOf(names, n);
            markets = Arrays.copyOf(markets, n);
            valid = Arrays.copyOf(valid, n);
            keys = Arrays.copyOf(keys, n);
            hashes = Arrays.copyOf(hashes, n);
        }
        int entry = size++;
        String name = string(b, s, len);
        names[entry] = name;
        markets[entry] = Market.forSymbol(name);
        valid[entry] = new Tick(name, 0L, 1.0, 0L, Tick.NO_CUM, null).problem() == null;
        keys[entry] = Arrays.copyOfRange(b, s, s + len);
        hashes[entry] = h;
        table[cell] = entry + 1;
        return entry;
    }

    private void growTable() {
        int n = table.length * 2;
        int[] t = new int[n];
        for (int entry = 0; entry < size; entry++) {
            int i = mix(hashes[entry]) & (n - 1);
            while (t[i] != 0) {
                i = (i + 1) & (n - 1);
            }
            t[i] = entry + 1;
        }
        table = t;
    }

    private void growWords() {
        long[] oldWords = words;
        int[] oldEntries = wordEntries;
        int n = oldWords.length * 2;
        long[] ws = new long[n];
        int[] es = new int[n];
        for (int j = 0; j < oldWords.length; j++) {
            long key = oldWords[j];
            if (key != 0) {
                int i = mixWord(key) & (n - 1);
                while (ws[i] != 0) {
                    i = (i + 1) & (n - 1);
                }
                ws[i] = key;
                es[i] = oldEntries[j];
            }
        }
        words = ws;
        wordEntries = es;
    }

    static String string(byte[] b, int s, int len) {
        for (int i = s, e = s + len; i < e; i++) {
            if (b[i] < 0) {
                return new String(b, s, len, StandardCharsets.UTF_8);
            }
        }
        return new String(b, s, len, StandardCharsets.ISO_8859_1);
    }
}
