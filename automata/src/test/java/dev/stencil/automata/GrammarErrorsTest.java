package dev.stencil.automata;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.ir.Expr;
import dev.stencil.automata.ir.Grammar;
import dev.stencil.automata.ir.Lexeme;
import org.junit.jupiter.api.Test;

/** Bad grammars get errors that name the rule or lexeme. */
class GrammarErrorsTest {
    private static GrammarException compileError(Grammar g) {
        return assertThrows(GrammarException.class, () -> CompiledGrammar.compile(g, TestVocab.gpt2Index()));
    }

    @Test
    void undefinedRuleIsNamed() {
        Grammar g = Grammar.builder("g").rule("start", Expr.seq(Expr.lit("a"), Expr.ref("missing"))).build();
        GrammarException e = compileError(g);
        assertTrue(e.getMessage().contains("'missing'") && e.getMessage().contains("'start'"), e.getMessage());
    }

    @Test
    void ruleThatCanNeverFinishIsNamed() {
        Grammar g = Grammar.builder("g")
                .rule("start", Expr.alt(Expr.lit("a"), Expr.ref("loop")))
                .rule("loop", Expr.seq(Expr.lit("b"), Expr.ref("loop")))
                .build();
        GrammarException e = compileError(g);
        assertTrue(e.getMessage().contains("'loop'"), e.getMessage());
    }

    @Test
    void lexemeMatchingEmptyIsNamed() {
        Grammar g = Grammar.builder("g").rule("start", Expr.lex(Lexeme.regex("DIGITS", "[0-9]*"))).build();
        GrammarException e = compileError(g);
        assertTrue(e.getMessage().contains("DIGITS") && e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void badRegexNamesThePosition() {
        GrammarException e = assertThrows(GrammarException.class, () -> Lexeme.regex("BAD", "ab(c"));
        assertTrue(e.getMessage().contains("ab(c"), e.getMessage());
    }

    @Test
    void undefinedStartRuleIsNamed() {
        GrammarException e = assertThrows(GrammarException.class,
                () -> Grammar.builder("g").rule("a", Expr.lit("x")).start("b").build());
        assertTrue(e.getMessage().contains("'b'"), e.getMessage());
    }
}
