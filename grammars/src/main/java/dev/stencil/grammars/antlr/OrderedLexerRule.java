package dev.stencil.grammars.antlr;

import dev.stencil.automata.regex.ByteDfa;
import dev.stencil.automata.regex.CodePointSet;
import dev.stencil.automata.regex.Regex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The language of one lexer rule with non-greedy loops, as ANTLR's lexer matches it.
 *
 * <p>A non-greedy rule is not a plain regular expression: ANTLR's {@code LexerATNSimulator} keeps
 * the rule's configurations in priority order (alternatives in written order; at a non-greedy
 * decision the exit before the loop), and once one configuration reaches the end of the rule, every
 * later one that has passed a non-greedy decision is dropped, while earlier ones live on and may
 * still give a longer match. So {@code '/' ('\\' '/' | ~'/')*? '/' [a-z]*} matches {@code /\/x/i}
 * whole: the thread that read {@code \/} as an escape comes first and survives the accept of
 * {@code /\/}. Cutting the rule to its shortest matches (what this translation did before) loses
 * that text and the trailing flags.
 *
 * <p>This class builds a small Thompson automaton over code points with ordered epsilon edges from
 * the rule's alternatives (the caller translates sets and inlines fragments), runs the same ordered
 * simulation as a subset construction whose states are ordered configuration lists, and returns the
 * accepted language as a minimal byte DFA (built from the code-point DFA directly: state elimination to a
 * regex can be exponential, as for C++'s raw strings).
 */
final class OrderedLexerRule {
    /** Hard cap on DFA states: a non-greedy rule that grows past it is reported, not compiled slowly. */
    static final int MAX_STATES = 20_000;

    // NFA: per state either ordered epsilon targets, or one code-point edge
    private final List<int[]> eps = new ArrayList<>();
    private final List<CodePointSet> edgeSet = new ArrayList<>();
    private final List<Integer> edgeTarget = new ArrayList<>();
    private final List<Boolean> nonGreedyDecision = new ArrayList<>();
    /** States whose one edge is the {@code EOF} symbol (its target is in {@link #edgeTarget}). */
    private final List<Boolean> eofEdge = new ArrayList<>();
    private int stop = -1;
    private ByteDfa atEof;

    int newState() {
        eps.add(new int[0]);
        edgeSet.add(null);
        edgeTarget.add(-1);
        nonGreedyDecision.add(false);
        eofEdge.add(false);
        return eps.size() - 1;
    }

    void epsilon(int from, int... to) {
        int[] old = eps.get(from);
        int[] n = java.util.Arrays.copyOf(old, old.length + to.length);
        System.arraycopy(to, 0, n, old.length, to.length);
        eps.set(from, n);
    }

    void edge(int from, CodePointSet set, int to) {
        edgeSet.set(from, set);
        edgeTarget.set(from, to);
    }

    /** An edge on ANTLR's {@code EOF} symbol: matched, without consuming anything, at the end of the input. */
    void eofEdge(int from, int to) {
        eofEdge.set(from, true);
        edgeTarget.set(from, to);
    }

    void markNonGreedy(int state) {
        nonGreedyDecision.set(state, true);
    }

    /** A configuration: NFA state and whether it has passed a non-greedy decision. */
    private record Cfg(int state, boolean ng) {
    }

    /**
     * The rule's language from {@code start} to {@code stop}.
     *
     * @throws IllegalStateException past {@link #MAX_STATES}
     */
    ByteDfa language(String name, int start, int stopState) {
        this.stop = stopState;
        List<Cfg> init = new ArrayList<>();
        closure(new Cfg(start, nonGreedyDecision.get(start)), init, new HashSet<>(), false);
        // alphabet atoms: intervals on which every edge set is constant
        TreeSet<Integer> cuts = new TreeSet<>();
        cuts.add(0);
        cuts.add(CodePointSet.MAX_CODE_POINT + 1);
        for (CodePointSet s : edgeSet) {
            if (s != null) {
                for (int i = 0; i < s.rangeCount(); i++) {
                    cuts.add(s.rangeLo(i));
                    cuts.add(s.rangeHi(i) + 1);
                }
            }
        }
        int[] cut = cuts.stream().mapToInt(Integer::intValue).toArray();
        Map<List<Cfg>, Integer> ids = new HashMap<>();
        List<List<Cfg>> states = new ArrayList<>();
        List<Map<Integer, CodePointSet.Builder>> out = new ArrayList<>();
        ids.put(init, 0);
        states.add(init);
        for (int s = 0; s < states.size(); s++) {
            Map<Integer, CodePointSet.Builder> edges = new LinkedHashMap<>();
            out.add(edges);
            for (int a = 0; a + 1 < cut.length; a++) {
                List<Cfg> next = step(states.get(s), cut[a]);
                if (next.isEmpty()) {
                    continue;
                }
                Integer id = ids.get(next);
                if (id == null) {
                    if (states.size() >= MAX_STATES) {
                        throw new IllegalStateException("its non-greedy matching needs more than " + MAX_STATES + " states");
                    }
                    id = states.size();
                    ids.put(next, id);
                    states.add(next);
                }
                edges.computeIfAbsent(id, k -> new CodePointSet.Builder()).add(cut[a], cut[a + 1] - 1);
            }
        }
        boolean[] accepting = new boolean[states.size()];
        boolean[] acceptingAtEof = new boolean[states.size()];
        for (int i = 0; i < states.size(); i++) {
            accepting[i] = states.get(i).stream().anyMatch(c -> c.state() == stop);
            acceptingAtEof[i] = stepEof(states.get(i)).stream().anyMatch(c -> c.state() == stop);
        }
        atEof = eofEdge.contains(true) ? toByteDfa(name + " at EOF", out, acceptingAtEof) : ByteDfa.compile(Regex.nothing());
        return toByteDfa(name, out, accepting);
    }

    /** The code-point DFA (state 0 initial) as a minimal byte DFA; no regex in between, which could be exponential. */
    private static ByteDfa toByteDfa(String name, List<Map<Integer, CodePointSet.Builder>> out, boolean[] accepting) {
        List<Integer> from = new ArrayList<>();
        List<CodePointSet> sets = new ArrayList<>();
        List<Integer> targets = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            for (Map.Entry<Integer, CodePointSet.Builder> e : out.get(i).entrySet()) {
                from.add(i);
                sets.add(e.getValue().build());
                targets.add(e.getKey());
            }
        }
        return ByteDfa.ofCodePointAutomaton("lexer rule " + name, out.size(), 0, accepting,
                from.stream().mapToInt(Integer::intValue).toArray(), sets.toArray(new CodePointSet[0]),
                targets.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * After {@link #language}: the texts that the rule matches when the input ends right after
     * them, through an {@code EOF} edge ({@link Regex#nothing()} for a rule without one).
     */
    ByteDfa languageAtEof() {
        return atEof;
    }

    /** The configurations after the {@code EOF} symbol (same ordered closure as a code point). */
    private List<Cfg> stepEof(List<Cfg> from) {
        List<Cfg> next = new ArrayList<>();
        Set<Cfg> seen = new HashSet<>();
        boolean skip = false;
        for (Cfg c : from) {
            if ((skip && c.ng()) || !eofEdge.get(c.state())) {
                continue;
            }
            int t = edgeTarget.get(c.state());
            if (closure(new Cfg(t, c.ng() || nonGreedyDecision.get(t)), next, seen, skip)) {
                skip = true;
            }
        }
        return next;
    }

    private List<Cfg> step(List<Cfg> from, int cp) {
        List<Cfg> next = new ArrayList<>();
        Set<Cfg> seen = new HashSet<>();
        boolean skip = false;
        for (Cfg c : from) {
            // ANTLR: once a configuration reached the rule's end, later ones past a non-greedy decision die
            if (skip && c.ng()) {
                continue;
            }
            CodePointSet set = edgeSet.get(c.state());
            if (set == null || !set.contains(cp)) {
                continue;
            }
            int t = edgeTarget.get(c.state());
            if (closure(new Cfg(t, c.ng() || nonGreedyDecision.get(t)), next, seen, skip)) {
                skip = true;
            }
        }
        return next;
    }

    /** ANTLR's lexer closure: returns whether the rule's end has been reached (so far, in this step). */
    private boolean closure(Cfg c, List<Cfg> out, Set<Cfg> seen, boolean reached) {
        if (c.state() == stop) {
            if (seen.add(c)) {
                out.add(c);
            }
            return true;
        }
        if (edgeSet.get(c.state()) != null || eofEdge.get(c.state())) {
            if ((!reached || !c.ng()) && seen.add(c)) {
                out.add(c);
            }
            return reached;
        }
        for (int t : eps.get(c.state())) {
            Cfg n = new Cfg(t, c.ng() || nonGreedyDecision.get(t));
            reached = closure(n, out, seen, reached);
        }
        return reached;
    }
}
