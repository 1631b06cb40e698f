package dev.stencil.automata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.check.MaskCheck;
import dev.stencil.automata.ir.Grammar;
import dev.stencil.automata.json.JsonGrammar;
import dev.stencil.automata.json.Whitespace;
import dev.stencil.automata.mask.VocabularyIndex;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The mask engine against the brute-force oracle on the real GPT-2 vocabulary: at every checked
 * state, every one of the 50,257 tokens is tried byte by byte by {@code ReferenceRecognizer}
 * (textbook Earley, no trie, no caches) and must agree with the engine's mask bit.
 */
class MaskOracleTest {
    /** States compared by all tests of this class; the bar is at least 1,000. */
    private static final java.util.concurrent.atomic.AtomicLong TOTAL_STATES = new java.util.concurrent.atomic.AtomicLong();

    @org.junit.jupiter.api.AfterAll
    static void atLeastAThousandStates() {
        assertTrue(TOTAL_STATES.get() >= 1000, "only " + TOTAL_STATES.get() + " states compared");
    }

    private static final String[] JSON_DOCS = {
        "{\"name\": \"Ada\", \"tags\": [\"a\", \"b\\n\", \"\\u00e9t\\u00E9\"], \"n\": -12.5e+3, \"ok\": true, \"x\": null}",
        "[1, 2.25, -0, 3e7, {\"k\": [[], {}]}, \"\\\"quoted\\\"\", false]",
        "{\"emoji\": \"😀 日本語 ü\", \"deep\": {\"a\": {\"b\": {\"c\": [0]}}}}",
        "  \"just a string\"  ",
        "{\n  \"indented\": [\n    1,\n    2\n  ]\n}",
    };

    private static MaskCheck.Result check(Grammar g, boolean lexAll, List<String> texts, int walks, long maxStates) {
        VocabularyIndex vocab = TestVocab.gpt2Index();
        CompiledGrammar cg = CompiledGrammar.compile(g, vocab, lexAll);
        List<int[]> seqs = new ArrayList<>();
        for (String t : texts) {
            seqs.add(TestVocab.gpt2().encode(t));
        }
        seqs.addAll(MaskCheck.randomWalks(cg, walks, 24, 42));
        MaskCheck.Result r = MaskCheck.run(cg, lexAll, seqs, maxStates, 2, 5, (p, d, t) -> { });
        assertEquals(0, r.differences(), () -> g.name() + ": " + r.examples());
        TOTAL_STATES.addAndGet(r.states());
        return r;
    }

    @Test
    void jsonFlexibleMatchesOracle() {
        MaskCheck.Result r = check(JsonGrammar.grammar(Whitespace.flexible()), false, List.of(JSON_DOCS), 12, 300);
        assertTrue(r.states() >= 250, "states checked: " + r.states());
    }

    @Test
    void jsonCompactMatchesOracle() {
        List<String> compact = List.of("{\"a\":[1,2,{\"b\":\"c\"}],\"d\":true}", "[\"x\",-1.5E-2,null,{}]", "\"\\ud83d\\ude00\"");
        MaskCheck.Result r = check(JsonGrammar.grammar(Whitespace.compact()), false, compact, 10, 150);
        assertTrue(r.states() >= 100, "states checked: " + r.states());
    }

    @Test
    void jsonAnyWhitespaceMatchesOracle() {
        MaskCheck.Result r = check(JsonGrammar.grammar(Whitespace.any()), false, List.of(JSON_DOCS), 10, 150);
        assertTrue(r.states() >= 100, "states checked: " + r.states());
    }

    @Test
    void shortWhitespaceBoundMatchesOracle() {
        // a bound of 2 makes the "no second run" rule bite often
        List<String> docs = List.of("{ \"a\" :  [ 1 ,  2 ] }", "[  ]");
        MaskCheck.Result r = check(JsonGrammar.grammar(Whitespace.flexible(2)), false, docs, 10, 100);
        assertTrue(r.states() >= 60, "states checked: " + r.states());
    }

    @Test
    void leftRecursiveArithmeticMatchesOracle() {
        List<String> docs = List.of("1 + 2 * (x_1 - 3.5) / -y", "((a))*b+c*d*e", "-(-(-1))");
        MaskCheck.Result r = check(SmallGrammars.arithmetic(), false, docs, 10, 120);
        assertTrue(r.states() >= 80, "states checked: " + r.states());
    }

    @Test
    void ambiguousNullableGrammarMatchesOracle() {
        List<String> docs = List.of("xyy;xyyy!?abc", "!!?ab?xx;", "abcabca");
        MaskCheck.Result r = check(SmallGrammars.ambiguous(), false, docs, 10, 100);
        assertTrue(r.states() >= 60, "states checked: " + r.states());
    }

    @Test
    void regexLikeGrammarMatchesOracle() {
        // parser states here are interned by continuation (origins merged when completing them
        // resumes the same items), which the oracle's plain Earley sets do not do
        List<String> docs = List.of("ab(c|d)*?e", "(?:a(b(c)+)?|)x+", "a|b|(c(d(e)))?f, 0 1");
        // nearly every token is viable here, so each state costs the byte-by-byte oracle a whole vocabulary
        MaskCheck.Result r = check(SmallGrammars.regexLike(), true, docs, 6, 50);
        assertTrue(r.states() >= 40, "states checked: " + r.states());
    }

    @Test
    void parserGenerationsMatchOracle() {
        // a tiny state limit makes the parser replace its intern tables and root again and again,
        // mid-sequence and mid-walk: states of older generations must keep behaving the same
        CompiledGrammar cg = CompiledGrammar.compile(SmallGrammars.arithmetic(), TestVocab.gpt2Index(), false);
        cg.engine().parser().stateLimit(8);
        List<int[]> seqs = new ArrayList<>();
        for (String t : List.of("1 + 2 * (x_1 - 3.5) / -y", "((a))*b+c*d*e")) {
            seqs.add(TestVocab.gpt2().encode(t));
        }
        seqs.addAll(MaskCheck.randomWalks(cg, 6, 24, 7));
        MaskCheck.Result r = MaskCheck.run(cg, false, seqs, 60, 2, 5, (p, d, t) -> { });
        assertEquals(0, r.differences(), () -> "arithmetic with 8 states per generation: " + r.examples());
        assertTrue(cg.engine().parser().generations() > 3, "generations: " + cg.engine().parser().generations());
        assertTrue(r.states() >= 40, "states checked: " + r.states());
        TOTAL_STATES.addAndGet(r.states());
    }

    @Test
    void keywordsWithGlobalLexingMatchOracle() {
        List<String> docs = List.of("if x then ifx = 12;", "# note\nthen = 1; if iff then if a then b = 2;");
        MaskCheck.Result r = check(SmallGrammars.keywords(), true, docs, 10, 100);
        assertTrue(r.states() >= 60, "states checked: " + r.states());
    }

    @Test
    void longestMatchFallbackMatchesOracle() {
        List<String> docs = List.of("a..b(1 /* c */ , ...);", "h(3/*x);", "f(1.5, 2/x);k(7..);", "m(1.2.3);",
                "p(4/**/ 5.);", "q(...., 8.9.);");
        MaskCheck.Result r = check(SmallGrammars.fallback(), true, docs, 16, 200);
        assertTrue(r.states() >= 120, "states checked: " + r.states());
    }
}
