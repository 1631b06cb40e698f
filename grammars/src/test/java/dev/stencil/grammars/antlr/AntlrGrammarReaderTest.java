package dev.stencil.grammars.antlr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.bench.Progress;
import dev.stencil.automata.check.MaskCheck;
import dev.stencil.grammars.GrammarSyntaxException;
import dev.stencil.grammars.TestSupport;
import dev.stencil.grammars.corpus.TokenFeed;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AntlrGrammarReaderTest {
    private static final String DIR = "/dev/stencil/grammars/antlr/";

    private static AntlrGrammar combined(String text, String start) {
        return AntlrGrammarReader.readSources(List.of(new AntlrGrammarReader.Source("T.g4", text)), start, false);
    }

    private static CompiledGrammar compile(AntlrGrammar g) {
        return CompiledGrammar.compile(g.grammar(), TestSupport.gpt2Index(), g.lexAllLexemes());
    }

    /** Our verdict must equal ANTLR's interpreter on each input. */
    private static void assertSameAsAntlr(AntlrGrammar g, String... inputs) {
        CompiledGrammar cg = compile(g);
        AntlrOracle oracle = new AntlrOracle(g);
        for (String in : inputs) {
            TokenFeed.Result r = TokenFeed.feed(cg, TestSupport.gpt2(), in);
            assertEquals(0, r.maskDisagreements(), "mask vs accept on " + in);
            assertEquals(oracle.check(in).ok(), r.accepted(), "verdict on \"" + in + "\"");
        }
    }

    private static AntlrGrammar arithmetic() {
        return AntlrGrammarReader.readSources(List.of(new AntlrGrammarReader.Source("arithmetic.g4",
                TestSupport.resource(DIR + "arithmetic/arithmetic.g4"))), "file_", false);
    }

    @Test
    void leftRecursiveArithmeticAgreesWithAntlr() {
        AntlrGrammar g = arithmetic();
        assertTrue(g.warnings().isEmpty(), g.warnings().toString());
        assertSameAsAntlr(g, "x = 12\n", "a = b * (c + 2) ^ 3\n", "x = 1.5E3 y > -z\n", "x = \n", "x = (1\n",
                "x == 1", "1 2 = 3", "");
    }

    @Test
    void splitCaseInsensitiveSemverAgreesWithAntlr() {
        AntlrGrammar g = AntlrGrammarReader.readSources(List.of(
                new AntlrGrammarReader.Source("SemanticVersionLexer.g4", TestSupport.resource(DIR + "semver/SemanticVersionLexer.g4")),
                new AntlrGrammarReader.Source("SemanticVersionParser.g4", TestSupport.resource(DIR + "semver/SemanticVersionParser.g4"))),
                "semver", false);
        String full = TestSupport.resource(DIR + "semver/semver-full-2.txt");
        assertSameAsAntlr(g, full, "1.2.3", "1.2.3-alpha.1+build.5", "1.2", "01.2.3", "1.2.3-", "1.2.3+X-Y");
        assertTrue(TokenFeed.feed(compile(g), TestSupport.gpt2(), full).accepted());
    }

    @Test
    void keywordsBeatIdentifiersOnTiesAndLongestMatchWins() {
        AntlrGrammar g = combined("grammar T; s : 'if' ID ';' | ID '=' ID ';' ;\n"
                + "ID : [a-z]+ ; WS : [ \\t]+ -> skip ; COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;\n", "s");
        assertSameAsAntlr(g, "if x;", "iff = x;", "if = x;", "ifx;", "if /* a */ x /* b */;", "if /* a */ x */;", "x = y;");
    }

    @Test
    void typeCommandsSetsAndNegation() {
        AntlrGrammar g = combined("grammar T; s : (A | STR)+ EOF ;\n"
                + "A : [ab] ; C : 'c' -> type(A) ; STR : '\"' ~[\"\\r\\n]* '\"' ; NL : '\\n' -> skip ;\n", "s");
        assertSameAsAntlr(g, "abc", "a\"xy z\"c\n", "\"open", "d", "\"\"");
    }

    /**
     * lark's REGEXP rule (cause of the rejected common.lark, lark.lark, template_lark.lark): a
     * non-greedy loop whose earlier alternative (an escaped slash) outranks {@code ~'/'}, followed by
     * flags. Cutting the rule to its shortest matches rejected both the escape and the flags.
     */
    @Test
    void nonGreedyLoopsFollowAntlrsAlternativeOrder() {
        AntlrGrammar g = combined("grammar T; s : R+ EOF ;\n"
                + "R : '/' ('\\\\' '/' | '\\\\' '\\\\' | ~'/') ('\\\\' '/' | '\\\\' '\\\\' | ~'/')*? '/' [imslux]* ;\n"
                + "WS : [ \\n]+ -> skip ;\n", "s");
        String lark = "/\\/\\/[^\\n]*/";
        assertTrue(new AntlrOracle(g).check(lark).ok(), "ANTLR accepts " + lark);
        assertTrue(TokenFeed.feed(compile(g), TestSupport.gpt2(), lark).accepted(), lark);
        assertSameAsAntlr(g, lark, "/a/i", "/a/ /b/x", "/\\//", "/\\\\/", "/ab", "//", "/a/ij", "/x\\/y/m");
    }

    /**
     * http's {@code 'HTTP'} vs one-letter ALPHA ("KHTML") and java20's {@code '>>='} vs GT ("T>> x"):
     * ANTLR's lexer falls back to its last accepting position when a longer token dies ("abd" is
     * X X X, and so is "ab" at the end of the input).
     */
    @Test
    void longestMatchFallsBackToTheLastAcceptLikeAntlr() {
        AntlrGrammar g = combined("grammar T; s : (X | 'abc')+ EOF ;\nX : [a-z] ;\n", "s");
        assertTrue(new AntlrOracle(g).check("abd").ok(), "ANTLR falls back to X at 'a'");
        assertSameAsAntlr(g, "abd", "abcab", "ab", "abcabd", "aab", "abab", "ababc", "abc", "ab1");
    }

    /**
     * Fallback where the dead longer token is unbounded (an unclosed block comment after '/'),
     * nested (INT against FLOAT's {@code 1.} and '.' against '...'), and where the token fallen
     * back to is one the parser rejects.
     */
    @Test
    void fallbackOverLongAndNestedOvershootsLikeAntlr() {
        AntlrGrammar g = combined("grammar T; s : e (';' e)* EOF ;\n"
                + "e : e ('/' | '*') a | a ;\na : INT | FLOAT | ID | '...' | '.' a | '*' a ;\n"
                + "INT : [0-9]+ ;\nFLOAT : [0-9]+ '.' [0-9]+ ;\nID : [a-z]+ ;\n"
                + "C : '/*' .*? '*/' -> skip ;\nWS : ' ' -> skip ;\n", "s");
        assertTrue(new AntlrOracle(g).check("1/* x * y").ok(), "ANTLR: 1 / *x * y");
        assertSameAsAntlr(g, "1/*x", "1/*x*/2", "1/* x * y", "1..2", "1.x", "1..x", "x/*1.", "...", "....x",
                "1.2.3", "1./2", ". .. ...", "..", "1/*", "1/**", "1/**/", "2/*/3");
        // masks at positions with a fallback pending, against the brute-force reference
        CompiledGrammar cg = compile(g);
        List<int[]> seqs = new ArrayList<>();
        for (String d : List.of("1/* x * y", "x..2/*k*/;....y", "3.5/ *z; 4./ 7")) {
            seqs.add(TestSupport.gpt2().encode(d));
        }
        seqs.addAll(MaskCheck.randomWalks(cg, 8, 16, 5));
        MaskCheck.Result r = MaskCheck.run(cg, true, seqs, 80, 2, 5, Progress.NONE);
        assertTrue(r.states() >= 40, "states checked: " + r.states());
        assertEquals(0, r.differences(), () -> "mask differences: " + r.examples());
    }

    /** {@code import}: ANTLR loads the imported grammar beside the importer; the importer's ID overrides the imported one. */
    @Test
    void importedLexerRulesAreMergedLikeAntlr() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(AntlrGrammarReaderTest.class.getResource(DIR + "imports/Imports.g4").toURI()).getParent();
        AntlrGrammar g = AntlrGrammarReader.read(List.of(dir.resolve("Imports.g4"), dir.resolve("CommonLexerRules.g4")), "s", false);
        assertTrue(new AntlrOracle(g).check("abc if 12").ok());
        assertFalse(new AntlrOracle(g).check("xyz").ok(), "the importer's ID [a-c]+ replaces the imported [a-z]+");
        assertSameAsAntlr(g, "abc if 12", "xyz", "if", "ifa", "12 ab", "a d", "");
    }

    @Test
    void nonGreedyBlockCommentStillEndsAtTheFirstClose() {
        AntlrGrammar g = combined("grammar T; s : (ID | C)+ EOF ;\nID : [a-z]+ ;\n"
                + "C : '/*' .*? '*/' ;\nWS : ' ' -> skip ;\n", "s");
        assertSameAsAntlr(g, "/* a */ b", "/* a */ b */", "/* a */ */", "/**/", "/* a", "a /*/ b */");
    }

    @Test
    void actionsAndPredicatesAreListedAsWarningsOrRejectedInStrictMode() {
        String text = "grammar T;\n@members { int n; }\ns : {n++;} A {n > 0}? ;\nA : 'a' ;\n";
        AntlrGrammar g = combined(text, "s");
        assertEquals(3, g.warnings().size(), g.warnings().toString());
        assertTrue(g.warnings().get(1).startsWith("T.g4:3:5: ignored action"), g.warnings().toString());
        assertTrue(TokenFeed.feed(compile(g), TestSupport.gpt2(), "a").accepted());
        GrammarSyntaxException e = assertThrows(GrammarSyntaxException.class, () ->
                AntlrGrammarReader.readSources(List.of(new AntlrGrammarReader.Source("T.g4", text)), "s", true));
        assertTrue(e.getMessage().startsWith("T.g4:2:"), e.getMessage());
    }

    @Test
    void errorsNameFileLineAndColumn() {
        GrammarSyntaxException syntax = assertThrows(GrammarSyntaxException.class, () -> combined("grammar T;\ns : A ;\nA : 'a' \n", "s"));
        assertEquals("T.g4", syntax.file());
        assertTrue(syntax.line() >= 3, syntax.getMessage());

        GrammarSyntaxException modes = assertThrows(GrammarSyntaxException.class, () -> AntlrGrammarReader.readSources(List.of(
                new AntlrGrammarReader.Source("L.g4", "lexer grammar L;\nA : 'a' ;\nOPEN : '<' -> pushMode(NOPE) ;\nmode IN;\nB : 'b' -> popMode ;\n"),
                new AntlrGrammarReader.Source("P.g4", "parser grammar P;\noptions { tokenVocab = L; }\ns : A OPEN B ;\n")), "s", false));
        assertTrue(modes.getMessage().startsWith("L.g4:3:"), modes.getMessage());
        assertTrue(modes.getMessage().contains("NOPE"), modes.getMessage());

        GrammarSyntaxException start = assertThrows(GrammarSyntaxException.class, () -> combined("grammar T; s : A ; A : 'a' ;\n", "nope"));
        assertTrue(start.getMessage().contains("start rule 'nope'"), start.getMessage());

        GrammarSyntaxException recursive = assertThrows(GrammarSyntaxException.class,
                () -> combined("grammar T; s : A ;\nA : '(' A? ')' ;\n", "s"));
        assertEquals(2, recursive.line(), recursive.getMessage());
    }

    @Test
    void masksMatchTheBruteForceOracleOnArithmetic() {
        CompiledGrammar cg = compile(arithmetic());
        List<int[]> seqs = new ArrayList<>();
        seqs.add(TestSupport.gpt2().encode("a = b * (c + 2) ^ 3\nx = -1.5E3\n"));
        seqs.addAll(MaskCheck.randomWalks(cg, 4, 12, 7));
        MaskCheck.Result r = MaskCheck.run(cg, true, seqs, 60, 2, 5, Progress.NONE);
        assertTrue(r.states() >= 20, "states checked: " + r.states());
        assertEquals(0, r.differences(), () -> "mask differences: " + r.examples());
    }
}
