package dev.stencil.automata;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * ANTLR-style lexing (every lexeme competes, the parser takes what it expects): longest match,
 * keyword priority, and no token that would force the lexer into a lexeme the parser cannot take.
 */
class GlobalLexingTest {
    private static final CompiledGrammar KEYWORDS = CompiledGrammar.compile(SmallGrammars.keywords(), TestVocab.gpt2Index(), true);

    private static boolean fits(String prefix, String next) {
        Matcher m = KEYWORDS.newMatcher();
        assertTrue(m.acceptBytes(prefix.getBytes(StandardCharsets.UTF_8)), "prefix " + prefix);
        return m.acceptBytes(next.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void longestMatchAndKeywordPriority() {
        assertTrue(fits("", "if x then ifx = 12;"), "ifx is an identifier, if a keyword");
        assertTrue(fits("", "iffy = 1;"));
        assertFalse(fits("", "if = 1;"), "'if' alone is the keyword, which cannot be assigned");
    }

    @Test
    void aLexemeTheParserCannotTakeIsBlockedAtItsFirstByte() {
        // after 'if ' the parser wants an identifier: digits would be forced into INT
        assertFalse(fits("if ", "1"));
        assertFalse(fits("if ", "12"));
        assertTrue(fits("if ", "xy then a = 1;"));
        long[] mask = KEYWORDS.newMatcher().newMask();
        Matcher m = KEYWORDS.newMatcher();
        assertTrue(m.acceptBytes("if".getBytes(StandardCharsets.UTF_8)));
        m.fillNextTokenMask(mask);
        int id12 = TestVocab.gpt2().encode(" 12")[0];
        assertFalse((mask[id12 >>> 6] & (1L << id12)) != 0, "' 12' leads only to INT, which the parser rejects after 'if'");
    }
}
