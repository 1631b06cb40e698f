package dev.stencil.automata.mask;

import java.util.function.IntUnaryOperator;

/**
 * What one first-byte subtree of the vocabulary trie does from the lexer state reached after
 * that byte: the part of a {@link TokenClasses} that those tokens contribute. A lexer state's
 * classes are the union of its subtrees' parts (plus the cheap cases of a first byte that ends
 * or kills the lexeme), which lets {@link TokenClassifier} reuse parts across states and grammars.
 *
 * <p>Ids of emit sets and winner sets are those of one grammar, or local ones (see
 * {@link LexerStateSignature}) when stored in {@link SharedTokenClasses}; {@link #renamed}
 * converts between them and shares every array.
 */
final class SubtreeClasses {
    /** Tokens that stay inside the lexeme(s): as ids, or as a vocabulary bitset when there are many. */
    final int[] acceptIds;
    final long[] acceptBits;
    final int acceptCount;
    /** ANTLR-style lexing: accepted tokens grouped by winner-set id (then acceptIds/acceptBits are null). */
    final int[] winnerIds;
    final int[][] winnerAccept;
    /** Boundary groups: emit-set id, trie nodes starting right after the boundary, tokens ending at it, size. */
    final int[] groupEmit;
    final int[][] groupSegments;
    final int[][] groupAt;
    final int[] groupSize;
    final int dependent;
    /**
     * Trie nodes below the signature's depth cut that are still live, with the lexer state of
     * their parent: the walk goes on from there for each grammar (few nodes: only tokens longer
     * than the cut reach them).
     */
    final int[] deferredNodes;
    final int[] deferredStates;
    /**
     * ANTLR-style lexing: per deferred node, the emit set of the last accept on its path (-1 if
     * none) and that accept's depth in the token, which the walk from there falls back to. Null
     * with parser-driven lexing.
     */
    final int[] deferredAcceptEmits;
    final int[] deferredAcceptDepths;
    /** Fallback groups: emit-set id of the accept fallen back to, (token id, offset after the accept) pairs. */
    final int[] fallbackEmit;
    final int[][] fallbackPairs;

    SubtreeClasses(int[] acceptIds, long[] acceptBits, int acceptCount, int[] winnerIds, int[][] winnerAccept,
            int[] groupEmit, int[][] groupSegments, int[][] groupAt, int[] groupSize, int dependent,
            int[] deferredNodes, int[] deferredStates, int[] deferredAcceptEmits, int[] deferredAcceptDepths,
            int[] fallbackEmit, int[][] fallbackPairs) {
        this.deferredAcceptEmits = deferredAcceptEmits;
        this.deferredAcceptDepths = deferredAcceptDepths;
        this.fallbackEmit = fallbackEmit;
        this.fallbackPairs = fallbackPairs;
        this.acceptIds = acceptIds;
        this.acceptBits = acceptBits;
        this.acceptCount = acceptCount;
        this.winnerIds = winnerIds;
        this.winnerAccept = winnerAccept;
        this.groupEmit = groupEmit;
        this.groupSegments = groupSegments;
        this.groupAt = groupAt;
        this.groupSize = groupSize;
        this.dependent = dependent;
        this.deferredNodes = deferredNodes;
        this.deferredStates = deferredStates;
    }

    /** The same part with emit-set, winner-set and lexer-state ids mapped (token ids and nodes shared). */
    SubtreeClasses renamed(IntUnaryOperator emits, IntUnaryOperator winners, IntUnaryOperator states) {
        int[] e = new int[groupEmit.length];
        for (int g = 0; g < e.length; g++) {
            e[g] = emits.applyAsInt(groupEmit[g]);
        }
        int[] w = null;
        if (winnerIds != null) {
            w = new int[winnerIds.length];
            for (int g = 0; g < w.length; g++) {
                w[g] = winners.applyAsInt(winnerIds[g]);
            }
        }
        int[] ds = new int[deferredStates.length];
        for (int k = 0; k < ds.length; k++) {
            ds[k] = states.applyAsInt(deferredStates[k]);
        }
        int[] da = null;
        if (deferredAcceptEmits != null) {
            da = new int[deferredAcceptEmits.length];
            for (int k = 0; k < da.length; k++) {
                da[k] = deferredAcceptEmits[k] < 0 ? -1 : emits.applyAsInt(deferredAcceptEmits[k]);
            }
        }
        int[] fe = fallbackEmit;
        if (fe.length > 0) {
            fe = new int[fallbackEmit.length];
            for (int g = 0; g < fe.length; g++) {
                fe[g] = emits.applyAsInt(fallbackEmit[g]);
            }
        }
        return new SubtreeClasses(acceptIds, acceptBits, acceptCount, w, winnerAccept, e, groupSegments, groupAt,
                groupSize, dependent, deferredNodes, ds, da, deferredAcceptDepths, fe, fallbackPairs);
    }

    long heapBytes() {
        long b = 96 + 8L * deferredNodes.length + (acceptIds == null ? 0 : 4L * acceptIds.length) + (acceptBits == null ? 0 : 8L * acceptBits.length);
        if (winnerAccept != null) {
            for (int[] a : winnerAccept) {
                b += 4L * a.length + 16;
            }
        }
        for (int g = 0; g < groupEmit.length; g++) {
            b += 4L * (groupSegments[g].length + groupAt[g].length) + 48;
        }
        for (int[] pairs : fallbackPairs) {
            b += 4L * pairs.length + 16;
        }
        return b;
    }
}
