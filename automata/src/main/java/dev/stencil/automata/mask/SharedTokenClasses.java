package dev.stencil.automata.mask;

import dev.stencil.automata.lexer.IntArrayKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token classifications shared by every grammar compiled against one vocabulary. Classifying a
 * lexer state walks the vocabulary trie (milliseconds on a 128k vocabulary when most tokens stay
 * live, as inside a string), and most of that work recurs from grammar to grammar: strings,
 * numbers, whitespace runs, common keys. Three tables, each least-recently-used within its own
 * share of a heap budget ({@code stencil.sharedTokenClassesMb}, default 384 MB):
 *
 * <ul>
 *   <li>whole lexer states, keyed by {@link LexerStateSignature} (local emit/winner ids);</li>
 *   <li>first-byte subtrees, keyed by the signature of the state after the first byte and the
 *       subtree's trie node: a state new to this process, such as "inside a key that is also a
 *       free-form string", mostly falls into subtrees some other state already walked;</li>
 *   <li>suffix tries of boundary groups, keyed by their (token, offset) pairs.</li>
 * </ul>
 *
 * <p>Entries hold only vocabulary-level data (bitsets, token ids, trie nodes, suffix tries) and
 * local ids, so they never keep a grammar alive.
 */
final class SharedTokenClasses {
    /** Key of a first-byte subtree: the state after the byte, and the trie node of that byte. */
    record SubtreeKey(LexerStateSignature after, int trieNode) {
    }

    private final Lru<LexerStateSignature, TokenClasses> states;
    private final Lru<SubtreeKey, SubtreeClasses> subtrees;
    private final Lru<IntArrayKey, ByteTrie> suffixTries;

    SharedTokenClasses(long budgetBytes) {
        states = new Lru<>(budgetBytes / 3);
        subtrees = new Lru<>(budgetBytes / 3);
        suffixTries = new Lru<>(budgetBytes / 3);
    }

    static SharedTokenClasses withDefaultBudget() {
        long mb = Long.getLong("stencil.sharedTokenClassesMb", 384);
        return new SharedTokenClasses(mb << 20);
    }

    TokenClasses state(LexerStateSignature sig) {
        return states.get(sig);
    }

    void putState(LexerStateSignature sig, TokenClasses local) {
        long bytes = sig.heapBytes() + local.ownHeapBytes();
        states.put(sig, local, bytes);
    }

    SubtreeClasses subtree(SubtreeKey key) {
        return subtrees.get(key);
    }

    void putSubtree(SubtreeKey key, SubtreeClasses local) {
        subtrees.put(key, local, key.after().heapBytes() + local.heapBytes());
    }

    ByteTrie suffixTrie(IntArrayKey pairs) {
        return suffixTries.get(pairs);
    }

    void putSuffixTrie(IntArrayKey pairs, ByteTrie trie) {
        suffixTries.put(pairs, trie, 4L * pairs.a().length + trie.heapBytes());
    }

    synchronized void clear() {
        states.clear();
        subtrees.clear();
        suffixTries.clear();
    }

    /**
     * {@code [state entries, state hits, state misses, bytes held in all three tables, subtree
     * hits, subtree misses]}.
     */
    long[] stats() {
        return new long[] {states.size(), states.hits(), states.misses(),
                states.usedBytes() + subtrees.usedBytes() + suffixTries.usedBytes(), subtrees.hits(), subtrees.misses()};
    }

    /** A least-recently-used map within a byte budget. */
    private static final class Lru<K, V> {
        private record Entry<V>(V value, long bytes) {
        }

        private final long budget;
        private final LinkedHashMap<K, Entry<V>> map = new LinkedHashMap<>(256, 0.75f, true);
        private long used;
        private long hits;
        private long misses;

        Lru(long budget) {
            this.budget = budget;
        }

        synchronized V get(K key) {
            Entry<V> e = map.get(key);
            if (e == null) {
                misses++;
                return null;
            }
            hits++;
            return e.value;
        }

        synchronized void put(K key, V value, long bytes) {
            if (bytes > budget) {
                return;
            }
            Entry<V> old = map.put(key, new Entry<>(value, bytes));
            used += bytes - (old == null ? 0 : old.bytes);
            var it = map.entrySet().iterator();
            while (used > budget && it.hasNext()) {
                Map.Entry<K, Entry<V>> eldest = it.next();
                used -= eldest.getValue().bytes;
                it.remove();
            }
        }

        synchronized void clear() {
            map.clear();
            used = 0;
        }

        synchronized int size() {
            return map.size();
        }

        synchronized long hits() {
            return hits;
        }

        synchronized long misses() {
            return misses;
        }

        synchronized long usedBytes() {
            return used;
        }
    }
}
