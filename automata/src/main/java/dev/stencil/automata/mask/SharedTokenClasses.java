package dev.stencil.automata.mask;

import dev.stencil.automata.lexer.IntArrayKey;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token classifications shared by every grammar compiled against one vocabulary. Classifying a
 * lexer state walks the vocabulary trie (milliseconds on a 128k vocabulary when most tokens stay
 * live, as inside a string), and most of that work recurs from grammar to grammar: strings,
 * numbers, whitespace runs, common keys. Three tables (and an interner of subtree signatures),
 * each least-recently-used within its own share of a heap budget ({@code stencil.sharedTokenClassesMb}, default 384 MB):
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
    /**
     * Key of a first-byte subtree: the {@linkplain #signatureId interned signature} of the state
     * after the byte, and the trie node of that byte. A first-use mask looks up a hundred or more
     * subtrees whose signatures run to thousands of ints; comparing ids instead of signatures
     * (and charging each signature once) keeps those lookups cheap and the table's budget for
     * classes.
     */
    static final class SubtreeKey {
        final int signature;
        final int trieNode;

        SubtreeKey(int signature, int trieNode) {
            this.signature = signature;
            this.trieNode = trieNode;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SubtreeKey k && k.signature == signature && k.trieNode == trieNode;
        }

        @Override
        public int hashCode() {
            return signature * 0x9E3779B9 + trieNode;
        }
    }

    /** A signature's code (a prefix of {@code code}) as a key; probes wrap scratch arrays without copying. */
    private static final class CodeKey {
        final int[] code;
        final int length;
        final int hash;

        CodeKey(int[] code, int length, int hash) {
            this.code = code;
            this.length = length;
            this.hash = hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CodeKey k && k.hash == hash && k.length == length
                    && Arrays.equals(k.code, 0, length, code, 0, length);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final Lru<LexerStateSignature, TokenClasses> states;
    private final Lru<SubtreeKey, SubtreeClasses> subtrees;
    private final Lru<IntArrayKey, ByteTrie> suffixTries;
    private final Lru<CodeKey, Integer> signatureIds;
    private int nextSignatureId;

    SharedTokenClasses(long budgetBytes) {
        states = new Lru<>(budgetBytes / 4);
        subtrees = new Lru<>(budgetBytes / 4);
        suffixTries = new Lru<>(budgetBytes / 4);
        signatureIds = new Lru<>(budgetBytes / 4);
    }

    /**
     * A number for the signature code {@code code[0, length)} (see {@link LexerStateSignature}),
     * equal for equal codes while it stays in the table; ids are never reused, so an evicted
     * signature only costs a miss in the subtree table.
     */
    synchronized int signatureId(int[] code, int length, int hash) {
        Integer id = signatureIds.get(new CodeKey(code, length, hash));
        if (id == null) {
            id = nextSignatureId++;
            signatureIds.put(new CodeKey(Arrays.copyOf(code, length), length, hash), id, 4L * length + 64);
        }
        return id;
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
        subtrees.put(key, local, 32 + local.heapBytes());
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
        signatureIds.clear();
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
