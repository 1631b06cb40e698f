package dev.stencil.grammars.antlr;

import dev.stencil.automata.ir.Grammar;
import java.util.List;
import org.antlr.v4.tool.LexerGrammar;

/**
 * An ANTLR grammar translated to the IR, with what was ignored and with ANTLR's own models of it
 * (which {@link AntlrOracle} runs). Compile {@link #grammar()} with {@code lexAllLexemes = true}:
 * ANTLR's lexer is context-free (every rule competes, longest match, then the rule defined first).
 *
 * @param grammar the IR; its start rule is the chosen parser rule
 * @param warnings one line per ignored action or predicate ({@code file:line:column: ...}); the
 *     language is a superset of ANTLR's when this is not empty
 * @param parser ANTLR's model of the parser (or combined) grammar
 * @param lexer ANTLR's model of the lexer grammar (the implicit one for a combined grammar)
 */
public record AntlrGrammar(Grammar grammar, List<String> warnings, org.antlr.v4.tool.Grammar parser, LexerGrammar lexer) {
    public AntlrGrammar {
        warnings = List.copyOf(warnings);
    }

    /** Whether the IR must be compiled with every lexeme competing (always, for ANTLR). */
    public boolean lexAllLexemes() {
        return true;
    }
}
