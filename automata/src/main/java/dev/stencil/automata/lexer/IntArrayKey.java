package dev.stencil.automata.lexer;

import java.util.Arrays;

/** An {@code int[]} with value equality, for interning tables keyed by small integer tuples. */
public record IntArrayKey(int[] a) {
    @Override
    public boolean equals(Object o) {
        return o instanceof IntArrayKey k && Arrays.equals(k.a, a);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(a);
    }

    @Override
    public String toString() {
        return Arrays.toString(a);
    }
}
