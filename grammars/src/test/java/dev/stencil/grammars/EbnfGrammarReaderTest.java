package dev.stencil.grammars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.Matcher;
import dev.stencil.automata.bench.Progress;
import dev.stencil.automata.check.MaskCheck;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EbnfGrammarReaderTest {
    private static EbnfGrammarReader.Result tinyXml(boolean strict) {
        return EbnfGrammarReader.read(TestSupport.resource("/dev/stencil/grammars/ebnf/tiny-xml.ebnf"), "tiny-xml.ebnf", null, strict);
    }

    private static boolean accepts(CompiledGrammar cg, String text) {
        Matcher m = cg.newMatcher();
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return (b.length == 0 || m.acceptBytes(b)) && m.isAccepting();
    }

    @Test
    void readsTheW3cNotationExactly() {
        EbnfGrammarReader.Result r = tinyXml(false);
        CompiledGrammar cg = CompiledGrammar.compile(r.grammar(), TestSupport.gpt2Index(), false);
        for (String ok : List.of("<a/>", " <a x=\"1\" y='2'>text<b/>more</a>\n", "<a-b.c:d></a-b.c:d>", "<\u00c0/>",
                "<a>x<b>y</b>z</a>", "<a\tk = \"v\"/>")) {
            assertTrue(accepts(cg, ok), ok);
        }
        for (String bad : List.of("", "<a>", "<a>x&y</a>", "<a>x<y</a>", "<1a/>", "<a x=\"<\"/>", "<a/><b/>", "<a -/>",
                "<a>\u0001</a>", "<a x='1\"/>")) {
            assertFalse(accepts(cg, bad), bad);
        }
    }

    @Test
    void constraintAnnotationsAreWarningsOrStrictErrors() {
        EbnfGrammarReader.Result r = tinyXml(false);
        assertEquals(List.of("tiny-xml.ebnf:5:48: ignored constraint [ wfc: Element Type Match ]"), r.warnings());
        GrammarSyntaxException e = assertThrows(GrammarSyntaxException.class, () -> tinyXml(true));
        assertEquals(5, e.line(), e.getMessage());
        assertEquals(48, e.column(), e.getMessage());
    }

    @Test
    void masksMatchTheBruteForceOracle() {
        CompiledGrammar cg = CompiledGrammar.compile(tinyXml(false).grammar(), TestSupport.gpt2Index(), false);
        List<int[]> seqs = new ArrayList<>();
        seqs.add(TestSupport.gpt2().encode(" <a x=\"1\">text<b/>more</a>\n"));
        seqs.addAll(MaskCheck.randomWalks(cg, 4, 16, 5));
        MaskCheck.Result r = MaskCheck.run(cg, false, seqs, 60, 2, 5, Progress.NONE);
        assertTrue(r.states() >= 20, "states checked: " + r.states());
        assertEquals(0, r.differences(), () -> "mask differences: " + r.examples());
    }

    @Test
    void startRuleCanBeChosen() {
        EbnfGrammarReader.Result r = EbnfGrammarReader.read(TestSupport.resource("/dev/stencil/grammars/ebnf/tiny-xml.ebnf"),
                "tiny-xml.ebnf", "Attribute", false);
        CompiledGrammar cg = CompiledGrammar.compile(r.grammar(), TestSupport.gpt2Index(), false);
        assertTrue(accepts(cg, "k='v'"));
        assertFalse(accepts(cg, "<a/>"));
    }

    @Test
    void errorsNameFileLineAndColumn() {
        assertError("a ::= b\n", 1, 7, "rule 'b' is not defined");
        assertError("a ::= 'x\n", 1, 7, "unterminated string literal");
        assertError("a ::= 'x'\n  b ::= 'y' 'z'\nc ::= a - b\n", 3, 9, "only where both sides match single characters");
        assertError("a ::= [b-a]\n", 1, 9, "out of order");
        assertError("a ::= 'x'\na ::= 'y'\n", 2, 1, "defined twice");
        assertError("a ::= #xZZ\n", 1, 7, "malformed '#x'");
        assertError("a ::= ( 'x'\n", 1, 7, "unclosed '('");
        assertError("a = 'x'\n", 1, 3, "expected '::='");
        GrammarSyntaxException start = assertThrows(GrammarSyntaxException.class,
                () -> EbnfGrammarReader.read("a ::= 'x'\n", "g.ebnf", "nope", false));
        assertTrue(start.getMessage().contains("start rule 'nope'"), start.getMessage());
    }

    private static void assertError(String text, int line, int col, String fragment) {
        GrammarSyntaxException e = assertThrows(GrammarSyntaxException.class, () -> EbnfGrammarReader.read(text, "g.ebnf", null, false));
        assertEquals("g.ebnf", e.file());
        assertEquals(line, e.line(), e.getMessage());
        assertEquals(col, e.column(), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
