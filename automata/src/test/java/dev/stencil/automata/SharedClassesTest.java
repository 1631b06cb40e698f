package dev.stencil.automata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.check.MaskCheck;
import dev.stencil.automata.ir.Expr;
import dev.stencil.automata.ir.Grammar;
import dev.stencil.automata.ir.Lexeme;
import dev.stencil.automata.json.JsonGrammar;
import dev.stencil.automata.json.Whitespace;
import dev.stencil.automata.mask.VocabularyIndex;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lexer-state classifications shared between grammars on one vocabulary: a grammar whose states
 * reuse another grammar's classifications (with its own lexeme and emit numbering) must still
 * agree with the brute-force oracle, and the depth-bounded signatures must let the states of a
 * long counted string share one classification.
 */
class SharedClassesTest {
    /** A record-like grammar whose lexemes are numbered differently from the JSON grammar's. */
    private static Grammar record() {
        Lexeme name = Lexeme.regex("NAME", "\"[a-z ]{0,300}\"");
        Lexeme text = Lexeme.regex("TEXT", "\"([^\"\\\\\\x00-\\x1f]|\\\\[\"\\\\/bfnrt]|\\\\u[0-9a-fA-F]{4})*\"");
        Lexeme num = Lexeme.regex("NUM", "-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
        Grammar.Builder b = Grammar.builder("record");
        b.rule("rec", Expr.seq(Expr.lit("{\"id\":"), Expr.lex(num), Expr.lit(",\"name\":"), Expr.lex(name),
                Expr.lit(",\"notes\":["), Expr.opt(Expr.seq(Expr.lex(text), Expr.star(Expr.seq(Expr.lit(","), Expr.lex(text))))),
                Expr.lit("]}")));
        return b.build();
    }

    private static final String RECORD = "{\"id\":-12.5e3,\"name\":\"ada lovelace wrote the first program for the analytical engine in eighteen forty three\","
            + "\"notes\":[\"x\\\"y\",\"\\u00e9t\\u00E9 日本\"]}";

    @Test
    void reusedClassificationsAgreeWithTheOracle() {
        VocabularyIndex vocab = VocabularyIndex.build(TestVocab.gpt2().vocabulary());
        CompiledGrammar json = CompiledGrammar.compile(JsonGrammar.grammar(Whitespace.compact()), vocab);
        feed(json, "{\"a\":[\"some text\",-1.5e3,{\"b\":\"c\"}],\"d\":\"long string value here\"}");
        long hitsBefore = vocab.sharedClassStats()[1];

        CompiledGrammar rec = CompiledGrammar.compile(record(), vocab);
        List<int[]> seqs = new ArrayList<>();
        seqs.add(TestVocab.gpt2().encode(RECORD));
        seqs.addAll(MaskCheck.randomWalks(rec, 6, 30, 7));
        MaskCheck.Result r = MaskCheck.run(rec, false, seqs, 150, 2, 5, (p, d, t) -> { });
        assertEquals(0, r.differences(), () -> r.examples().toString());
        assertTrue(r.states() >= 60, "states checked: " + r.states());
        assertTrue(vocab.sharedClassStats()[1] > hitsBefore, "the record grammar reused no classification of the JSON grammar's");
    }

    @Test
    void masksAreTheSameWithAndWithoutSharing() {
        VocabularyIndex shared = VocabularyIndex.build(TestVocab.gpt2().vocabulary());
        feed(CompiledGrammar.compile(JsonGrammar.grammar(Whitespace.flexible()), shared),
                "{\"k\": [\"v w\", 1, true, null]}");
        CompiledGrammar warm = CompiledGrammar.compile(record(), shared);
        VocabularyIndex alone = VocabularyIndex.build(TestVocab.gpt2().vocabulary());
        CompiledGrammar cold = CompiledGrammar.compile(record(), alone);
        Matcher a = warm.newMatcher();
        Matcher b = cold.newMatcher();
        for (int token : TestVocab.gpt2().encode(RECORD)) {
            long[] ma = a.newMask();
            long[] mb = b.newMask();
            a.fillNextTokenMask(ma);
            b.fillNextTokenMask(mb);
            assertArrayEquals(mb, ma);
            assertTrue(a.accept(token));
            assertTrue(b.accept(token));
        }
    }

    @Test
    void longCountedStringSharesOneClassificationPerRemainingLength() {
        VocabularyIndex vocab = VocabularyIndex.build(TestVocab.gpt2().vocabulary());
        CompiledGrammar rec = CompiledGrammar.compile(record(), vocab);
        int[] ids = TestVocab.gpt2().encode(RECORD);
        Matcher m = rec.newMatcher();
        long[] mask = m.newMask();
        java.util.Set<Integer> lexStates = new java.util.HashSet<>();
        for (int token : ids) {
            m.fillNextTokenMask(mask);
            lexStates.add(m.lexState());
            assertTrue(m.accept(token));
        }
        long misses = vocab.sharedClassStats()[2];
        long hits = vocab.sharedClassStats()[1];
        // the name's characters are all at least the longest token away from the bound of 300,
        // so its states share one signature; the rest of the record is a handful of states
        assertTrue(hits > 0, "no state of the counted string shared a classification");
        assertTrue(misses < lexStates.size(), "classified " + misses + " signatures for " + lexStates.size() + " lexer states");
    }

    private static void feed(CompiledGrammar g, String text) {
        Matcher m = g.newMatcher();
        long[] mask = m.newMask();
        for (int token : TestVocab.gpt2().encode(text)) {
            m.fillNextTokenMask(mask);
            assertTrue(m.accept(token), text);
        }
    }
}
