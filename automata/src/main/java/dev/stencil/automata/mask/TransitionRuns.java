package dev.stencil.automata.mask;

import dev.stencil.automata.lexer.LexerAutomaton;
import java.util.Arrays;

/**
 * The lexer's transition rows in run-length form, computed once per state: {@code (first byte,
 * target)} pairs for each run of bytes with the same target (-1 for none). A string or number
 * state has a handful of runs among its 256 bytes, so {@link LexerStateSignature} explores a
 * counted lexeme's hundreds of states without reading 256 entries for each.
 */
final class TransitionRuns {
    private final LexerAutomaton lexer;
    private volatile int[][] rows = new int[64][];

    TransitionRuns(LexerAutomaton lexer) {
        this.lexer = lexer;
    }

    int[] row(int s) {
        int[][] r = rows;
        if (s < r.length && r[s] != null) {
            return r[s];
        }
        int[] trans = lexer.transitions();
        int[] buf = new int[32];
        int n = 0;
        int prev = Integer.MIN_VALUE;
        for (int b = 0; b < 256; b++) {
            int t = trans[s * 256 + b];
            if (t != prev) {
                if (n + 2 > buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                buf[n++] = b;
                buf[n++] = t;
                prev = t;
            }
        }
        int[] row = Arrays.copyOf(buf, n);
        synchronized (this) {
            r = rows;
            if (s >= r.length) {
                r = Arrays.copyOf(r, Math.max(r.length * 2, s + 1));
            }
            r[s] = row; // equal content if two threads raced
            rows = r;
        }
        return row;
    }
}
