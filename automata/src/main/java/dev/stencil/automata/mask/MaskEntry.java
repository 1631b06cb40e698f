package dev.stencil.automata.mask;

/**
 * The finished mask for one (parser node, lexer state) position: the lexer state's always-allowed
 * tokens, plus the boundary-crossing tokens this node allows, plus (when the current lexeme may end
 * right away) the next lexeme's mask restricted to {@code rootFilter}, plus whether the input may
 * end here. Immutable; cached on the parser node.
 */
final class MaskEntry {
    final long[] accept;
    final int[] extra;
    final boolean eos;
    final MaskEntry root;
    final long[] rootFilter;
    /**
     * ANTLR-style lexing, filled on first use at a position with a {@code Fallback}: the tokens
     * this mask leaves to the fallback (no accept ahead, not allowed here), by first byte. A pure
     * function of the entry, so a benign race at worst computes it twice.
     */
    volatile int[][] fallbackUndecided;

    MaskEntry(long[] accept, int[] extra, boolean eos, MaskEntry root, long[] rootFilter) {
        this.accept = accept;
        this.extra = extra;
        this.eos = eos;
        this.root = root;
        this.rootFilter = rootFilter;
    }
}
