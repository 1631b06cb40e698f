package dev.stencil.grammars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.ir.Grammar;
import dev.stencil.grammars.corpus.TokenFeed;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class GbnfGrammarReaderTest {
    private static final String DIR = "/dev/stencil/grammars/gbnf/";
    // the corpus examples copied from ../shared/corpora/gbnf/examples
    private static final String[] EXAMPLES = {
        "chess.invalid.1", "chess.valid.1", "english.valid.1", "japanese.valid.1", "json.invalid.1", "json.valid.1",
        "json_arr.valid.1", "list.invalid.1", "list.valid.1", "name-age.invalid.1", "name-age.valid.1", "qa-summary.valid.1",
    };

    static String resource(String path) {
        try (InputStream in = GbnfGrammarReaderTest.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static CompiledGrammar compile(String gbnf) {
        return CompiledGrammar.compile(GbnfGrammarReader.read(gbnf, "test.gbnf"), TestSupport.gpt2Index(), false);
    }

    @TestFactory
    Stream<DynamicTest> corpusExamplesAreClassifiedAsTheirNamesSay() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String ex : EXAMPLES) {
            tests.add(DynamicTest.dynamicTest(ex, () -> {
                String grammar = ex.substring(0, ex.indexOf('.'));
                Grammar g = GbnfGrammarReader.read(resource(DIR + grammar + ".gbnf"), grammar + ".gbnf");
                CompiledGrammar cg = CompiledGrammar.compile(g, TestSupport.gpt2Index(), false);
                String input = resource(DIR + "examples/" + ex + ".txt");
                TokenFeed.Result r = TokenFeed.feed(cg, TestSupport.gpt2(), input);
                assertEquals(0, r.maskDisagreements(), "mask and accept() disagree");
                assertEquals(ex.contains(".valid."), r.accepted(),
                        ex + ": blocked at token " + r.blockedToken() + " byte " + r.blockedByte());
            }));
        }
        return tests.stream();
    }

    @Test
    void literalWhosePrefixIsAlsoALexemeIsSplitSoMaximalMunchCannotLoseABoundary() {
        CompiledGrammar cg = compile("root ::= \"a\" [b] \"x\" | \"ab\" \"y\"\n");
        assertTrue(TokenFeed.feed(cg, TestSupport.gpt2(), "abx").accepted());
        assertTrue(TokenFeed.feed(cg, TestSupport.gpt2(), "aby").accepted());
        assertFalse(TokenFeed.feed(cg, TestSupport.gpt2(), "abz").accepted());
    }

    @Test
    void repetitionsClassesAndEscapes() {
        CompiledGrammar cg = compile("root ::= [a-c]{2,3} \"\\x41\" [^0-9\\n]? . # trailing comment\n");
        assertTrue(TokenFeed.feed(cg, TestSupport.gpt2(), "abAz9").accepted());
        assertTrue(TokenFeed.feed(cg, TestSupport.gpt2(), "abcA\u00e9").accepted());
        assertFalse(TokenFeed.feed(cg, TestSupport.gpt2(), "aA9").accepted(), "{2,3} needs two");
        assertFalse(TokenFeed.feed(cg, TestSupport.gpt2(), "abcdA9").accepted(), "{2,3} allows three");
        assertFalse(TokenFeed.feed(cg, TestSupport.gpt2(), "abA09").accepted(), "[^0-9] excludes digits");
    }

    @Test
    void newlineEndsARuleExceptAfterBarAndInsideGroups() {
        CompiledGrammar cg = compile("root ::= (\n  \"x\"\n  | \"y\" ) z |\n  \"w\"\nz ::= \"!\"\n");
        assertTrue(TokenFeed.feed(cg, TestSupport.gpt2(), "x!").accepted());
        assertTrue(TokenFeed.feed(cg, TestSupport.gpt2(), "w").accepted());
        assertFalse(TokenFeed.feed(cg, TestSupport.gpt2(), "x").accepted());
    }

    @Test
    void errorsNameFileLineAndColumn() {
        GrammarSyntaxException e = assertThrows(GrammarSyntaxException.class,
                () -> GbnfGrammarReader.read("root ::= a\na ::= \"x\" [b-\n", "bad.gbnf"));
        assertEquals(2, e.line());
        assertEquals(11, e.column());
        assertTrue(e.getMessage().startsWith("bad.gbnf:2:11: unterminated character class"), e.getMessage());

        e = assertThrows(GrammarSyntaxException.class, () -> GbnfGrammarReader.read("root ::= item+\n", "u.gbnf"));
        assertEquals("u.gbnf:1:10: rule 'item' is not defined", e.getMessage());

        e = assertThrows(GrammarSyntaxException.class, () -> GbnfGrammarReader.read("root ::= \"a\" {3,1}\n", "r.gbnf"));
        assertTrue(e.getMessage().startsWith("r.gbnf:1:14:"), e.getMessage());

        e = assertThrows(GrammarSyntaxException.class, () -> GbnfGrammarReader.read("item ::= \"a\"\n", "n.gbnf"));
        assertTrue(e.getMessage().contains("no 'root' rule"), e.getMessage());

        e = assertThrows(GrammarSyntaxException.class, () -> GbnfGrammarReader.read("root = \"a\"\n", "s.gbnf"));
        assertEquals("s.gbnf:1:6: expected '::=' after rule name 'root'", e.getMessage());

        e = assertThrows(GrammarSyntaxException.class, () -> GbnfGrammarReader.read("root ::= \"\\q\"\n", "e.gbnf"));
        assertEquals("e.gbnf:1:11: unknown escape sequence '\\q'", e.getMessage());
    }
}
