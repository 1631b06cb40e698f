package dev.stencil.automata.mask;

/**
 * What the vocabulary does from one lexer state, computed once per state and shared by every
 * parser node that reaches it (our form of "context-independent tokens"):
 *
 * <ul>
 *   <li>{@link #accept}: tokens whose bytes all stay inside the lexeme(s) in play. They are
 *       allowed whatever the parser stack holds, because the lexemes in play are exactly those the
 *       parser allows here.</li>
 *   <li>Tokens that die inside the lexeme are rejected, also whatever the stack holds; they
 *       appear nowhere.</li>
 *   <li>Tokens that cross a lexeme boundary, whose verdict depends on the parser. They are
 *       grouped by the lexeme set that ends at the boundary ({@link #emitIds}); within a group
 *       only the bytes <em>after</em> the boundary matter, so each group keeps a trie of those
 *       suffixes ({@link #suffixes}; tokens with equal suffixes share a node and a verdict) and
 *       the tokens that end exactly where a lexeme completes ({@link #atBoundary}).</li>
 *   <li>When the state itself may end its lexeme, every token whose first byte cannot continue
 *       it crosses a boundary right away: those are the tokens in {@link #rootFilter}, and their
 *       verdict is simply the mask at the start of the next lexeme ({@link #rootEmit}).</li>
 *   <li>ANTLR-style lexing only: tokens that run past an accept inside them and then die there
 *       (or end before the lexeme accepts again) also cross a boundary, at that accept (ANTLR's
 *       lexer falls back to its last accept). Grouped by the lexeme set that ends there
 *       ({@link #fallbackEmitIds}), each group with a trie of the bytes after the accept.</li>
 * </ul>
 */
final class TokenClasses {
    final long[] accept;
    final int acceptCount;
    final int[] emitIds;
    /** Per group: a trie of the suffixes, or null when the group is large (then see {@link #segments}). */
    final ByteTrie[] suffixes;
    /**
     * Per group, when it is too large for a private suffix trie: nodes of the vocabulary trie
     * whose subtrees start right after the boundary (walked in place, nothing copied).
     */
    final int[][] segments;
    final int[][] atBoundary;
    final int rootEmit;
    final long[] rootFilter;
    final int dependentCount;
    /**
     * ANTLR-style lexing only: {@link #accept} split by the set of lexemes that can still win
     * after the token (ids from {@code LexerAutomaton.reachableWinners}); a parser node keeps the
     * groups that include a lexeme it accepts. Null with parser-driven lexing.
     */
    final int[] winnerIds;
    final long[][] winnerGroups;
    /** Fallback groups: the emit set of the accept a token falls back to, and the tokens' bytes after it. */
    final int[] fallbackEmitIds;
    final ByteTrie[] fallbackSuffixes;

    TokenClasses(long[] accept, int acceptCount, int[] emitIds, ByteTrie[] suffixes, int[][] segments,
                 int[][] atBoundary, int rootEmit, long[] rootFilter, int dependentCount,
                 int[] winnerIds, long[][] winnerGroups, int[] fallbackEmitIds, ByteTrie[] fallbackSuffixes) {
        this.fallbackEmitIds = fallbackEmitIds;
        this.fallbackSuffixes = fallbackSuffixes;
        this.accept = accept;
        this.acceptCount = acceptCount;
        this.emitIds = emitIds;
        this.suffixes = suffixes;
        this.segments = segments;
        this.atBoundary = atBoundary;
        this.rootEmit = rootEmit;
        this.rootFilter = rootFilter;
        this.dependentCount = dependentCount;
        this.winnerIds = winnerIds;
        this.winnerGroups = winnerGroups;
    }

    /** Heap of this state's own arrays (suffix tries are shared between states and counted once elsewhere). */
    long ownHeapBytes() {
        long b = 8L * accept.length + 64 + (rootFilter == null ? 0 : 8L * rootFilter.length);
        for (int[] a : atBoundary) {
            b += 4L * a.length;
        }
        for (int[] a : segments) {
            b += a == null ? 0 : 4L * a.length;
        }
        if (winnerGroups != null) {
            b += 8L * accept.length * winnerGroups.length;
        }
        return b;
    }
}
