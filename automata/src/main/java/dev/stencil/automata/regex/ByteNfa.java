package dev.stencil.automata.regex;

import dev.stencil.automata.GrammarException;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Thompson-style ε-NFA over bytes for a {@link Regex}: each {@link Regex.Chars} becomes a copy of
 * its set's {@link Utf8SetAutomaton}, and the operators are wired with ε-edges. Counted repetition
 * {@code r{m,n}} is laid out as m copies followed by n-m nested optional copies
 * ({@code (r(r(r)?)?)?}), so that after reading k copies the automaton sits in a single place; a
 * flat {@code r?r?r?} would let every prefix land in many copies at once and make subset
 * construction quadratic.
 *
 * <p>The edges are stored as compressed adjacency arrays (per-state offsets into flat arrays), which
 * is what {@link SubsetConstruction} walks.
 */
final class ByteNfa {
    final int stateCount;
    final int start;
    final int accept;
    final int[] epsOffsets;
    final int[] epsTargets;
    final int[] rangeOffsets;
    final int[] rangeLo;
    final int[] rangeHi;
    final int[] rangeTargets;

    private ByteNfa(Builder b, int start, int accept) {
        this.stateCount = b.states;
        this.start = start;
        this.accept = accept;
        epsOffsets = new int[stateCount + 1];
        epsTargets = new int[b.epsCount];
        csr(b.epsFrom, b.epsCount, epsOffsets, new int[][] {b.epsTo}, new int[][] {epsTargets});
        rangeOffsets = new int[stateCount + 1];
        rangeLo = new int[b.rangeCount];
        rangeHi = new int[b.rangeCount];
        rangeTargets = new int[b.rangeCount];
        csr(b.rangeFrom, b.rangeCount, rangeOffsets, new int[][] {b.rangeLoList, b.rangeHiList, b.rangeTo},
                new int[][] {rangeLo, rangeHi, rangeTargets});
    }

    /** Counting sort of edges by source state into offsets + parallel column arrays. */
    private static void csr(int[] from, int count, int[] offsets, int[][] columns, int[][] out) {
        for (int i = 0; i < count; i++) {
            offsets[from[i] + 1]++;
        }
        for (int i = 1; i < offsets.length; i++) {
            offsets[i] += offsets[i - 1];
        }
        int[] fill = Arrays.copyOf(offsets, offsets.length - 1);
        for (int i = 0; i < count; i++) {
            int slot = fill[from[i]]++;
            for (int c = 0; c < columns.length; c++) {
                out[c][slot] = columns[c][i];
            }
        }
    }

    /**
     * Builds the NFA for {@code regex}.
     *
     * @throws GrammarException if the NFA would exceed {@code maxStates} states
     */
    static ByteNfa build(Regex regex, int maxStates, Supplier<String> description) {
        Builder b = new Builder(maxStates, description);
        long estimate = b.estimate(regex);
        if (estimate > maxStates) {
            throw b.tooLarge();
        }
        int[] fragment = b.fragment(regex);
        return new ByteNfa(b, fragment[0], fragment[1]);
    }

    /**
     * The byte NFA of a deterministic automaton over code points (state {@code i}'s edges are
     * {@code sets[k]} to {@code targets[k]} for the k with {@code from[k] == i}): each edge becomes
     * a copy of its set's UTF-8 automaton. For languages that are simplest as automata (e.g. the
     * ordered simulation of an ANTLR lexer rule), where a regex from state elimination can be
     * exponentially large.
     */
    static ByteNfa ofCodePointAutomaton(int states, int start, boolean[] accepting, int[] from, CodePointSet[] sets,
                                        int[] targets, int maxStates, Supplier<String> description) {
        Builder b = new Builder(maxStates, description);
        int[] map = new int[states];
        for (int i = 0; i < states; i++) {
            map[i] = b.newState();
        }
        int accept = b.newState();
        for (int i = 0; i < states; i++) {
            if (accepting[i]) {
                b.epsilon(map[i], accept);
            }
        }
        for (int k = 0; k < from.length; k++) {
            int[] f = b.chars(b.template(sets[k]));
            b.epsilon(map[from[k]], f[0]);
            b.epsilon(f[1], map[targets[k]]);
        }
        return new ByteNfa(b, map[start], accept);
    }

    private static final class Builder {
        final int maxStates;
        final Supplier<String> description;
        final Map<CodePointSet, Utf8SetAutomaton> templates = new HashMap<>();
        int states;
        int[] epsFrom = new int[64];
        int[] epsTo = new int[64];
        int epsCount;
        int[] rangeFrom = new int[64];
        int[] rangeLoList = new int[64];
        int[] rangeHiList = new int[64];
        int[] rangeTo = new int[64];
        int rangeCount;

        Builder(int maxStates, Supplier<String> description) {
            this.maxStates = maxStates;
            this.description = description;
        }

        GrammarException tooLarge() {
            return new GrammarException("Regex " + description.get() + " is too large to compile: its byte automaton "
                    + "would exceed " + maxStates + " NFA states (reduce repetition counts or large Unicode classes "
                    + "inside repetitions)");
        }

        Utf8SetAutomaton template(CodePointSet set) {
            return templates.computeIfAbsent(set, Utf8SetAutomaton::shared);
        }

        /** States that {@link #fragment} will allocate, saturating at Long.MAX_VALUE / 4. */
        long estimate(Regex r) {
            if (r instanceof Regex.Empty) {
                return 1;
            } else if (r instanceof Regex.Nothing) {
                return 2;
            } else if (r instanceof Regex.Chars c) {
                return template(c.set()).nodeCount();
            } else if (r instanceof Regex.Seq s) {
                long sum = 0;
                for (Regex item : s.items()) {
                    sum = cap(sum + estimate(item));
                }
                return sum;
            } else if (r instanceof Regex.Alt a) {
                long sum = 2;
                for (Regex alt : a.alternatives()) {
                    sum = cap(sum + estimate(alt));
                }
                return sum;
            } else {
                Regex.Repeat rep = (Regex.Repeat) r;
                long body = estimate(rep.body());
                long copies = rep.max() == Regex.UNBOUNDED ? rep.min() + 1L : rep.max();
                return cap(cap(copies * (body + 1)) + 2);
            }
        }

        private static long cap(long v) {
            return Math.min(v, Long.MAX_VALUE / 4);
        }

        int newState() {
            if (states >= maxStates) {
                throw tooLarge();
            }
            return states++;
        }

        void epsilon(int from, int to) {
            if (epsCount == epsFrom.length) {
                epsFrom = Arrays.copyOf(epsFrom, epsCount * 2);
                epsTo = Arrays.copyOf(epsTo, epsCount * 2);
            }
            epsFrom[epsCount] = from;
            epsTo[epsCount++] = to;
        }

        void range(int from, int lo, int hi, int to) {
            if (rangeCount == rangeFrom.length) {
                int n = rangeCount * 2;
                rangeFrom = Arrays.copyOf(rangeFrom, n);
                rangeLoList = Arrays.copyOf(rangeLoList, n);
                rangeHiList = Arrays.copyOf(rangeHiList, n);
                rangeTo = Arrays.copyOf(rangeTo, n);
            }
            rangeFrom[rangeCount] = from;
            rangeLoList[rangeCount] = lo;
            rangeHiList[rangeCount] = hi;
            rangeTo[rangeCount++] = to;
        }

        /** {start, end}: the end state has no outgoing edges yet except where noted (star loops). */
        int[] fragment(Regex r) {
            if (r instanceof Regex.Empty) {
                int s = newState();
                return new int[] {s, s};
            } else if (r instanceof Regex.Nothing) {
                return new int[] {newState(), newState()};
            } else if (r instanceof Regex.Chars c) {
                return chars(template(c.set()));
            } else if (r instanceof Regex.Seq s) {
                int[] whole = null;
                for (Regex item : s.items()) {
                    whole = concat(whole, fragment(item));
                }
                return whole == null ? fragment(Regex.empty()) : whole;
            } else if (r instanceof Regex.Alt a) {
                int s = newState();
                int e = newState();
                for (Regex alt : a.alternatives()) {
                    int[] f = fragment(alt);
                    epsilon(s, f[0]);
                    epsilon(f[1], e);
                }
                return new int[] {s, e};
            } else {
                return repeat((Regex.Repeat) r);
            }
        }

        private int[] concat(int[] first, int[] second) {
            if (first == null) {
                return second;
            }
            epsilon(first[1], second[0]);
            return new int[] {first[0], second[1]};
        }

        private int[] chars(Utf8SetAutomaton t) {
            int[] map = new int[t.nodeCount()];
            int start = newState();
            int end = newState();
            for (int n = 0; n < map.length; n++) {
                map[n] = n == Utf8SetAutomaton.ACCEPT ? end : n == t.root ? start : newState();
            }
            for (int n = 0; n < map.length; n++) {
                int[] edges = t.edges[n];
                for (int i = 0; i < edges.length; i += 3) {
                    range(map[n], edges[i], edges[i + 1], map[edges[i + 2]]);
                }
            }
            return new int[] {start, end};
        }

        private int[] repeat(Regex.Repeat rep) {
            int[] whole = null;
            for (int i = 0; i < rep.min(); i++) {
                whole = concat(whole, fragment(rep.body()));
            }
            if (rep.max() == Regex.UNBOUNDED) {
                // loop state: enter the body or leave; the body returns to the loop state
                int loop = newState();
                int[] body = fragment(rep.body());
                epsilon(loop, body[0]);
                epsilon(body[1], loop);
                return concat(whole, new int[] {loop, loop});
            }
            int optional = rep.max() - rep.min();
            if (optional == 0) {
                return whole == null ? fragment(Regex.empty()) : whole;
            }
            int exit = newState();
            int[] tail = null;
            for (int i = 0; i < optional; i++) {
                // each level may stop here (-> exit) or read one more copy
                int level = newState();
                epsilon(level, exit);
                int[] body = fragment(rep.body());
                epsilon(level, body[0]);
                tail = tail == null ? new int[] {level, body[1]} : concat(tail, new int[] {level, body[1]});
            }
            epsilon(tail[1], exit);
            return concat(whole, new int[] {tail[0], exit});
        }
    }
}
