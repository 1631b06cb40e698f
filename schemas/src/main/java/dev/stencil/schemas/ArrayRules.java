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
     * @param comma the separator between elements (per the whitespace policy)
     */
    static Expr build(Grammar.Builder grammar, List<Expr> prefix, Expr rest, int min, int max, IntSupplier ids, String comma) {
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
            tail = hi == 0 ? Expr.empty() : Expr.repeat(Expr.seq(Expr.lit(comma), rest), lo, hi);
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
            Expr more = Expr.seq(Expr.lit(comma), prefix.get(i), Expr.ref(base + "_" + (i + 1)));
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

    /** The most (position, count) rules one counted array may use. */
    static final int MAX_COUNTED_RULES = 20_000;

    /**
     * Arrays whose items are counted: rule (p, c) is the rest of the array after p items of which c
     * were counted. Positions from {@code counted.size() - 1} up share item grammars; positions are
     * tracked up to the item bounds, counts up to the maximum (or, without one, saturate at the
     * minimum, where all further counts are alike). Only rules reachable from (0, 0) and able to end
     * the array are written; null when no array qualifies.
     *
     * @param counted item grammar of a counted item per position (last: every later position); null: none
     * @param other item grammar of an uncounted item, likewise
     * @param max items at most, -1 for unbounded; {@code cMax} likewise for the count
     * @param comma the separator between elements (per the whitespace policy)
     */
    static Expr buildCounted(Grammar.Builder grammar, List<Expr> counted, List<Expr> other, int min, int max,
            int cMin, int cMax, IntSupplier ids, SchemaNode at, String comma) {
        int k = counted.size() - 1;
        // positions beyond p can be merged once past the prefix and the minimum, when there is no maximum
        int positions = max >= 0 ? max : Math.max(Math.max(k, min), 1);
        int counts = cMax >= 0 ? cMax : cMin;
        if ((long) (positions + 1) * (counts + 1) > MAX_COUNTED_RULES) {
            throw new SchemaException("contains", at.pointer(), "too many (position, count) combinations: "
                    + (positions + 1) + " x " + (counts + 1) + "; at most " + MAX_COUNTED_RULES);
        }
        // explore the reachable (position, count) states and their moves, then keep the productive ones
        java.util.Map<Long, java.util.List<long[]>> moves = new java.util.LinkedHashMap<>();
        java.util.List<Expr> items = new java.util.ArrayList<>();
        java.util.Set<Long> accepting = new java.util.HashSet<>();
        java.util.ArrayDeque<Long> work = new java.util.ArrayDeque<>();
        moves.put(0L, new java.util.ArrayList<>());
        work.add(0L);
        while (!work.isEmpty()) {
            long st = work.pop();
            int p = (int) (st >>> 32);
            int c = (int) st;
            if (p >= min && c >= cMin) {
                accepting.add(st);
            }
            if (max >= 0 && p >= max) {
                continue;
            }
            int np = max >= 0 ? p + 1 : Math.min(p + 1, positions);
            Expr itemC = counted.get(Math.min(p, k));
            Expr itemN = other.get(Math.min(p, k));
            if (itemC != null && (cMax < 0 || c < cMax)) {
                int nc = cMax >= 0 ? c + 1 : Math.min(c + 1, counts);
                move(st, itemC, ((long) np << 32) | nc, moves, items, work);
            }
            if (itemN != null) {
                move(st, itemN, ((long) np << 32) | c, moves, items, work);
            }
        }
        java.util.Set<Long> productive = new java.util.HashSet<>(accepting);
        for (boolean changed = true; changed; ) {
            changed = false;
            for (var e : moves.entrySet()) {
                if (productive.contains(e.getKey())) {
                    continue;
                }
                for (long[] m : e.getValue()) {
                    if (productive.contains(m[1])) {
                        productive.add(e.getKey());
                        changed = true;
                        break;
                    }
                }
            }
        }
        if (!productive.contains(0L)) {
            return null;
        }
        String base = "k" + ids.getAsInt();
        for (var e : moves.entrySet()) {
            long st = e.getKey();
            if (!productive.contains(st)) {
                continue;
            }
            int p = (int) (st >>> 32);
            java.util.List<Expr> alts = new java.util.ArrayList<>();
            if (accepting.contains(st)) {
                alts.add(Expr.empty());
            }
            for (long[] m : e.getValue()) {
                if (productive.contains(m[1])) {
                    Expr next = Expr.ref(name(base, m[1]));
                    Expr item = items.get((int) m[0]);
                    alts.add(p == 0 ? Expr.seq(item, next) : Expr.seq(Expr.lit(comma), item, next));
                }
            }
            grammar.rule(name(base, st), alts.size() == 1 ? alts.get(0) : Expr.alt(alts.toArray(new Expr[0])));
        }
        return Expr.seq(Expr.lit("["), Expr.ref(name(base, 0L)), Expr.lit("]"));
    }

    private static String name(String base, long state) {
        return base + "_" + (state >>> 32) + "_" + (int) state;
    }

    private static void move(long from, Expr item, long to, java.util.Map<Long, java.util.List<long[]>> moves,
            java.util.List<Expr> items, java.util.ArrayDeque<Long> work) {
        items.add(item);
        moves.get(from).add(new long[] {items.size() - 1, to});
        if (!moves.containsKey(to)) {
            moves.put(to, new java.util.ArrayList<>());
            work.add(to);
        }
    }
}
