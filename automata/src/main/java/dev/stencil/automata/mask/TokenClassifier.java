package dev.stencil.automata.mask;

import dev.stencil.automata.lexer.IntArrayKey;
import dev.stencil.automata.lexer.LexerAutomaton;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link TokenClasses} of a lexer state with one depth-first pass over the vocabulary
 * trie: which tokens stay inside the lexeme(s) in play, which die there, and which cross a
 * boundary (grouped by the lexemes that end there, with their suffixes). Pure precomputation:
 * nothing here looks at a parser state.
 */
final class TokenClassifier {
    private final VocabularyIndex vocab;
    private final LexerAutomaton lexer;
    private final boolean lexesAllLexemes;

    TokenClassifier(VocabularyIndex vocab, LexerAutomaton lexer, boolean lexesAllLexemes) {
        this.vocab = vocab;
        this.lexer = lexer;
        this.lexesAllLexemes = lexesAllLexemes;
    }

    /** Heap held by the shared suffix tries. */
    synchronized long sharedTrieHeapBytes() {
        long b = 0;
        for (ByteTrie t : sharedTries.values()) {
            b += t.heapBytes();
        }
        return b;
    }

    /** Suffix tries by content: many lexer states share the same boundary suffixes (e.g. after a whitespace run). */
    private final Map<IntArrayKey, ByteTrie> sharedTries = new HashMap<>();

    private synchronized ByteTrie sharedTrie(int[] pairs) {
        IntArrayKey key = new IntArrayKey(pairs);
        ByteTrie t = sharedTries.get(key);
        if (t == null) {
            int m = pairs.length / 2;
            byte[][] strings = new byte[m][];
            int[] ids = new int[m];
            for (int k = 0; k < m; k++) {
                int id = pairs[2 * k];
                byte[] full = vocab.tokenBytes[id];
                strings[k] = Arrays.copyOfRange(full, pairs[2 * k + 1], full.length);
                ids[k] = id;
            }
            t = ByteTrie.build(strings, ids);
            sharedTries.put(key, t);
        }
        return t;
    }


    /**
     * Groups up to this many tokens get a private trie of their suffixes, which merges equal
     * suffixes (many tokens end in {@code ",}); larger groups, such as every word after a
     * whitespace run, are walked in place in the vocabulary trie instead of being copied.
     */
    static final int SUFFIX_TRIE_MAX_TOKENS = 4096;

    /** (token id, suffix offset) pairs of the tokens under the given segment nodes. */
    private int[] suffixPairs(int[] segs) {
        ByteTrie trie = vocab.trie;
        MaskEngine.IntList pairs = new MaskEngine.IntList();
        for (int c : segs) {
            for (int k = trie.idStart[c]; k < trie.idStart[trie.skip[c]]; k++) {
                pairs.add(trie.ids[k]);
                pairs.add(trie.depth[c] - 1);
            }
        }
        return pairs.toArray();
    }

    /** One depth-first pass over the vocabulary trie from lexer state {@code start}. */
    TokenClasses classify(int start) {
        ByteTrie trie = vocab.trie;
        int[] trans = lexer.transitions();
        int[] emit = lexer.emits();
        boolean[] complete = lexer.completes();
        long[] accept = new long[vocab.maskWords()];
        int acceptCount = 0;
        int[] reach = lexer.reachableWinners();
        Map<Integer, long[]> byWinners = lexesAllLexemes ? new java.util.TreeMap<>() : null;
        byte[] label = trie.label;
        int[] depth = trie.depth;
        int[] stack = new int[trie.maxDepth + 1];
        stack[0] = start;
        // boundary groups: emit id -> (token id, suffix offset) pairs, and tokens ending at the boundary
        List<Integer> groupEmit = new ArrayList<>();
        List<MaskEngine.IntList> groupSegments = new ArrayList<>();
        List<MaskEngine.IntList> groupAt = new ArrayList<>();
        List<int[]> groupSize = new ArrayList<>();
        int[] groupOf = new int[0]; // emit id -> group index + 1 (0 = none yet)
        int rootEmit = emit[start];
        long[] rootFilter = rootEmit >= 0 ? new long[vocab.maskWords()] : null;
        int dependent = 0;
        int n = label.length;
        int i = 1;
        while (i < n) {
            int d = depth[i];
            int p = stack[d - 1];
            int t = trans[p * 256 + (label[i] & 0xff)];
            if (t >= 0 && !complete[t]) {
                stack[d] = t;
                long[] bits = accept;
                if (byWinners != null && trie.idStart[i] < trie.idStart[i + 1]) {
                    // ANTLR-style lexing: whether a token ending here is allowed depends on the
                    // lexemes that can still win from its last state, so group by them
                    bits = byWinners.computeIfAbsent(reach[t], w -> new long[vocab.maskWords()]);
                }
                for (int k = trie.idStart[i]; k < trie.idStart[i + 1]; k++) {
                    int id = trie.ids[k];
                    bits[id >>> 6] |= 1L << id;
                    acceptCount++;
                }
                i++;
                continue;
            }
            // t >= 0: the lexeme is complete after this byte; t < 0: it ends before this byte, if it can
            int e = t >= 0 ? emit[t] : emit[p];
            if (e >= 0 && t < 0 && d == 1) {
                // the start state itself may end: the whole subtree is judged by the next lexeme
                for (int k = trie.idStart[i]; k < trie.idStart[trie.skip[i]]; k++) {
                    int id = trie.ids[k];
                    rootFilter[id >>> 6] |= 1L << id;
                    dependent++;
                }
            } else if (e >= 0) {
                if (e >= groupOf.length) {
                    groupOf = Arrays.copyOf(groupOf, Math.max(e + 1, groupOf.length * 2));
                }
                int g = groupOf[e] - 1;
                if (g < 0) {
                    g = groupEmit.size();
                    groupOf[e] = g + 1;
                    groupEmit.add(e);
                    groupSegments.add(new MaskEngine.IntList());
                    groupAt.add(new MaskEngine.IntList());
                    groupSize.add(new int[1]);
                }
                MaskEngine.IntList segments = groupSegments.get(g);
                if (t >= 0) {
                    // complete after this byte: tokens ending here, then each child subtree
                    for (int k = trie.idStart[i]; k < trie.idStart[i + 1]; k++) {
                        groupAt.get(g).add(trie.ids[k]);
                        dependent++;
                    }
                    for (int c = i + 1; c < trie.skip[i]; c = trie.skip[c]) {
                        segments.add(c);
                    }
                } else {
                    segments.add(i); // this byte starts the next lexeme
                }
                int count = trie.idStart[trie.skip[i]] - trie.idStart[i] - (t >= 0 ? trie.idStart[i + 1] - trie.idStart[i] : 0);
                groupSize.get(g)[0] += count;
                dependent += count;
            }
            i = trie.skip[i];
        }
        int groups = groupEmit.size();
        int[] emitIds = new int[groups];
        ByteTrie[] suffixes = new ByteTrie[groups];
        int[][] segments = new int[groups][];
        int[][] atBoundary = new int[groups][];
        for (int g = 0; g < groups; g++) {
            emitIds[g] = groupEmit.get(g);
            atBoundary[g] = groupAt.get(g).toArray();
            int[] segs = groupSegments.get(g).toArray();
            if (groupSize.get(g)[0] <= SUFFIX_TRIE_MAX_TOKENS) {
                suffixes[g] = sharedTrie(suffixPairs(segs));
            } else {
                segments[g] = segs;
            }
        }
        int[] winnerIds = null;
        long[][] winnerGroups = null;
        if (byWinners != null) {
            winnerIds = byWinners.keySet().stream().mapToInt(Integer::intValue).toArray();
            winnerGroups = byWinners.values().toArray(new long[0][]);
            for (long[] group : winnerGroups) {
                for (int w = 0; w < accept.length; w++) {
                    accept[w] |= group[w];
                }
            }
        }
        return new TokenClasses(accept, acceptCount, emitIds, suffixes, segments, atBoundary, rootEmit, rootFilter,
                dependent, winnerIds, winnerGroups);
    }
}
