package dev.stencil.automata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.json.JsonGrammar;
import dev.stencil.automata.json.Whitespace;
import dev.stencil.automata.mask.VocabularyIndex;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Masks sized for a model whose logits are wider than the tokenizer (Qwen3: 151,936 vs 151,669). */
class MaskWidthTest {
    @Test
    void idsPastTheVocabularyAreAlwaysMasked() {
        VocabularyIndex vocab = TestVocab.gpt2Index();
        Matcher m = CompiledGrammar.compile(JsonGrammar.grammar(Whitespace.flexible()), vocab).newMatcher();
        int logits = vocab.size() + 679;
        long[] mask = new long[(logits + 63) / 64 + 3];
        for (String piece : new String[] {"", "{\"a\"", ": [1", ", \"x\"]}"}) {
            Arrays.fill(mask, -1L); // garbage from a previous use must not leak through
            assertTrue(m.acceptBytes(piece.getBytes(java.nio.charset.StandardCharsets.UTF_8)) || piece.isEmpty());
            m.fillNextTokenMask(mask);
            for (int id = vocab.size(); id < mask.length * 64; id++) {
                assertFalse((mask[id >>> 6] & (1L << id)) != 0, "id " + id + " past the vocabulary is allowed after '" + piece + "'");
            }
        }
        assertTrue(m.isAccepting());
        assertTrue((mask[vocab.eosTokenId() >>> 6] & (1L << vocab.eosTokenId())) != 0, "EOS allowed at the end");
    }

    @Test
    void specialTokensAreNeverGrammarText() {
        VocabularyIndex vocab = TestVocab.gpt2Index();
        Matcher m = CompiledGrammar.compile(JsonGrammar.grammar(Whitespace.flexible()), vocab).newMatcher();
        assertTrue(m.acceptBytes("\"inside a string ".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        long[] mask = m.newMask();
        m.fillNextTokenMask(mask);
        int eos = vocab.eosTokenId();
        assertFalse((mask[eos >>> 6] & (1L << eos)) != 0, "<|endoftext|> is special: not string content");
        assertFalse(m.accept(eos));
        assertEquals(1, m.stepCount());
    }
}
