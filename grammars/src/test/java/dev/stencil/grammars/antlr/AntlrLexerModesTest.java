package dev.stencil.grammars.antlr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.bench.Progress;
import dev.stencil.automata.check.MaskCheck;
import dev.stencil.grammars.TestSupport;
import dev.stencil.grammars.corpus.Mutants;
import dev.stencil.grammars.corpus.TokenFeed;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Lexer modes, {@code more}, {@code EOF} inside lexer rules and {@code EOF} in the middle of
 * parser rules, each judged by ANTLR's own interpreter ({@link AntlrOracle}) and, for the masks,
 * by the brute-force reference recognizer ({@link MaskCheck}).
 */
class AntlrLexerModesTest {
    private static final String DIR = "/dev/stencil/grammars/antlr/";

    private static AntlrGrammar split(String lexer, String parser, String start) {
        return AntlrGrammarReader.readSources(List.of(new AntlrGrammarReader.Source("L.g4", lexer),
                new AntlrGrammarReader.Source("P.g4", parser)), start, false);
    }

    private static AntlrGrammar combined(String text, String start) {
        return AntlrGrammarReader.readSources(List.of(new AntlrGrammarReader.Source("T.g4", text)), start, false);
    }

    private static CompiledGrammar compile(AntlrGrammar g) {
        return CompiledGrammar.compile(g.grammar(), TestSupport.gpt2Index(), g.lexAllLexemes());
    }

    /**
     * Our verdict equals ANTLR's on each input except exactly those in {@code fallbackGaps} (now
     * always empty: the core lexer falls back to its last accept like ANTLR's).
     * Returns how many inputs ANTLR accepted.
     */
    private static int assertSameAsAntlr(AntlrGrammar g, CompiledGrammar cg, List<String> inputs, Set<String> fallbackGaps) {
        AntlrOracle oracle = new AntlrOracle(g);
        int accepted = 0;
        List<String> differ = new ArrayList<>();
        for (String in : inputs) {
            TokenFeed.Result r = TokenFeed.feed(cg, TestSupport.gpt2(), in);
            assertEquals(0, r.maskDisagreements(), "mask vs accept on " + in);
            boolean antlr = oracle.check(in).ok();
            if (antlr != r.accepted()) {
                differ.add(in);
            }
            accepted += antlr ? 1 : 0;
        }
        assertEquals(new java.util.TreeSet<>(fallbackGaps), new java.util.TreeSet<>(differ), "inputs judged unlike ANTLR");
        return accepted;
    }

    /** Inputs plus seeded mutants of them (truncations, byte edits, token shuffles). */
    private static List<String> withMutants(List<String> inputs, int perInput) {
        List<String> all = new ArrayList<>(inputs);
        all.addAll(Mutants.of(inputs, perInput * inputs.size(), 17));
        return all;
    }

    private static void assertMasksMatchReference(CompiledGrammar cg, String... docs) {
        List<int[]> seqs = new ArrayList<>();
        for (String d : docs) {
            seqs.add(TestSupport.gpt2().encode(d));
        }
        seqs.addAll(MaskCheck.randomWalks(cg, 4, 16, 11));
        MaskCheck.Result r = MaskCheck.run(cg, true, seqs, 80, 2, 5, Progress.NONE);
        assertTrue(r.states() >= 20, "states checked: " + r.states());
        assertEquals(0, r.differences(), () -> "mask differences: " + r.examples());
    }

    private static final String NESTED_LEXER = "lexer grammar L;\n"
            + "A : 'a' ;\nOPEN : '(' -> pushMode(IN) ;\nSTRAY : ')' -> popMode ;\nWS : ' ' -> skip ;\n"
            + "mode IN;\nB : 'b' ;\nA_IN : 'a' -> type(A) ;\nNEST : '(' -> pushMode(IN) ;\nCLOSE : ')' -> popMode ;\n"
            + "BANG : '!' -> mode(QUOTE) ;\nESC : '\\\\' -> more, pushMode(ONE) ;\n"
            + "mode QUOTE;\nQ : ~[!]+ ;\nEND_QUOTE : '!' -> popMode ;\n"
            + "mode ONE;\nANY : . -> popMode ;\n";
    private static final String NESTED_PARSER = "parser grammar P;\noptions { tokenVocab = L; }\n"
            + "s : (A | group)* EOF ;\ngroup : OPEN inner* CLOSE ;\n"
            + "inner : B | A | NEST inner* CLOSE | BANG Q? END_QUOTE | ANY ;\n";

    /**
     * Push, pop, mode(...) (which replaces the current mode, so the quote's '!' pops the group),
     * more with a mode switch, type(...) from another mode, and a pop on an empty stack (ANTLR's
     * lexer throws; the input is rejected).
     */
    @Test
    void nestedModesAgreeWithAntlr() {
        AntlrGrammar g = split(NESTED_LEXER, NESTED_PARSER, "s");
        assertTrue(g.warnings().isEmpty(), g.warnings().toString());
        CompiledGrammar cg = compile(g);
        List<String> base = List.of("a (b a) a", "(b (a b) b)", "((()))", "(b !x y)! a", "(!)", "(\\))", "(\\a b)",
                "a (b", "a )", "(b ! a", "()) a", "(!x)", "a b", "(\\", "(b (a) !q) a");
        int accepted = assertSameAsAntlr(g, cg, withMutants(base, 30), Set.of());
        assertTrue(accepted >= 10, "accepted " + accepted);
        assertMasksMatchReference(cg, "a (b (a) !q! (\\)) a", "((b)) a");
    }

    /** XMLLexer/XMLParser of grammars-v4 (BSD, header kept): modes and more ('<?name ... ?>'). */
    @Test
    void xmlWithModesAndMoreAgreesWithAntlr() {
        AntlrGrammar g = AntlrGrammarReader.readSources(List.of(
                new AntlrGrammarReader.Source("XMLLexer.g4", TestSupport.resource(DIR + "xml/XMLLexer.g4")),
                new AntlrGrammarReader.Source("XMLParser.g4", TestSupport.resource(DIR + "xml/XMLParser.g4"))),
                "document", false);
        CompiledGrammar cg = compile(g);
        String web = TestSupport.resource(DIR + "xml/web.xml");
        List<String> base = List.of(web, "<a x=\"1\" y='2'>t<b/>&amp;<!-- c --></a>", "<?pi some text?><a/>",
                "<?xml version=\"1.0\"?>\n<a><![CDATA[x<y]]></a>", "<a><?p ?? ?></a>", "<a x=1/>", "<a></b", "<a/><b/>");
        // DTD ('<!' .*? '>', skipped) matches '<![CDATA[x<y]>'; CDATA lives on looking for ']]>' and
        // dies at the end, so ANTLR falls back to the DTD match (a mutant of the fourth input)
        int accepted = assertSameAsAntlr(g, cg, withMutants(base, 25), Set.of());
        assertTrue(new AntlrOracle(g).check("<?xml version=\"1.0\"?>\n<a><![CDATA[x<y]></a>").ok(), "ANTLR falls back to DTD");
        assertTrue(accepted >= 5, "accepted " + accepted);
        assertMasksMatchReference(cg, "<?xml version=\"1.0\"?>\n<a x=\"1\"><?p q?><b>t</b></a>");
    }

    /**
     * EOF inside lexer rules: a line comment that may end at the end of the input, and a rule
     * that matches only there. At the end ANTLR takes the match made through EOF even over an
     * earlier rule of the same length (X is defined first, yet "x" at the end is Y).
     */
    @Test
    void eofInsideLexerRulesAgreesWithAntlr() {
        AntlrGrammar g = combined("grammar T; s : (X | ID)* Y? EOF ;\n"
                + "X : 'x' ; Y : 'x' EOF ; ID : [a-w]+ ;\n"
                + "LC : '//' .*? ('\\n' | EOF) -> skip ;\nWS : ' ' -> skip ;\n", "s");
        CompiledGrammar cg = compile(g);
        List<String> base = List.of("ab // c", "ab // c\nx x", "x x", "x", "ab x// c", "// only", "//\n", "a // b\n//", "xx", "a /");
        int accepted = assertSameAsAntlr(g, cg, withMutants(base, 30), Set.of());
        assertTrue(accepted >= 6, "accepted " + accepted);
        assertMasksMatchReference(cg, "ab // c\nx x // d", "x a x");
    }

    /** EOF inside a parser rule matches only at the end (properties' {@code eol : NEWLINE+ | EOF}). */
    @Test
    void eofInTheMiddleOfAParserRuleOnlyMatchesAtTheEnd() {
        AntlrGrammar g = combined("grammar T; file : row* ;\nrow : ID eol | C eol ;\neol : NL+ | EOF ;\n"
                + "ID : [a-z]+ ; C : '#' ~[\\n]* ; NL : '\\n' ;\nWS : ' ' -> skip ;\n", "file");
        CompiledGrammar cg = compile(g);
        List<String> base = List.of("a\nb", "a b", "a #c", "#c\na\n\n", "a", "", "a\n#c", "#c #d");
        int accepted = assertSameAsAntlr(g, cg, withMutants(base, 20), Set.of());
        assertTrue(accepted >= 4, "accepted " + accepted);
        assertFalse(TokenFeed.feed(cg, TestSupport.gpt2(), "a #c").accepted(), "'a' cannot end its row before '#c'");
        assertMasksMatchReference(cg, "a\n#c\nb");
    }
}
