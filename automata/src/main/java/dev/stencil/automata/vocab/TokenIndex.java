package dev.stencil.automata.vocab;

/**
 * Token string to id, as an open-addressing table of {@code (hash << 32 | id)} longs over a
 * {@code String[]} of tokens by id. Built for loading: lookups can take a character range of a
 * buffer, so the 100k+ merges of a tokenizer.json are resolved without making a String each,
 * and a probe touches one long before it compares any characters.
 */
final class TokenIndex {
    private static final long EMPTY = -1L; // id 0xFFFFFFFF never occurs
    private final String[] tokens;
    private long[] table;
    private int shift;
    private int size;

    /** An index over {@code tokens} (by id; the array must not change); entries are added with {@link #put}. */
    TokenIndex(String[] tokens, int expected) {
        this.tokens = tokens;
        table = newTable(Math.max(16, Integer.highestOneBit(Math.max(1, expected)) << 2));
    }

    private long[] newTable(int capacity) {
        long[] t = new long[capacity];
        java.util.Arrays.fill(t, EMPTY);
        shift = 32 - Integer.numberOfTrailingZeros(capacity);
        return t;
    }

    // String.hashCode's formula, so String keys use their cached hash and ranges agree with it.
    private static int hash(char[] buf, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + buf[i];
        }
        return h;
    }

    private int slot(int hash) {
        // Fibonacci hashing: String hashes of similar tokens differ in low bits; the multiply
        // spreads them into the high bits that pick the slot.
        return (hash * 0x9E3779B9) >>> shift;
    }

    /** Adds {@code tokens[id]}; returns the id already holding the same string, or -1. */
    int put(int id) {
        String token = tokens[id];
        int h = token.hashCode();
        int existing = get(token);
        if (existing >= 0) {
            return existing;
        }
        if (++size * 2 > table.length) {
            grow();
        }
        insert(h, id);
        return -1;
    }

    private void insert(int h, int id) {
        int mask = table.length - 1;
        int i = slot(h);
        while (table[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        table[i] = ((long) h << 32) | id;
    }

    private void grow() {
        long[] old = table;
        table = newTable(old.length * 2);
        for (long e : old) {
            if (e != EMPTY) {
                insert((int) (e >>> 32), (int) e);
            }
        }
    }

    /** The id of {@code token}, or -1. */
    int get(String token) {
        int h = token.hashCode();
        int mask = table.length - 1;
        for (int i = slot(h); ; i = (i + 1) & mask) {
            long e = table[i];
            if (e == EMPTY) {
                return -1;
            }
            if ((int) (e >>> 32) == h && tokens[(int) e].equals(token)) {
                return (int) e;
            }
        }
    }

    /** The id of the token spelled by {@code buf[from, to)}, or -1. */
    int get(char[] buf, int from, int to) {
        int h = hash(buf, from, to);
        int mask = table.length - 1;
        for (int i = slot(h); ; i = (i + 1) & mask) {
            long e = table[i];
            if (e == EMPTY) {
                return -1;
            }
            if ((int) (e >>> 32) == h && same(tokens[(int) e], buf, from, to)) {
                return (int) e;
            }
        }
    }

    private static boolean same(String s, char[] buf, int from, int to) {
        if (s.length() != to - from) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != buf[from + i]) {
                return false;
            }
        }
        return true;
    }
}
