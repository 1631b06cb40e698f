package dev.stencil.grammars;

import dev.stencil.automata.GrammarException;
import dev.stencil.automata.ir.Expr;
import dev.stencil.automata.ir.Grammar;
import dev.stencil.automata.ir.Lexeme;
import dev.stencil.automata.regex.ByteDfa;
import dev.stencil.automata.regex.Regex;
import dev.stencil.grammars.GbnfGrammarReader.AltN;
import dev.stencil.grammars.GbnfGrammarReader.Cls;
import dev.stencil.grammars.GbnfGrammarReader.Lit;
import dev.stencil.grammars.GbnfGrammarReader.Node;
import dev.stencil.grammars.GbnfGrammarReader.RepN;
import dev.stencil.grammars.GbnfGrammarReader.RuleRef;
import dev.stencil.grammars.GbnfGrammarReader.SeqN;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translates parsed GBNF rules to the grammar IR with as few lexeme boundaries as the engine's
 * maximal munch allows.
 *
 * <p>The plain translation (one lexeme per class and per literal, see {@link GbnfGrammarReader})
 * makes nearly every byte a lexeme boundary, and boundaries are what make masks slow. Here every
 * maximal <em>regular</em> sub-expression of a rule body (made of literals, classes, groups,
 * repetitions and references to rules that are themselves regular and not recursive) becomes one
 * lexeme whose regex is built from the parts, provided that maximal munch provably cannot lose a
 * split the grammar needs. Sub-expressions that fail the test are retried piece by piece (their
 * children), down to today's single-character lexemes.
 *
 * <p><b>The safety test.</b> The engine lexes by maximal munch over <em>every</em> lexeme the
 * parser allows at a boundary: a lexeme ends only when the next byte extends none of them. So a
 * split {@code w | b...} (lexeme X matched {@code w}, the next lexeme starts with byte {@code b}) is
 * lost exactly when {@code w b} is a prefix of some lexeme Y that was in play together with X. For
 * each lexeme X we compute, on the final lexeme set, its byte-level FOLLOW (the first bytes of every
 * lexeme that can come next, through nullable symbols and through the rule's own FOLLOW at its end)
 * and the lexemes that can be in play with it: those that can follow the same lexeme, or follow two
 * lexemes that can match the same text (both readings are kept alive), or start the grammar. If for
 * no such Y (X itself included: "no accepting state of X's automaton continues on a FOLLOW byte") a
 * word of X followed by a FOLLOW byte of X is a prefix of a word of Y, every split the grammar needs
 * is one maximal munch takes, so the language (and every prefix's viability) is unchanged. The
 * plain translation's lexemes are prefix-free, so they never fail the test among themselves; a
 * failure always involves a merged lexeme, and that one is taken apart. Taking a lexeme apart adds
 * lexemes and changes FOLLOW sets, so the test runs again until nothing fails. A merged lexeme
 * never matches the empty string, and one whose automaton would be large is not built.
 */
final class GbnfLexemeMerger {
    /** Merged sub-expressions larger than this (characters, with repetitions multiplied out) stay split. */
    static final int MAX_REGEX_SIZE = 6_000;
    /** State cap for a merged lexeme's automaton; beyond it the sub-expression stays split. */
    static final int MAX_DFA_STATES = 4_000;

    private final String file;
    private final Map<String, Node> rules;
    private final Set<String> regularRules = new HashSet<>();
    /** Nodes currently translated as one lexeme (identity: equal subtrees in two places are separate decisions). */
    private final Set<Node> merged = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<Node, Lexeme> lexemeOf = new IdentityHashMap<>();
    private final Map<String, Dfa> dfaByKey = new HashMap<>();

    private GbnfLexemeMerger(String file, Map<String, Node> rules) {
        this.file = file;
        this.rules = rules;
    }

    /** The IR for {@code rules} (in definition order, {@code root} among them) with merged lexemes. */
    static Grammar translate(String file, Map<String, Node> rules) {
        GbnfLexemeMerger m = new GbnfLexemeMerger(file, new LinkedHashMap<>(rules));
        m.findRegularRules();
        m.rules.replaceAll((name, body) -> m.groupRuns(body));
        m.rules.values().forEach(m::seed);
        while (true) {
            Grammar g = m.build();
            Set<String> unsafe = m.unsafeLexemes(g);
            if (unsafe.isEmpty()) {
                return g;
            }
            for (Node n : List.copyOf(m.merged)) {
                if (unsafe.contains(m.lexemeOf.get(n).key())) {
                    m.demote(n);
                }
            }
        }
    }

    // ---------------------------------------------------------------- which sub-expressions

    /** Rules whose references all lead to regular rules; rules on a cycle never qualify. */
    private void findRegularRules() {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Map.Entry<String, Node> r : rules.entrySet()) {
                if (!regularRules.contains(r.getKey()) && isRegular(r.getValue())) {
                    regularRules.add(r.getKey());
                    changed = true;
                }
            }
        }
    }

    private boolean isRegular(Node n) {
        if (n instanceof RuleRef r) {
            return regularRules.contains(r.name());
        } else if (n instanceof SeqN s) {
            return s.parts().stream().allMatch(this::isRegular);
        } else if (n instanceof AltN a) {
            return a.alternatives().stream().allMatch(this::isRegular);
        } else if (n instanceof RepN r) {
            return isRegular(r.body());
        }
        return true;
    }

    /**
     * In a sequence that is not regular as a whole, regroups each run of two or more regular parts
     * into a sequence node of its own, so that the run can become one lexeme.
     */
    private Node groupRuns(Node n) {
        if (n instanceof SeqN s) {
            List<Node> parts = s.parts().stream().map(this::groupRuns).toList();
            if (parts.stream().allMatch(this::isRegular)) {
                return new SeqN(parts);
            }
            List<Node> out = new ArrayList<>();
            List<Node> run = new ArrayList<>();
            for (Node p : parts) {
                if (isRegular(p)) {
                    run.add(p);
                } else {
                    flushRun(run, out);
                    out.add(p);
                }
            }
            flushRun(run, out);
            return new SeqN(out);
        } else if (n instanceof AltN a) {
            return new AltN(a.alternatives().stream().map(this::groupRuns).toList());
        } else if (n instanceof RepN r) {
            return new RepN(groupRuns(r.body()), r.min(), r.max());
        }
        return n;
    }

    private static void flushRun(List<Node> run, List<Node> out) {
        if (run.size() == 1) {
            out.add(run.get(0));
        } else if (!run.isEmpty()) {
            out.add(new SeqN(List.copyOf(run)));
        }
        run.clear();
    }

    /** Marks the topmost mergeable nodes under {@code n} (n itself if it qualifies). */
    private void seed(Node n) {
        if (isCandidate(n)) {
            merged.add(n);
            return;
        }
        children(n).forEach(this::seed);
    }

    /** Takes a merged node apart: its children get their own chance. */
    private void demote(Node n) {
        merged.remove(n);
        lexemeOf.remove(n);
        children(n).forEach(this::seed);
    }

    private static List<Node> children(Node n) {
        if (n instanceof SeqN s) {
            return s.parts();
        } else if (n instanceof AltN a) {
            return a.alternatives();
        } else if (n instanceof RepN r) {
            return List.of(r.body());
        }
        return List.of(); // a reference's rule body is seeded as a rule of its own
    }

    /**
     * Whether {@code n} may be tried as one lexeme: regular, more than a plain literal, class or
     * reference (those already are, or stand for, one lexeme), not nullable (a lexeme cannot match
     * the empty string), and small enough to build, with an automaton under the state cap.
     */
    private boolean isCandidate(Node n) {
        if (n instanceof Lit || n instanceof Cls || n instanceof RuleRef || !isRegular(n) || nullable(n)
                || size(n) > MAX_REGEX_SIZE) {
            return false;
        }
        Regex regex = regex(n);
        Lexeme lexeme = Lexeme.of("gbnf " + regex, regex);
        try {
            dfa(lexeme);
        } catch (GrammarException tooLarge) {
            return false; // over the state cap: the sub-expression stays split
        }
        lexemeOf.put(n, lexeme);
        return true;
    }

    private boolean nullable(Node n) {
        if (n instanceof Lit l) {
            return l.text().isEmpty();
        } else if (n instanceof Cls) {
            return false;
        } else if (n instanceof RuleRef r) {
            return nullable(rules.get(r.name())); // only asked of regular (acyclic) rules
        } else if (n instanceof SeqN s) {
            return s.parts().stream().allMatch(this::nullable);
        } else if (n instanceof AltN a) {
            return a.alternatives().stream().anyMatch(this::nullable);
        }
        RepN r = (RepN) n;
        return r.min() == 0 || nullable(r.body());
    }

    /** A rough size of the regex once repetitions are multiplied out, saturating. */
    private long size(Node n) {
        long s;
        if (n instanceof Lit l) {
            s = Math.max(1, l.text().length());
        } else if (n instanceof Cls c) {
            s = c.set().rangeCount();
        } else if (n instanceof RuleRef r) {
            s = size(rules.get(r.name()));
        } else if (n instanceof SeqN q) {
            s = q.parts().stream().mapToLong(this::size).sum();
        } else if (n instanceof AltN a) {
            s = a.alternatives().stream().mapToLong(this::size).sum();
        } else {
            RepN r = (RepN) n;
            s = size(r.body()) * (r.max() == -1 ? Math.max(1, r.min()) + 1 : r.max());
        }
        return Math.min(s, Integer.MAX_VALUE);
    }

    private Regex regex(Node n) {
        if (n instanceof Lit l) {
            return l.text().isEmpty() ? Regex.empty() : Regex.literal(l.text());
        } else if (n instanceof Cls c) {
            return Regex.chars(c.set());
        } else if (n instanceof RuleRef r) {
            return regex(rules.get(r.name()));
        } else if (n instanceof SeqN s) {
            return Regex.seq(s.parts().stream().map(this::regex).toList());
        } else if (n instanceof AltN a) {
            return Regex.alt(a.alternatives().stream().map(this::regex).toList());
        }
        RepN r = (RepN) n;
        return Regex.repeat(regex(r.body()), r.min(), r.max());
    }

    // ---------------------------------------------------------------- the IR

    private Grammar build() {
        // the plain translation's literal splitting only concerns lexemes outside merged nodes
        List<Node> rest = rules.values().stream().map(this::withoutMerged).toList();
        Set<String> whole = GbnfGrammarReader.wholeLiterals(rest);
        Grammar.Builder b = Grammar.builder(file);
        rules.forEach((name, body) -> b.rule(name, toExpr(body, whole)));
        return b.start(GbnfGrammarReader.START).build();
    }

    private Node withoutMerged(Node n) {
        if (merged.contains(n)) {
            return new Lit("");
        } else if (n instanceof SeqN s) {
            return new SeqN(s.parts().stream().map(this::withoutMerged).toList());
        } else if (n instanceof AltN a) {
            return new AltN(a.alternatives().stream().map(this::withoutMerged).toList());
        } else if (n instanceof RepN r) {
            return new RepN(withoutMerged(r.body()), r.min(), r.max());
        }
        return n;
    }

    private Expr toExpr(Node n, Set<String> whole) {
        if (merged.contains(n)) {
            return Expr.lex(lexemeOf.get(n));
        } else if (n instanceof Lit l) {
            return GbnfGrammarReader.literal(l.text(), whole);
        } else if (n instanceof Cls c) {
            return Expr.lex(GbnfGrammarReader.charClass(c.set()));
        } else if (n instanceof RuleRef r) {
            return Expr.ref(r.name());
        } else if (n instanceof SeqN s) {
            return new Expr.Seq(s.parts().stream().map(p -> toExpr(p, whole)).toList());
        } else if (n instanceof AltN a) {
            return new Expr.Alt(a.alternatives().stream().map(p -> toExpr(p, whole)).toList());
        }
        RepN r = (RepN) n;
        return Expr.repeat(toExpr(r.body(), whole), r.min(), r.max());
    }

    // ---------------------------------------------------------------- the safety test

    /** Keys of the merged lexemes that fail the maximal-munch test on grammar {@code g}. */
    private Set<String> unsafeLexemes(Grammar g) {
        LexemeFlow flow = new LexemeFlow(g);
        List<String> keys = new ArrayList<>(flow.lexemes.keySet());
        Set<String> mergedKeys = new HashSet<>();
        merged.forEach(n -> mergedKeys.add(lexemeOf.get(n).key()));

        // groups of lexemes that can be in play at one boundary
        List<Set<String>> groups = new ArrayList<>();
        groups.add(flow.first(g.rules().get(g.start())));
        for (String z : keys) {
            groups.add(flow.follow.get(z));
        }
        for (int i = 0; i < keys.size(); i++) {
            for (int j = i + 1; j < keys.size(); j++) {
                Dfa a = dfa(flow.lexemes.get(keys.get(i)));
                Dfa b = dfa(flow.lexemes.get(keys.get(j)));
                if (a.overlaps(b)) { // both readings of the shared text stay alive
                    Set<String> u = new HashSet<>(flow.follow.get(keys.get(i)));
                    u.addAll(flow.follow.get(keys.get(j)));
                    groups.add(u);
                }
            }
        }
        Map<String, Set<String>> together = new HashMap<>();
        for (Set<String> grp : groups) {
            for (String x : grp) {
                together.computeIfAbsent(x, k -> new HashSet<>()).addAll(grp);
            }
        }

        Set<String> unsafe = new HashSet<>();
        for (String x : keys) {
            BitSet followBytes = new BitSet(256);
            for (String y : flow.follow.get(x)) {
                followBytes.or(dfa(flow.lexemes.get(y)).firstBytes);
            }
            Dfa dx = dfa(flow.lexemes.get(x));
            for (String y : together.getOrDefault(x, Set.of(x))) {
                if (!mergedKeys.contains(x) && !mergedKeys.contains(y)) {
                    continue; // plain lexemes are prefix-free: they cannot fail among themselves
                }
                if (dx.munchesInto(dfa(flow.lexemes.get(y)), followBytes)) {
                    if (mergedKeys.contains(x)) {
                        unsafe.add(x);
                    }
                    if (mergedKeys.contains(y)) {
                        unsafe.add(y);
                    }
                }
            }
            // X alone: an accepting state continuing on a FOLLOW byte (X is always in play with itself)
            if (mergedKeys.contains(x) && dx.munchesInto(dx, followBytes)) {
                unsafe.add(x);
            }
        }
        return unsafe;
    }

    private Dfa dfa(Lexeme lexeme) {
        Dfa d = dfaByKey.get(lexeme.key());
        if (d == null) {
            ByteDfa compiled = lexeme.regex() != null ? ByteDfa.compile(lexeme.regex(), MAX_DFA_STATES) : lexeme.compile();
            d = new Dfa(compiled);
            dfaByKey.put(lexeme.key(), d);
        }
        return d;
    }

    /** Lexeme-level FIRST and FOLLOW sets of an IR grammar (lexemes by key). */
    private static final class LexemeFlow {
        final Map<String, Lexeme> lexemes = new LinkedHashMap<>();
        final Map<String, Set<String>> follow = new HashMap<>();
        private final Grammar g;
        private final Map<String, Boolean> nullableRule = new HashMap<>();
        private final Map<String, Set<String>> firstRule = new HashMap<>();
        private final Map<String, Set<String>> followRule = new HashMap<>();
        private boolean changed;

        LexemeFlow(Grammar g) {
            this.g = g;
            g.rules().keySet().forEach(r -> {
                nullableRule.put(r, false);
                firstRule.put(r, new HashSet<>());
                followRule.put(r, new HashSet<>());
            });
            do { // nullable and FIRST of rules, to a fixed point
                changed = false;
                g.rules().forEach((name, body) -> {
                    if (!nullableRule.get(name) && nullable(body)) {
                        nullableRule.put(name, true);
                        changed = true;
                    }
                    if (firstRule.get(name).addAll(first(body))) {
                        changed = true;
                    }
                });
            } while (changed);
            do { // FOLLOW of rules and lexemes, to a fixed point
                changed = false;
                g.rules().forEach((name, body) -> walk(body, Set.copyOf(followRule.get(name))));
            } while (changed);
        }

        boolean nullable(Expr e) {
            if (e instanceof Expr.Terminal) {
                return false;
            } else if (e instanceof Expr.Ref r) {
                return nullableRule.get(r.rule());
            } else if (e instanceof Expr.Seq s) {
                return s.parts().stream().allMatch(this::nullable);
            } else if (e instanceof Expr.Alt a) {
                return a.alternatives().stream().anyMatch(this::nullable);
            }
            Expr.Repeat r = (Expr.Repeat) e;
            return r.min() == 0 || r.max() == 0 || nullable(r.body());
        }

        Set<String> first(Expr e) {
            Set<String> out = new HashSet<>();
            if (e instanceof Expr.Terminal t) {
                lexemes.putIfAbsent(t.lexeme().key(), t.lexeme());
                follow.computeIfAbsent(t.lexeme().key(), k -> new HashSet<>());
                out.add(t.lexeme().key());
            } else if (e instanceof Expr.Ref r) {
                out.addAll(firstRule.get(r.rule()));
            } else if (e instanceof Expr.Seq s) {
                for (Expr p : s.parts()) {
                    out.addAll(first(p));
                    if (!nullable(p)) {
                        break;
                    }
                }
            } else if (e instanceof Expr.Alt a) {
                a.alternatives().forEach(p -> out.addAll(first(p)));
            } else {
                Expr.Repeat r = (Expr.Repeat) e;
                if (r.max() != 0) {
                    out.addAll(first(r.body()));
                }
            }
            return out;
        }

        /** Records that the lexemes in {@code after} can follow {@code e}. */
        private void walk(Expr e, Set<String> after) {
            if (e instanceof Expr.Terminal t) {
                lexemes.putIfAbsent(t.lexeme().key(), t.lexeme());
                follow.computeIfAbsent(t.lexeme().key(), k -> new HashSet<>()).addAll(after);
            } else if (e instanceof Expr.Ref r) {
                if (followRule.get(r.rule()).addAll(after)) {
                    changed = true;
                }
            } else if (e instanceof Expr.Seq s) {
                Set<String> a = after;
                for (int i = s.parts().size() - 1; i >= 0; i--) {
                    Expr p = s.parts().get(i);
                    walk(p, a);
                    Set<String> next = new HashSet<>(first(p));
                    if (nullable(p)) {
                        next.addAll(a);
                    }
                    a = next;
                }
            } else if (e instanceof Expr.Alt alt) {
                alt.alternatives().forEach(p -> walk(p, after));
            } else {
                Expr.Repeat r = (Expr.Repeat) e;
                if (r.max() == 0) {
                    return;
                }
                Set<String> a = after;
                if (r.max() != 1) { // the body can follow itself
                    a = new HashSet<>(after);
                    a.addAll(first(r.body()));
                }
                walk(r.body(), a);
            }
        }
    }

    /** A lexeme automaton with what the test needs: live states and first bytes. */
    private static final class Dfa {
        final ByteDfa dfa;
        final boolean[] live;
        final BitSet firstBytes = new BitSet(256);

        Dfa(ByteDfa dfa) {
            this.dfa = dfa;
            int n = dfa.stateCount();
            live = new boolean[n];
            for (int s = 0; s < n; s++) {
                live[s] = dfa.isAccepting(s);
            }
            boolean changed = true;
            while (changed) { // states from which an accepting state is reachable
                changed = false;
                for (int s = 0; s < n; s++) {
                    if (!live[s]) {
                        for (int b = 0; b < 256; b++) {
                            int t = dfa.next(s, b);
                            if (t >= 0 && live[t]) {
                                live[s] = true;
                                changed = true;
                                break;
                            }
                        }
                    }
                }
            }
            for (int b = 0; b < 256; b++) {
                if (step(0, b) >= 0) {
                    firstBytes.set(b);
                }
            }
        }

        /** The next state, or -1 when the byte is refused or leads where nothing is accepted. */
        int step(int s, int b) {
            int t = dfa.next(s, b);
            return t >= 0 && live[t] ? t : -1;
        }

        /**
         * Whether some word {@code w} of this lexeme and some byte {@code b} of {@code followBytes}
         * make {@code w b} a prefix of a word of {@code other}: then maximal munch would go on
         * into {@code other} where the grammar needs a boundary after {@code w}.
         */
        boolean munchesInto(Dfa other, BitSet followBytes) {
            return search(other, (x, y) -> {
                if (!dfa.isAccepting(x)) {
                    return false;
                }
                for (int b = followBytes.nextSetBit(0); b >= 0; b = followBytes.nextSetBit(b + 1)) {
                    if (other.step(y, b) >= 0) {
                        return true;
                    }
                }
                return false;
            });
        }

        /** Whether some word is accepted by both automata. */
        boolean overlaps(Dfa other) {
            return search(other, (x, y) -> dfa.isAccepting(x) && other.dfa.isAccepting(y));
        }

        private interface PairTest {
            boolean test(int x, int y);
        }

        /** Breadth-first search of the product automaton for a reachable pair passing {@code t}. */
        private boolean search(Dfa other, PairTest t) {
            long m = other.dfa.stateCount();
            Set<Long> seen = new HashSet<>(); // only the reachable pairs, usually few
            ArrayDeque<int[]> queue = new ArrayDeque<>();
            seen.add(0L);
            queue.add(new int[] {0, 0});
            while (!queue.isEmpty()) {
                int[] p = queue.poll();
                if (t.test(p[0], p[1])) {
                    return true;
                }
                for (int b = 0; b < 256; b++) {
                    int x = step(p[0], b);
                    int y = x < 0 ? -1 : other.step(p[1], b);
                    if (y >= 0 && seen.add(x * m + y)) {
                        queue.add(new int[] {x, y});
                    }
                }
            }
            return false;
        }
    }
}
