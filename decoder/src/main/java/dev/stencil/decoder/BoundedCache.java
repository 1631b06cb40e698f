package dev.stencil.decoder;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A thread-safe least-recently-used map with a fixed number of entries: compiled grammars kept by
 * a long-running {@link Stencil} (a server sees an open-ended stream of schemas, so an unbounded
 * cache is a memory leak).
 */
final class BoundedCache<K, V> {
    private final int capacity;
    private final LinkedHashMap<K, V> map;

    BoundedCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.map = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > BoundedCache.this.capacity;
            }
        };
    }

    synchronized V get(K key) {
        return map.get(key);
    }

    /** Stores {@code value} unless the key is present; returns the value now held for the key. */
    synchronized V putIfAbsent(K key, V value) {
        V prev = map.get(key);
        if (prev != null) {
            return prev;
        }
        map.put(key, value);
        return value;
    }

    synchronized int size() {
        return map.size();
    }
}
