package dev.stencil.automata.parser;

/**
 * A small int-keyed map for memo tables that many threads read and few write: readers see an
 * immutable snapshot through one volatile read and never lock; writers copy under a lock. The
 * memo tables hang off every parser state and are read on every token, so lock-free reads matter
 * more than write cost (a write happens once per distinct key, ever).
 */
public final class CowIntMap<V> {
    private static final Object[] EMPTY_VALS = new Object[0];

    /** Immutable snapshot: open addressing on {@code keys}, {@code Integer.MIN_VALUE} = free. */
    private static final class Table {
        final int[] keys;
        final Object[] vals;
        final int size;

        Table(int[] keys, Object[] vals, int size) {
            this.keys = keys;
            this.vals = vals;
            this.size = size;
        }
    }

    private static final int FREE = Integer.MIN_VALUE;
    private volatile Table table = new Table(new int[0], EMPTY_VALS, 0);

    /** The value for {@code key}, or null. */
    @SuppressWarnings("unchecked")
    public V get(int key) {
        Table t = table;
        int[] keys = t.keys;
        if (keys.length == 0) {
            return null;
        }
        int mask = keys.length - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            int k = keys[i];
            if (k == key) {
                return (V) t.vals[i];
            }
            if (k == FREE) {
                return null;
            }
        }
    }

    /** Stores {@code value} unless a value is already there; returns the value now in the map. */
    @SuppressWarnings("unchecked")
    public synchronized V putIfAbsent(int key, V value) {
        V existing = get(key);
        if (existing != null) {
            return existing;
        }
        Table t = table;
        int cap = t.keys.length;
        if ((t.size + 1) * 2 > cap) {
            cap = Math.max(4, cap * 2);
        }
        int[] keys = new int[cap];
        Object[] vals = new Object[cap];
        java.util.Arrays.fill(keys, FREE);
        for (int i = 0; i < t.keys.length; i++) {
            if (t.keys[i] != FREE) {
                insert(keys, vals, t.keys[i], t.vals[i]);
            }
        }
        insert(keys, vals, key, value);
        table = new Table(keys, vals, t.size + 1);
        return value;
    }

    public int size() {
        return table.size;
    }

    private static void insert(int[] keys, Object[] vals, int key, Object value) {
        int mask = keys.length - 1;
        int i = mix(key) & mask;
        while (keys[i] != FREE) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        vals[i] = value;
    }

    private static int mix(int key) {
        int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
