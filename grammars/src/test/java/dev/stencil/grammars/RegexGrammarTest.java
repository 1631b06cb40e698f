package dev.stencil.grammars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.GrammarException;
import dev.stencil.automata.regex.RegexSyntaxException;
import dev.stencil.grammars.corpus.TokenFeed;
import org.junit.jupiter.api.Test;

class RegexGrammarTest {
    private static boolean accepts(String pattern, boolean ci, String text) {
        CompiledGrammar cg = CompiledGrammar.compile(RegexGrammar.of(pattern, ci), TestSupport.gpt2Index(), false);
        return TokenFeed.feed(cg, TestSupport.gpt2(), text).accepted();
    }

    @Test
    void fullMatchSemantics() {
        assertTrue(accepts("\\d{3}-\\d{4}", false, "555-1234"));
        assertFalse(accepts("\\d{3}-\\d{4}", false, "555-12345"), "no trailing text: the whole output is the match");
        assertFalse(accepts("\\d{3}-\\d{4}", false, "555-123"));
        assertTrue(accepts("^(?:yes|no)$", false, "no"), "anchors are accepted and implied");
        assertTrue(accepts("[a-z]+@[a-z]+\\.com", true, "Ada@Example.COM"));
        assertFalse(accepts("[a-z]+@[a-z]+\\.com", false, "Ada@Example.COM"));
    }

    @Test
    void badPatternsAreRejectedWithAPosition() {
        RegexSyntaxException e = assertThrows(RegexSyntaxException.class, () -> RegexGrammar.of("ab(c"));
        assertEquals(2, e.index());
        assertThrows(RegexSyntaxException.class, () -> RegexGrammar.of("(?=a)b"));
        GrammarException empty = assertThrows(GrammarException.class, () -> RegexGrammar.of("a*"));
        assertTrue(empty.getMessage().contains("matches the empty string"), empty.getMessage());
    }
}
