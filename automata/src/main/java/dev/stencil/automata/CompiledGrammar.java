package dev.stencil.automata;

import dev.stencil.automata.ir.Grammar;
import dev.stencil.automata.lexer.LexerAutomaton;
import dev.stencil.automata.mask.MaskEngine;
import dev.stencil.automata.mask.VocabularyIndex;
import dev.stencil.automata.parser.BnfGrammar;
import dev.stencil.automata.parser.EarleyParser;

/**
 * A grammar compiled against one tokenizer's vocabulary: lexer automaton, parser tables and the
 * mask caches. Immutable from the outside, thread-safe, and meant to be shared: compile once,
 * then create a cheap {@link Matcher} per sequence.
 */
public final class CompiledGrammar {
    private final Grammar grammar;
    private final BnfGrammar bnf;
    private final MaskEngine engine;
    private final double compileMillis;

    private CompiledGrammar(Grammar grammar, BnfGrammar bnf, MaskEngine engine, double compileMillis) {
        this.grammar = grammar;
        this.bnf = bnf;
        this.engine = engine;
        this.compileMillis = compileMillis;
    }

    /** Compiles {@code grammar} with parser-driven lexing (only the lexemes the parser expects compete). */
    public static CompiledGrammar compile(Grammar grammar, VocabularyIndex vocabulary) {
        return compile(grammar, vocabulary, false);
    }

    /**
     * Compiles {@code grammar}.
     *
     * @param lexAllLexemes true for ANTLR-style lexing, where every lexeme competes at every
     *     boundary (longest match, then priority) and the parser rejects unexpected ones
     * @throws GrammarException naming the rule or lexeme that cannot be compiled
     */
    public static CompiledGrammar compile(Grammar grammar, VocabularyIndex vocabulary, boolean lexAllLexemes) {
        long t0 = System.nanoTime();
        BnfGrammar bnf = BnfGrammar.lower(grammar);
        LexerAutomaton lexer = new LexerAutomaton(bnf, lexAllLexemes);
        EarleyParser parser = new EarleyParser(bnf, lexer, lexAllLexemes);
        MaskEngine engine = new MaskEngine(vocabulary, lexer, parser);
        return new CompiledGrammar(grammar, bnf, engine, (System.nanoTime() - t0) / 1e6);
    }

    /**
     * Classifies the vocabulary for up to {@code maxLexerStates} lexer states now rather than on
     * first use, so that the first masks of a sequence are as fast as the rest. Returns the
     * number of states classified.
     */
    public int precompute(int maxLexerStates) {
        return engine.precompute(maxLexerStates);
    }

    /**
     * As {@link #precompute(int)}, stopping after about {@code budgetMillis} ms: the states nearest
     * a lexeme's start (the first masks of every key and value) are classified first.
     */
    public int precompute(int maxLexerStates, long budgetMillis) {
        if (budgetMillis < 0) {
            throw new IllegalArgumentException("precompute budget must be >= 0 ms: " + budgetMillis);
        }
        return engine.precompute(maxLexerStates, budgetMillis * 1_000_000L);
    }

    public Matcher newMatcher() {
        return new Matcher(this);
    }

    public Grammar grammar() {
        return grammar;
    }

    public BnfGrammar bnf() {
        return bnf;
    }

    public VocabularyIndex vocabulary() {
        return engine.vocabulary();
    }

    /** Wall time of {@link #compile}, in milliseconds (precomputation excluded). */
    public double compileMillis() {
        return compileMillis;
    }

    /** Internal: the mask engine (for benchmarks and tests). */
    public MaskEngine engine() {
        return engine;
    }

    /** Approximate heap held by this grammar's lexer-state tables (the vocabulary is shared and not counted). */
    public long heapBytes() {
        return engine.classesHeapBytes() + 4L * 257 * engine.lexer().stateCount();
    }
}
