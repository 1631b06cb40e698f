package dev.stencil.automata.mask;

import dev.stencil.automata.vocab.Vocabulary;

/**
 * A vocabulary prepared for mask computation: every token that a grammar may produce (all but the
 * special tokens) in one {@link ByteTrie}, plus the stop token. Built once per tokenizer and
 * shared by every grammar compiled against it.
 */
public final class VocabularyIndex {
    final Vocabulary vocabulary;
    final ByteTrie trie;
    final byte[][] tokenBytes;
    final int size;
    final int eosTokenId;
    final long buildNanos;
    /**
     * Per node of the trie's first level (others 0): the depth of the deepest node of its
     * subtree. Classifying a subtree reads the lexer only that deep, so states that differ
     * further out classify it alike ({@link TokenClassifier}).
     */
    final int[] subtreeDepth;
    /**
     * Per trie node {@code i}, words {@code [4i, 4i + 4)}: the set of bytes that label the nodes
     * strictly below it (a 256-bit set). A subtree whose bytes all keep the lexer in the state it
     * is in is accepted whole, without walking it (see {@code TokenClassifier.walk}).
     */
    final long[] bytesBelow;
    /** Per byte: the trie node of that first byte, or 0 when no token starts with it. */
    final int[] rootChild = new int[256];
    /** Lexer-state classifications shared by the grammars compiled against this vocabulary. */
    final SharedTokenClasses sharedClasses = SharedTokenClasses.withDefaultBudget();

    private VocabularyIndex(Vocabulary vocabulary, ByteTrie trie, byte[][] tokenBytes, long buildNanos) {
        this.vocabulary = vocabulary;
        this.trie = trie;
        this.tokenBytes = tokenBytes;
        this.size = vocabulary.size();
        this.eosTokenId = vocabulary.eosTokenId();
        this.buildNanos = buildNanos;
        this.subtreeDepth = new int[trie.label.length];
        for (int c = 1; c < trie.label.length; c = trie.skip[c]) {
            int deepest = 1;
            for (int i = c; i < trie.skip[c]; i++) {
                deepest = Math.max(deepest, trie.depth[i]);
            }
            subtreeDepth[c] = deepest;
            rootChild[trie.label[c] & 0xff] = c;
        }
        this.bytesBelow = bytesBelow(trie);
    }

    /** {@link #bytesBelow} of every node: in reverse pre-order, children are done before their parent. */
    private static long[] bytesBelow(ByteTrie trie) {
        int n = trie.label.length;
        long[] below = new long[4 * n];
        for (int i = n - 1; i >= 1; i--) {
            for (int c = i + 1; c < trie.skip[i]; c = trie.skip[c]) {
                int b = trie.label[c] & 0xff;
                below[4 * i + (b >>> 6)] |= 1L << b;
                for (int w = 0; w < 4; w++) {
                    below[4 * i + w] |= below[4 * c + w];
                }
            }
        }
        return below;
    }

    public static VocabularyIndex build(Vocabulary vocabulary) {
        long t0 = System.nanoTime();
        int n = vocabulary.size();
        byte[][] bytes = new byte[n][];
        byte[][] grammarTokens = new byte[n][];
        int[] ids = new int[n];
        for (int id = 0; id < n; id++) {
            byte[] b = vocabulary.bytes(id);
            bytes[id] = b == null ? new byte[0] : b;
            ids[id] = id;
            // Special tokens (EOS, chat markers) are never grammar text; EOS is handled on its own.
            grammarTokens[id] = vocabulary.isSpecial(id) ? null : bytes[id];
        }
        ByteTrie trie = ByteTrie.build(grammarTokens, ids);
        return new VocabularyIndex(vocabulary, trie, bytes, System.nanoTime() - t0);
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** Number of token ids (a mask needs at least this many bits). */
    public int size() {
        return size;
    }

    /** Words of a {@code long[]} mask covering the vocabulary. */
    public int maskWords() {
        return (size + 63) >>> 6;
    }

    public int eosTokenId() {
        return eosTokenId;
    }

    /** The token's bytes (empty for ids without text). */
    public byte[] tokenBytes(int id) {
        return tokenBytes[id];
    }

    public ByteTrie trie() {
        return trie;
    }

    /** Wall time of {@link #build}, in milliseconds. */
    public double buildMillis() {
        return buildNanos / 1e6;
    }

    /**
     * Forgets the lexer-state classifications shared between grammars, so that the next grammar
     * starts cold (benchmarks that report first-use costs call this between compiles).
     */
    public void clearSharedClasses() {
        sharedClasses.clear();
    }

    /**
     * Shared classifications: {@code [states held, state hits, state misses, bytes held, subtree
     * hits, subtree misses]}.
     */
    public long[] sharedClassStats() {
        return sharedClasses.stats();
    }

    public long heapBytes() {
        long b = trie.heapBytes() + 16L * size;
        for (byte[] t : tokenBytes) {
            b += t.length;
        }
        return b;
    }
}
