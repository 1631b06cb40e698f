package dev.stencil.decoder;

import dev.stencil.automata.mask.ByteTrie;
import dev.stencil.automata.mask.VocabularyIndex;

/**
 * A {@link KeywordAutomaton} lifted from bytes to the tokens of a vocabulary, per automaton state
 * and computed on first use: which tokens can be read from a state without completing a keyword
 * ({@link #safeMask}, for must-exclude), and which tokens make progress towards one ({@link
 * #progressTokens}, for constrained beam search). Both come from one depth-first walk of the
 * vocabulary's byte trie that carries the automaton state down the trie: a prefix shared by many
 * tokens is read once, and a prefix that completes a keyword rules out its whole subtree in one
 * jump. An automaton has at most (total keyword bytes + 1) states, so the tables stay small.
 *
 * <p>Shared by the sequences of one generation (beams, forks); not thread-safe.
 */
final class KeywordTokens {
    private final KeywordAutomaton automaton;
    private final VocabularyIndex index;
    private final int maskWords;
    private final long[][] safe;
    private final int[][] progress;
    private long[] specials;
    private long[] closing;

    /** @param logitsWidth the model's vocabulary width (masks cover every logit) */
    KeywordTokens(KeywordAutomaton automaton, VocabularyIndex index, int logitsWidth) {
        this.automaton = automaton;
        this.index = index;
        this.maskWords = (logitsWidth + 63) >>> 6;
        this.safe = new long[automaton.stateCount()][];
        this.progress = new int[automaton.stateCount()][];
    }

    KeywordAutomaton automaton() {
        return automaton;
    }

    /** The state after reading {@code bytes} from {@code s}. */
    int walk(int s, byte[] bytes) {
        for (byte b : bytes) {
            s = automaton.next(s, b & 0xff);
        }
        return s;
    }

    /** The keywords completed while reading {@code bytes} from {@code s}. */
    long hits(int s, byte[] bytes) {
        long hit = 0;
        for (byte b : bytes) {
            s = automaton.next(s, b & 0xff);
            hit |= automaton.matches(s);
        }
        return hit;
    }

    /** The bytes of a token (empty for the stop token and other special tokens). */
    byte[] tokenBytes(int id) {
        return id < index.size() && !index.vocabulary().isSpecial(id) ? index.tokenBytes(id) : new byte[0];
    }

    /**
     * Tokens whose bytes, read from state {@code s}, complete no keyword: bit {@code id & 63} of
     * word {@code id >>> 6}. Special tokens (the stop token among them) are not text and are set.
     */
    long[] safeMask(int s) {
        long[] m = safe[s];
        if (m == null) {
            m = specials().clone();
            ByteTrie trie = index.trie();
            int[] stateAt = new int[trie.maxDepth() + 1];
            stateAt[0] = s;
            int n = trie.nodeCount();
            for (int i = 1; i < n; ) {
                int d = trie.depth(i);
                int t = automaton.next(stateAt[d - 1], trie.label(i));
                if (automaton.matches(t) != 0) {
                    i = trie.skip(i); // every token through this node completes a keyword here
                    continue;
                }
                stateAt[d] = t;
                for (int k = trie.idStart(i), end = trie.idStart(i + 1); k < end; k++) {
                    int id = trie.id(k);
                    m[id >>> 6] |= 1L << id;
                }
                i++;
            }
            safe[s] = m;
        }
        return m;
    }

    /**
     * Tokens that, read from state {@code s}, complete a keyword or leave more of one in progress
     * than before (e.g. {@code "pass"} towards {@code password}). Ascending ids.
     */
    int[] progressTokens(int s) {
        int[] p = progress[s];
        if (p == null) {
            ByteTrie trie = index.trie();
            int[] stateAt = new int[trie.maxDepth() + 1];
            stateAt[0] = s;
            int before = automaton.depth(s);
            IntBuffer out = new IntBuffer();
            int n = trie.nodeCount();
            for (int i = 1; i < n; ) {
                int d = trie.depth(i);
                int t = automaton.next(stateAt[d - 1], trie.label(i));
                if (automaton.matches(t) != 0) {
                    for (int k = trie.idStart(i), end = trie.idStart(trie.skip(i)); k < end; k++) {
                        out.add(trie.id(k));
                    }
                    i = trie.skip(i);
                    continue;
                }
                stateAt[d] = t;
                if (automaton.depth(t) > before) {
                    for (int k = trie.idStart(i), end = trie.idStart(i + 1); k < end; k++) {
                        out.add(trie.id(k));
                    }
                }
                i++;
            }
            p = out.sorted();
            progress[s] = p;
        }
        return p;
    }

    /**
     * Tokens after which a grammar that allows nothing else has nothing left to say: special
     * tokens (the stop token among them) and tokens made only of whitespace bytes. Computed once.
     */
    long[] closingTokens() {
        if (closing == null) {
            long[] m = specials().clone();
            for (int id = 0; id < index.size(); id++) {
                byte[] b = index.vocabulary().isSpecial(id) ? null : index.tokenBytes(id);
                if (b != null && b.length > 0 && allWhitespace(b)) {
                    m[id >>> 6] |= 1L << id;
                }
            }
            closing = m;
        }
        return closing;
    }

    private static boolean allWhitespace(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private long[] specials() {
        if (specials == null) {
            specials = new long[maskWords];
            for (int id = 0; id < index.size(); id++) {
                if (index.vocabulary().isSpecial(id)) {
                    specials[id >>> 6] |= 1L << id;
                }
            }
        }
        return specials;
    }

    /** A growable int list (no boxing). */
    private static final class IntBuffer {
        private int[] a = new int[64];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int[] sorted() {
            int[] r = java.util.Arrays.copyOf(a, n);
            java.util.Arrays.sort(r);
            return r;
        }
    }
}
