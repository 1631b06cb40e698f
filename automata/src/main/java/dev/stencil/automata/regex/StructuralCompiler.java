package dev.stencil.automata.regex;

import dev.stencil.automata.GrammarException;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Compiles a regex to a DFA by composing DFAs of its parts wherever the composition is
 * deterministic by construction, and falls back to the Thompson NFA and subset construction
 * ({@link ByteNfa}, {@link SubsetConstruction}) for parts where it is not.
 *
 * <p>Why: a counted repetition such as the JSON spelling of {@code .{0,2000}} (about 20 DFA states per
 * counted character) has a DFA of tens of thousands of states, and the subset construction spends
 * most of its time computing ε-closures and hashing subsets for a result whose shape is known in
 * advance. Two constructions give that shape directly:
 * <ul>
 *   <li><b>Counted repetition of a prefix-free body</b> ({@link #repeat}): when no accepting state of
 *       the body's DFA has an outgoing transition (no word of the body extends another, as with one
 *       JSON-encoded code point) and the body does not accept ε, {@code body{m,n}} is a chain of
 *       n copies of the body, where completing copy i enters copy i+1 and "i copies read" accepts
 *       exactly when i ≥ m. Every input splits into body words in at most one way, so the chain is
 *       deterministic.</li>
 *   <li><b>Concatenation without competition</b> ({@link #concat}): in {@code A·B}, an accepting state
 *       of A may continue in A or start B; when, for every accepting state of A, the bytes that
 *       continue in A and the bytes that start B are disjoint, the choice is made by the next byte,
 *       and the DFA is A with B's start row merged into A's accepting states, followed by B.</li>
 * </ul>
 * Alternations of large parts become union products ({@link ProductConstruction}). The result is
 * exact but not minimal; the caller minimises it ({@link DfaMinimizer}, linear for the acyclic
 * automata that bounded repetition gives).
 *
 * <p>Only subtrees holding a counted repetition whose estimated size exceeds a threshold are
 * composed; everything else (a whole small regex, or the light parts between heavy ones) goes the
 * NFA route, where subset construction is cheap and well-trodden.
 */
final class StructuralCompiler {
    /** Estimated NFA size of a counted repetition above which it is composed rather than determinised. */
    static final long DEFAULT_THRESHOLD = 2_000;

    private final int maxStates;
    private final int nfaCap;
    private final Supplier<String> description;
    private final long threshold;
    private final Map<Regex, Long> weights = new IdentityHashMap<>();
    private final Map<Regex, Boolean> heavy = new IdentityHashMap<>();

    private StructuralCompiler(int maxStates, int nfaCap, Supplier<String> description, long threshold) {
        this.maxStates = maxStates;
        this.nfaCap = nfaCap;
        this.description = description;
        this.threshold = threshold;
    }

    /**
     * A DFA (trimming and minimisation left to the caller) of {@code regex}.
     *
     * @param threshold estimated size above which a counted repetition is composed; 0 composes every
     *                  repetition and what holds it (for tests), {@code Long.MAX_VALUE} none
     * @throws GrammarException if an automaton would exceed its cap; the message names the pattern
     */
    static DfaTable compile(Regex regex, int maxStates, int nfaCap, Supplier<String> description, long threshold) {
        StructuralCompiler c = new StructuralCompiler(maxStates, nfaCap, description, threshold);
        if (!c.anyHeavy(regex)) {
            return SubsetConstruction.determinize(ByteNfa.build(regex, nfaCap, description), maxStates, description);
        }
        return c.build(regex);
    }

    /** Called on heavy subtrees only (see {@link #heavy}); light ones go the NFA route whole. */
    private DfaTable build(Regex r) {
        if (r instanceof Regex.Repeat rep) {
            DfaTable body = part(rep.body());
            DfaTable chain = repeat(body, rep.min(), rep.max());
            return chain != null ? chain : viaNfa(r);
        }
        if (r instanceof Regex.Seq s) {
            List<DfaTable> parts = new ArrayList<>();
            for (Regex item : groupLight(s.items(), Regex::seq)) {
                parts.add(part(item));
            }
            DfaTable whole = concat(parts);
            return whole != null ? whole : viaNfa(r);
        }
        DfaTable whole = null;
        for (Regex alt : groupLight(((Regex.Alt) r).alternatives(), Regex::alt)) {
            DfaTable next = part(alt);
            whole = whole == null ? next : DfaMinimizer.minimize(ProductConstruction.product(whole, next,
                    ProductConstruction.Mode.UNION, maxStates, description));
        }
        return whole;
    }

    private DfaTable part(Regex r) {
        return heavy(r) ? build(r) : viaNfa(r);
    }

    /**
     * The items with each run of consecutive light ones joined into one node, so that light parts
     * (a literal, a small pattern) are determinised together, as before, and only the junctions
     * with heavy parts are composed.
     */
    private List<Regex> groupLight(List<Regex> items, Function<List<Regex>, Regex> join) {
        List<Regex> out = new ArrayList<>();
        List<Regex> run = new ArrayList<>();
        for (Regex item : items) {
            if (heavy(item)) {
                if (!run.isEmpty()) {
                    out.add(join.apply(run));
                    run = new ArrayList<>();
                }
                out.add(item);
            } else {
                run.add(item);
            }
        }
        if (!run.isEmpty()) {
            out.add(join.apply(run));
        }
        return out;
    }

    /**
     * {@link #heavy} for the whole tree in one pass without memo tables: every compile asks this
     * first, and nearly all regexes (literals, small patterns) answer no.
     */
    private boolean anyHeavy(Regex r) {
        return scan(r) < 0;
    }

    /** {@code base} plus the weights of {@code parts}, or -1 as soon as one of them is heavy. */
    private long scanAll(java.util.List<Regex> parts, long base) {
        long w = base;
        for (Regex part : parts) {
            long x = scan(part);
            if (x < 0) {
                return -1;
            }
            w = saturate(w + x);
        }
        return w;
    }

    /** The weight of r, or -1 as soon as a heavy repetition is found. */
    private long scan(Regex r) {
        if (r instanceof Regex.Seq s) {
            return scanAll(s.items(), 0);
        } else if (r instanceof Regex.Alt a) {
            return scanAll(a.alternatives(), 1); // an alternation adds a branching state
        } else if (r instanceof Regex.Repeat rep) {
            long body = scan(rep.body());
            if (body < 0) {
                return -1;
            }
            long w = repeatWeight(rep, body);
            return w > threshold ? -1 : w;
        } else if (r instanceof Regex.Chars c) {
            return 1L + c.set().rangeCount();
        }
        return 1;
    }

    private static long repeatWeight(Regex.Repeat rep, long bodyWeight) {
        long copies = rep.max() == Regex.UNBOUNDED ? rep.min() + 1L : rep.max();
        return saturate(saturate(copies * (bodyWeight + 1)) + 1);
    }

    /** Whether r holds a counted repetition whose estimated size exceeds the threshold. */
    private boolean heavy(Regex r) {
        Boolean known = heavy.get(r);
        if (known != null) {
            return known;
        }
        boolean h;
        if (r instanceof Regex.Seq s) {
            h = s.items().stream().anyMatch(this::heavy);
        } else if (r instanceof Regex.Alt a) {
            h = a.alternatives().stream().anyMatch(this::heavy);
        } else if (r instanceof Regex.Repeat rep) {
            h = weight(rep) > threshold || heavy(rep.body());
        } else {
            h = false;
        }
        heavy.put(r, h);
        return h;
    }

    /** Minimal DFA of {@code r} by the general route. */
    private DfaTable viaNfa(Regex r) {
        return DfaMinimizer.minimize(SubsetConstruction.determinize(ByteNfa.build(r, nfaCap, description), maxStates,
                description));
    }

    /** Rough NFA size of r (saturating), to decide which subtrees to compose. */
    private long weight(Regex r) {
        Long known = weights.get(r);
        if (known != null) {
            return known;
        }
        long w;
        if (r instanceof Regex.Seq s) {
            w = 0;
            for (Regex item : s.items()) {
                w = saturate(w + weight(item));
            }
        } else if (r instanceof Regex.Alt a) {
            w = 1;
            for (Regex alt : a.alternatives()) {
                w = saturate(w + weight(alt));
            }
        } else if (r instanceof Regex.Repeat rep) {
            w = repeatWeight(rep, weight(rep.body()));
        } else if (r instanceof Regex.Chars c) {
            w = 1L + c.set().rangeCount();
        } else {
            w = 1;
        }
        weights.put(r, w);
        return w;
    }

    private static long saturate(long v) {
        return Math.min(v, Long.MAX_VALUE / 4);
    }

    private GrammarException tooLarge() {
        return new GrammarException("Regex " + description.get() + " is too large to compile: its byte DFA would exceed "
                + maxStates + " states (reduce repetition counts or large Unicode classes inside repetitions)");
    }

    /**
     * {@code body{min,max}} ({@code max} -1: unbounded) as a chain of copies of the body, or null
     * when the body is not prefix-free or accepts ε (the chain would then be ambiguous).
     */
    DfaTable repeat(DfaTable body, int min, int max) {
        int n = body.stateCount;
        int k = body.classCount;
        int[] t = body.table;
        if (body.accepting[body.start]) {
            return null;
        }
        boolean startHasIncoming = false;
        for (int s = 0; s < n; s++) {
            for (int c = 0; c < k; c++) {
                int to = t[s * k + c];
                if (to >= 0 && body.accepting[s]) {
                    return null; // an accepting state that goes on: not prefix-free
                }
                startHasIncoming |= to == body.start;
            }
        }
        // per copy: the body's non-accepting states (its accepting ones are the next copy's entry),
        // plus a separate entry when the start is re-entered mid-body and so must not accept
        int[] local = new int[n];
        int internal = 0;
        for (int s = 0; s < n; s++) {
            local[s] = body.accepting[s] ? -1 : internal++;
        }
        int per = internal + (startHasIncoming ? 1 : 0);
        boolean bounded = max != Regex.UNBOUNDED;
        int copies = bounded ? max : min + 1;
        long total = (long) copies * per + (bounded ? 1 : 0);
        if (total > maxStates) {
            throw tooLarge();
        }
        int states = (int) total;
        int finalState = bounded ? copies * per : -1;
        int[] table = new int[states * k];
        boolean[] accepting = new boolean[states];
        for (int i = 0; i < copies; i++) {
            int base = i * per;
            // where completing this copy's body leads: the next copy's entry, or the end / loop
            int done = bounded ? (i + 1 < max ? entry(i + 1, per, internal, local[body.start], startHasIncoming)
                    : finalState) : entry(Math.min(i + 1, min), per, internal, local[body.start], startHasIncoming);
            for (int s = 0; s < n; s++) {
                if (body.accepting[s]) {
                    continue;
                }
                int row = (base + local[s]) * k;
                for (int c = 0; c < k; c++) {
                    int to = t[s * k + c];
                    table[row + c] = to < 0 ? -1 : body.accepting[to] ? done : base + local[to];
                }
            }
            int entry = entry(i, per, internal, local[body.start], startHasIncoming);
            if (startHasIncoming) {
                System.arraycopy(table, (base + local[body.start]) * k, table, entry * k, k);
            }
            accepting[entry] = i >= min;
        }
        if (bounded) {
            java.util.Arrays.fill(table, finalState * k, (finalState + 1) * k, -1);
            accepting[finalState] = true;
        }
        return new DfaTable(states, entry(0, per, internal, local[body.start], startHasIncoming), k, body.byteClass,
                table, accepting);
    }

    private static int entry(int copy, int per, int internal, int localStart, boolean separate) {
        return copy * per + (separate ? internal : localStart);
    }

    /**
     * {@code p1·p2·…} by merging, at each junction, the next part's start row into the accepting
     * states of what precedes it; null when some such state has a transition on a byte that also
     * starts the next part (the choice would need subsets). All parts are laid out in one table, so
     * a long chain between two quotes is copied once, not once per junction.
     */
    DfaTable concat(List<DfaTable> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        // classes common to all parts
        int[] byteClass = parts.get(0).byteClass;
        int k = parts.get(0).classCount;
        int[] leftOf = new int[256];
        int[] rightOf = new int[256];
        long total = 0;
        for (DfaTable part : parts) {
            byteClass = DfaTable.refineClasses(byteClass, k, part.byteClass, part.classCount, leftOf, rightOf);
            k = byteClass[255] + 1;
            total += part.stateCount;
        }
        if (total > maxStates) {
            throw tooLarge();
        }
        int[] representative = new int[k];
        for (int b = 255; b >= 0; b--) {
            representative[byteClass[b]] = b;
        }
        int states = (int) total;
        int[] table = new int[states * k];
        boolean[] accepting = new boolean[states];
        int[] offset = new int[parts.size()];
        int[] column = new int[k];
        int base = 0;
        for (int i = 0; i < parts.size(); i++) {
            DfaTable part = parts.get(i);
            offset[i] = base;
            for (int c = 0; c < k; c++) {
                column[c] = part.byteClass[representative[c]];
            }
            int pk = part.classCount;
            for (int s = 0; s < part.stateCount; s++) {
                int row = (base + s) * k;
                for (int c = 0; c < k; c++) {
                    int to = part.table[s * pk + column[c]];
                    table[row + c] = to < 0 ? -1 : base + to;
                }
                accepting[base + s] = part.accepting[s];
            }
            base += part.stateCount;
        }
        // the accepting states of the composite so far, as table rows
        int[] ends = acceptingStates(parts.get(0), 0, null, 0);
        int endCount = ends.length;
        for (int i = 1; i < parts.size(); i++) {
            DfaTable part = parts.get(i);
            int startRow = (offset[i] + part.start) * k;
            for (int e = 0; e < endCount; e++) {
                int row = ends[e] * k;
                for (int c = 0; c < k; c++) {
                    if (table[row + c] >= 0 && table[startRow + c] >= 0) {
                        return null;
                    }
                }
            }
            boolean startAccepts = part.accepting[part.start];
            for (int e = 0; e < endCount; e++) {
                int row = ends[e] * k;
                for (int c = 0; c < k; c++) {
                    if (table[startRow + c] >= 0) {
                        table[row + c] = table[startRow + c];
                    }
                }
                accepting[ends[e]] = startAccepts;
            }
            // now accepting: the part's own accepting states, and the merged ones if the part takes ε
            ends = acceptingStates(part, offset[i], startAccepts ? ends : null, endCount);
            endCount = ends.length;
        }
        return new DfaTable(states, offset[0] + parts.get(0).start, k, byteClass, table, accepting);
    }

    /** The accepting states of part (renumbered by offset), followed by the first keepCount of keep if given. */
    private static int[] acceptingStates(DfaTable part, int offset, int[] keep, int keepCount) {
        int n = 0;
        for (boolean a : part.accepting) {
            n += a ? 1 : 0;
        }
        int[] out = new int[n + (keep == null ? 0 : keepCount)];
        int i = 0;
        for (int s = 0; s < part.stateCount; s++) {
            if (part.accepting[s]) {
                out[i++] = offset + s;
            }
        }
        if (keep != null) {
            System.arraycopy(keep, 0, out, i, keepCount);
        }
        return out;
    }
}
