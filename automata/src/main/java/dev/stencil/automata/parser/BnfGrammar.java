package dev.stencil.automata.parser;

import dev.stencil.automata.GrammarException;
import dev.stencil.automata.ir.Expr;
import dev.stencil.automata.ir.Grammar;
import dev.stencil.automata.ir.Lexeme;
import dev.stencil.automata.ir.ModeCommand;
import dev.stencil.automata.regex.ByteDfa;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The IR lowered to plain BNF for the Earley parser, plus the lexeme table.
 *
 * <p>Symbols are ints: a nonterminal is {@code >= 0}, lexeme {@code t} is {@code -(t + 1)}.
 * Repetition becomes <em>left</em>-recursive rules ({@code R ::= ε | R e}) on purpose: with left
 * recursion the Earley item sets after every element of a list are identical, so
 * {@link ParseNode} interning turns a 1,000-element array into one parser state instead of 1,000.
 *
 * <p>Item cores (a production with a dot position) are numbered densely so that a parser item is
 * just an int: {@code core = firstCore[production] + dot}.
 */
public final class BnfGrammar {
    /** Marks "the dot is at the end of the production" in {@link #coreNext}. */
    public static final int END = Integer.MIN_VALUE;

    final String grammarName;
    final List<String> ntNames = new ArrayList<>();
    final List<int[]> prodRhsList = new ArrayList<>();
    final List<Integer> prodLhsList = new ArrayList<>();

    // ---- frozen tables (filled by freeze()) ----
    int[][] prodRhs;
    int[] prodLhs;
    int[][] prodsOf;        // nonterminal -> its productions
    boolean[] nullable;
    int[] coreNext;         // symbol after the dot, or END
    int[] coreLhs;          // lhs nonterminal of the core's production
    int[] firstCore;        // production -> core id of dot 0
    int[] coreRank;         // position of the core when sorted by (symbol after the dot, core)
    int[] coreByRank;       // inverse of coreRank
    int startSymbol;        // the augmented start S' ::= start
    int startProduction;

    // ---- lexemes ----
    private final List<Lexeme> lexemes = new ArrayList<>();
    private final Map<Lexeme, Integer> lexemeIds = new LinkedHashMap<>();
    ByteDfa[] dfas;
    boolean[] ignorable;
    boolean[] ignorableRepeatable;
    int[] priority;
    int[] lexemeMode;
    ModeCommand[][] modeCommands;
    boolean[] endOnly;
    List<String> modeNames;

    private final Map<String, Integer> ruleIds = new HashMap<>();
    private final Map<String, Expr> ruleBodies;
    private int synthetic;

    private BnfGrammar(Grammar g) {
        this.grammarName = g.name();
        this.ruleBodies = g.rules();
    }

    /** Lowers {@code g}; throws {@link GrammarException} naming the rule for undefined references, unproductive rules and empty lexemes. */
    public static BnfGrammar lower(Grammar g) {
        BnfGrammar b = new BnfGrammar(g);
        for (String name : g.rules().keySet()) {
            b.ruleIds.put(name, b.newNonterminal(name));
        }
        for (Map.Entry<String, Expr> e : g.rules().entrySet()) {
            int nt = b.ruleIds.get(e.getKey());
            b.addAlternatives(nt, e.getValue(), e.getKey());
        }
        int realStart = b.ruleIds.get(g.start());
        b.startSymbol = b.newNonterminal("<start>");
        b.startProduction = b.addProduction(b.startSymbol, new int[] {realStart});
        for (Grammar.Ignorable ig : g.ignorables()) {
            b.lexemeId(ig.lexeme());
        }
        b.freeze(g);
        return b;
    }

    private int newNonterminal(String name) {
        ntNames.add(name);
        return ntNames.size() - 1;
    }

    private int addProduction(int lhs, int[] rhs) {
        prodLhsList.add(lhs);
        prodRhsList.add(rhs);
        return prodLhsList.size() - 1;
    }

    private int lexemeId(Lexeme l) {
        Integer id = lexemeIds.get(l);
        if (id == null) {
            id = lexemes.size();
            lexemes.add(l);
            lexemeIds.put(l, id);
        }
        return id;
    }

    /** Adds productions for {@code nt ::= body}, splitting a top-level alternation into productions. */
    private void addAlternatives(int nt, Expr body, String where) {
        if (body instanceof Expr.Alt alt) {
            for (Expr a : alt.alternatives()) {
                addAlternatives(nt, a, where);
            }
        } else {
            List<Integer> rhs = new ArrayList<>();
            appendSequence(rhs, body, where);
            addProduction(nt, rhs.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    private void appendSequence(List<Integer> out, Expr e, String where) {
        if (e instanceof Expr.Seq seq) {
            for (Expr p : seq.parts()) {
                appendSequence(out, p, where);
            }
        } else {
            out.add(symbolFor(e, where));
        }
    }

    /** One symbol standing for {@code e}; composite expressions get a fresh nonterminal. */
    private int symbolFor(Expr e, String where) {
        if (e instanceof Expr.Terminal t) {
            return -(lexemeId(t.lexeme()) + 1);
        }
        if (e instanceof Expr.Ref r) {
            Integer id = ruleIds.get(r.rule());
            if (id == null) {
                throw new GrammarException("grammar '" + grammarName + "', rule '" + where
                        + "': reference to undefined rule '" + r.rule() + "'");
            }
            return id;
        }
        if (e instanceof Expr.Repeat rep) {
            return repetition(rep, where);
        }
        int nt = newNonterminal(where + "#" + (++synthetic));
        addAlternatives(nt, e, where);
        return nt;
    }

    private int repetition(Expr.Repeat rep, String where) {
        int body = symbolFor(rep.body(), where);
        int min = rep.min();
        int max = rep.max();
        int nt = newNonterminal(where + "#" + (++synthetic) + "{" + min + "," + (max < 0 ? "" : max) + "}");
        if (max < 0) {
            // R ::= body^min | R body  (left recursion keeps parser states shared, see class doc)
            int[] base = new int[min];
            Arrays.fill(base, body);
            addProduction(nt, base);
            addProduction(nt, new int[] {nt, body});
            return nt;
        }
        // body^min followed by up to (max - min) optional bodies, nested to the right:
        // T_k ::= ε | body T_{k-1}; every optional-length choice is a distinct depth, so no ambiguity.
        int tail = -1;
        for (int k = 1; k <= max - min; k++) {
            int tk = newNonterminal(where + "#" + (++synthetic) + "{opt" + k + "}");
            addProduction(tk, new int[0]);
            addProduction(tk, tail < 0 ? new int[] {body} : new int[] {body, tail});
            tail = tk;
        }
        int[] rhs = new int[min + (tail < 0 ? 0 : 1)];
        Arrays.fill(rhs, 0, min, body);
        if (tail >= 0) {
            rhs[min] = tail;
        }
        addProduction(nt, rhs);
        return nt;
    }

    private void freeze(Grammar g) {
        int nts = ntNames.size();
        int prods = prodLhsList.size();
        prodRhs = prodRhsList.toArray(new int[0][]);
        prodLhs = prodLhsList.stream().mapToInt(Integer::intValue).toArray();
        List<List<Integer>> byNt = new ArrayList<>();
        for (int i = 0; i < nts; i++) {
            byNt.add(new ArrayList<>());
        }
        for (int p = 0; p < prods; p++) {
            byNt.get(prodLhs[p]).add(p);
        }
        prodsOf = new int[nts][];
        for (int i = 0; i < nts; i++) {
            prodsOf[i] = byNt.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        firstCore = new int[prods];
        int cores = 0;
        for (int p = 0; p < prods; p++) {
            firstCore[p] = cores;
            cores += prodRhs[p].length + 1;
        }
        coreNext = new int[cores];
        coreLhs = new int[cores];
        for (int p = 0; p < prods; p++) {
            for (int dot = 0; dot <= prodRhs[p].length; dot++) {
                coreNext[firstCore[p] + dot] = dot < prodRhs[p].length ? prodRhs[p][dot] : END;
                coreLhs[firstCore[p] + dot] = prodLhs[p];
            }
        }
        Integer[] byNext = new Integer[cores];
        for (int c = 0; c < cores; c++) {
            byNext[c] = c;
        }
        Arrays.sort(byNext, (a, b) -> coreNext[a] != coreNext[b] ? Integer.compare(coreNext[a], coreNext[b]) : Integer.compare(a, b));
        coreRank = new int[cores];
        coreByRank = new int[cores];
        for (int r = 0; r < cores; r++) {
            coreByRank[r] = byNext[r];
            coreRank[byNext[r]] = r;
        }
        computeNullable();
        checkProductive();
        predictionsByNt = new java.util.concurrent.atomic.AtomicReferenceArray<>(nts);

        int n = lexemes.size();
        dfas = new ByteDfa[n];
        ignorable = new boolean[n];
        ignorableRepeatable = new boolean[n];
        priority = new int[n];
        for (int t = 0; t < n; t++) {
            Lexeme l = lexemes.get(t);
            try {
                dfas[t] = l.compile();
            } catch (GrammarException e) {
                throw new GrammarException("grammar '" + grammarName + "', lexeme " + l.name() + ": " + e.getMessage(), e);
            }
            if (dfas[t].acceptsEmpty()) {
                throw new GrammarException("grammar '" + grammarName + "', lexeme " + l.name()
                        + " matches the empty string; a lexeme must consume at least one byte");
            }
            priority[t] = g.priority(l);
        }
        modeNames = g.modes();
        lexemeMode = new int[n];
        modeCommands = new ModeCommand[n][];
        endOnly = new boolean[n];
        for (int t = 0; t < n; t++) {
            Lexeme l = lexemes.get(t);
            lexemeMode[t] = g.mode(l);
            modeCommands[t] = g.modeCommands(l).toArray(new ModeCommand[0]);
            endOnly[t] = g.isEndOnly(l);
        }
        checkModeTies();
        for (Grammar.Ignorable ig : g.ignorables()) {
            int t = lexemeIds.get(ig.lexeme());
            ignorable[t] = true;
            ignorableRepeatable[t] = ig.repeatable();
        }
        pruneImpossibleLexemes();
    }

    /**
     * Drops the productions that can never match because they need a lexeme whose language is
     * empty (front ends produce such lexemes, e.g. a JSON Schema enum of strings under
     * {@code type: array}). Keeping them would let the parser predict a path that no bytes can
     * finish: a dead end the masks would walk into.
     */
    private void pruneImpossibleLexemes() {
        boolean any = false;
        for (ByteDfa d : dfas) {
            any |= d.isEmptyLanguage();
        }
        if (!any) {
            return;
        }
        boolean[] productive = new boolean[ntNames.size()];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int p = 0; p < prodLhs.length; p++) {
                if (!productive[prodLhs[p]] && canMatch(p, productive)) {
                    productive[prodLhs[p]] = true;
                    changed = true;
                }
            }
        }
        // If even the start symbol is left without productions the grammar matches nothing (a JSON
        // Schema 'false'): every mask is then empty, the stop token included.
        for (int nt = 0; nt < prodsOf.length; nt++) {
            prodsOf[nt] = Arrays.stream(prodsOf[nt]).filter(p -> canMatch(p, productive)).toArray();
        }
        computeNullable(); // nullability through live productions only (no change in practice)
    }

    private boolean canMatch(int p, boolean[] productive) {
        for (int sym : prodRhs[p]) {
            if (sym >= 0 ? !productive[sym] : dfas[-sym - 1].isEmptyLanguage() && !isEndOfInput(-sym - 1)) {
                return false;
            }
        }
        return true;
    }

    private void computeNullable() {
        nullable = new boolean[ntNames.size()];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int p = 0; p < prodLhs.length; p++) {
                if (nullable[prodLhs[p]]) {
                    continue;
                }
                boolean all = true;
                for (int s : prodRhs[p]) {
                    if (s < 0 || !nullable[s]) {
                        all = false;
                        break;
                    }
                }
                if (all) {
                    nullable[prodLhs[p]] = true;
                    changed = true;
                }
            }
        }
    }

    /**
     * Every nonterminal must derive some string: the mask engine relies on "a non-empty Earley set
     * is a viable prefix", which fails with rules that can never complete.
     */
    private void checkProductive() {
        boolean[] productive = new boolean[ntNames.size()];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int p = 0; p < prodLhs.length; p++) {
                if (productive[prodLhs[p]]) {
                    continue;
                }
                boolean all = true;
                for (int s : prodRhs[p]) {
                    if (s >= 0 && !productive[s]) {
                        all = false;
                        break;
                    }
                }
                if (all) {
                    productive[prodLhs[p]] = true;
                    changed = true;
                }
            }
        }
        for (int nt = 0; nt < productive.length; nt++) {
            if (!productive[nt]) {
                throw new GrammarException("grammar '" + grammarName + "', rule '" + ntNames.get(nt)
                        + "' can never match anything (every alternative recurses without a way out)");
            }
        }
    }

    public String name() {
        return grammarName;
    }

    /**
     * The cores an Earley set gets when it predicts {@code nt}: its productions at dot 0, closed
     * under prediction and under stepping over nullable nonterminals (all with the set itself as
     * origin). The set is the same wherever {@code nt} is predicted, so it is computed once; the
     * parser adds it in one go instead of rediscovering it item by item.
     */
    int[] prediction(int nt) {
        int[] p = predictionTable().get(nt);
        if (p == null) {
            p = computePrediction(nt);
            predictionTable().compareAndSet(nt, null, p);
        }
        return p;
    }

    private java.util.concurrent.atomic.AtomicReferenceArray<int[]> predictionTable() {
        return predictionsByNt;
    }

    private java.util.concurrent.atomic.AtomicReferenceArray<int[]> predictionsByNt;

    private int[] computePrediction(int nt) {
        java.util.BitSet seen = new java.util.BitSet(coreNext.length);
        int[] out = new int[16];
        int n = 0;
        java.util.ArrayDeque<Integer> work = new java.util.ArrayDeque<>();
        for (int p : prodsOf[nt]) {
            if (!seen.get(firstCore[p])) {
                seen.set(firstCore[p]);
                work.add(firstCore[p]);
            }
        }
        while (!work.isEmpty()) {
            int c = work.poll();
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = c;
            int sym = coreNext[c];
            if (sym >= 0) {
                for (int p : prodsOf[sym]) {
                    if (!seen.get(firstCore[p])) {
                        seen.set(firstCore[p]);
                        work.add(firstCore[p]);
                    }
                }
                if (nullable[sym] && !seen.get(c + 1)) {
                    seen.set(c + 1);
                    work.add(c + 1);
                }
            }
        }
        return Arrays.copyOf(out, n);
    }

    public int lexemeCount() {
        return lexemes.size();
    }

    public Lexeme lexeme(int id) {
        return lexemes.get(id);
    }

    public ByteDfa dfa(int lexeme) {
        return dfas[lexeme];
    }

    /** Whether {@code lexeme} is {@link Lexeme#endOfInput()}, which the lexer never produces. */
    public boolean isEndOfInput(int lexeme) {
        return lexemes.get(lexeme).equals(Lexeme.endOfInput());
    }

    public boolean isIgnorable(int lexeme) {
        return ignorable[lexeme];
    }

    public boolean isIgnorableRepeatable(int lexeme) {
        return ignorableRepeatable[lexeme];
    }

    public int priority(int lexeme) {
        return priority[lexeme];
    }

    /**
     * Two lexemes that can end together (same mode, same priority, both normal or both end-only)
     * must run the same mode commands, otherwise the next mode would depend on which of them the
     * parser takes. Front ends give such rules distinct priorities; this catches any that do not.
     */
    private void checkModeTies() {
        for (int a = 0; a < lexemeMode.length; a++) {
            for (int b = a + 1; b < lexemeMode.length; b++) {
                if (lexemeMode[a] == lexemeMode[b] && priority[a] == priority[b] && endOnly[a] == endOnly[b]
                        && !Arrays.equals(modeCommands[a], modeCommands[b])) {
                    throw new GrammarException("grammar '" + grammarName + "': lexemes " + lexemes.get(a).name() + " and "
                            + lexemes.get(b).name() + " tie at priority " + priority[a] + " but run different mode commands");
                }
            }
        }
    }

    /** Number of lexer modes (1 for a grammar without modes). */
    public int modeCount() {
        return modeNames.size();
    }

    public String modeName(int mode) {
        return modeNames.get(mode);
    }

    /** The mode whose boundaries {@code lexeme} competes at. */
    public int lexemeMode(int lexeme) {
        return lexemeMode[lexeme];
    }

    /** The mode commands {@code lexeme} runs when it ends; do not modify. */
    public ModeCommand[] modeCommands(int lexeme) {
        return modeCommands[lexeme];
    }

    /** Whether {@code lexeme} may end only at the end of the input. */
    public boolean isEndOnly(int lexeme) {
        return endOnly[lexeme];
    }

    public int nonterminalCount() {
        return ntNames.size();
    }

    public String nonterminalName(int nt) {
        return ntNames.get(nt);
    }

    public int productionCount() {
        return prodLhs.length;
    }

    public int productionLhs(int p) {
        return prodLhs[p];
    }

    public int[] productionRhs(int p) {
        return prodRhs[p].clone();
    }

    public int[] productionsOf(int nt) {
        return prodsOf[nt].clone();
    }

    public boolean isNullable(int nt) {
        return nullable[nt];
    }

    public int startSymbol() {
        return startSymbol;
    }

    public int startProduction() {
        return startProduction;
    }

    public int[] ignorableLexemes() {
        List<Integer> out = new ArrayList<>();
        for (int t = 0; t < ignorable.length; t++) {
            if (ignorable[t]) {
                out.add(t);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
