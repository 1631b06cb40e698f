package dev.stencil.schemas;

import dev.stencil.automata.ir.Expr;
import dev.stencil.automata.ir.Grammar;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Grammar rules for JSON arrays: per-position item grammars for a prefix, one grammar for every
 * later position (or none), and a count between {@code min} and {@code max}.
 */
final class ArrayRules {
    private ArrayRules() {
    }

    /**
     * @param prefix item grammars of positions 0..prefix.size()-1
     * @param rest item grammar of later positions, or null when there may be none
     * @param max -1 for unbounded
     */
    static Expr build(Grammar.Builder grammar, List<Expr> prefix, Expr rest, int min, int max, IntSupplier ids) {
        int k = prefix.size();
        int cap = rest == null ? k : -1;
        if (max >= 0) {
            cap = cap < 0 ? max : Math.min(cap, max);
        }
        if (cap >= 0 && min > cap) {
            return null;
        }
        String base = "a" + ids.getAsInt();
        // a_i: the rest of the array after i >= 1 items
        Expr tail;
        if (rest == null || (cap >= 0 && cap <= Math.max(k, 1))) {
            tail = Expr.empty();
        } else {
            int lo = Math.max(0, min - Math.max(k, 1));
            int hi = cap < 0 ? -1 : cap - Math.max(k, 1);
            tail = hi == 0 ? Expr.empty() : Expr.repeat(Expr.seq(Expr.lit(","), rest), lo, hi);
        }
        if (k == 0) {
            if (rest == null || (cap == 0)) {
                return Expr.seq(Expr.lit("["), Expr.lit("]"));
            }
            Expr nonEmpty = Expr.seq(Expr.lit("["), rest, tail, Expr.lit("]"));
            return min == 0 ? Expr.alt(Expr.seq(Expr.lit("["), Expr.lit("]")), nonEmpty) : nonEmpty;
        }
        grammar.rule(base + "_" + k, tail);
        for (int i = k - 1; i >= 1; i--) {
            Expr more = Expr.seq(Expr.lit(","), prefix.get(i), Expr.ref(base + "_" + (i + 1)));
            boolean canStop = i >= min;
            boolean canGo = cap < 0 || i < cap;
            Expr body = canStop && canGo ? Expr.alt(Expr.empty(), more) : canGo ? more : Expr.empty();
            grammar.rule(base + "_" + i, body);
        }
        Expr nonEmpty = Expr.seq(Expr.lit("["), prefix.get(0), Expr.ref(base + "_1"), Expr.lit("]"));
        if (cap == 0) {
            return Expr.seq(Expr.lit("["), Expr.lit("]"));
        }
        return min == 0 ? Expr.alt(Expr.seq(Expr.lit("["), Expr.lit("]")), nonEmpty) : nonEmpty;
    }
}
