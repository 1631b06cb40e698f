package dev.stencil.automata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.check.MaskCheck;
import dev.stencil.automata.ir.Expr;
import dev.stencil.automata.ir.Grammar;
import dev.stencil.automata.ir.Lexeme;
import dev.stencil.automata.regex.ByteDfa;
import dev.stencil.automata.regex.Regex;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A lexeme whose language is empty (a schema enum of strings under type array, say) must not
 * leave a path the masks walk into and then cannot finish.
 */
class ImpossibleLexemeTest {
    private static final Lexeme NOTHING = Lexeme.ofDfa("NOTHING", ByteDfa.compile(Regex.nothing()));

    private static Grammar optionalImpossibleMember() {
        // {"k":1} or {"k":1,"x":<nothing>} : the second can never be finished
        return Grammar.builder("g")
                .rule("obj", Expr.seq(Expr.lit("{\"k\":1"), Expr.opt(Expr.seq(Expr.lit(",\"x\":"), Expr.lex(NOTHING))), Expr.lit("}")))
                .build();
    }

    @Test
    void aBranchThatNeedsAnImpossibleLexemeIsNeverOffered() {
        CompiledGrammar cg = CompiledGrammar.compile(optionalImpossibleMember(), TestVocab.gpt2Index());
        Matcher m = cg.newMatcher();
        assertTrue(m.acceptBytes("{\"k\":1".getBytes(StandardCharsets.UTF_8)));
        assertFalse(m.fork().acceptBytes(",".getBytes(StandardCharsets.UTF_8)), "',' leads only to the impossible member");
        assertTrue(m.acceptBytes("}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(m.isAccepting());
        MaskCheck.Result r = MaskCheck.run(cg, false, MaskCheck.randomWalks(cg, 5, 8, 3), 40, 1, 3, (p, d, t) -> { });
        assertEquals(0, r.differences(), () -> r.examples().toString());
    }

    @Test
    void aGrammarThatCanMatchNothingAllowsNoTokenAtAll() {
        Grammar g = Grammar.builder("none").rule("s", Expr.seq(Expr.lit("a"), Expr.lex(NOTHING))).build();
        Matcher m = CompiledGrammar.compile(g, TestVocab.gpt2Index()).newMatcher();
        long[] mask = m.newMask();
        m.fillNextTokenMask(mask);
        for (long w : mask) {
            assertEquals(0L, w, "nothing may be generated, not even the stop token");
        }
        assertFalse(m.acceptBytes("a".getBytes(StandardCharsets.UTF_8)));
        assertFalse(m.isAccepting());
    }
}
