package dev.stencil.decoder;

import static dev.stencil.decoder.SyntheticLogits.NEG;
import static dev.stencil.decoder.SyntheticLogits.allowed;
import static dev.stencil.decoder.SyntheticLogits.logitsOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Typical-p, presence/frequency penalties, min new tokens and stop sequences. */
class DecodingOptionsTest {
    @Test
    void typicalPKeepsTokensNearTheEntropyNotTheMostLikely() {
        // entropy 1.142 nats; -log p = 0.69, 1.20, 1.90, 3.00: token 1 is the most typical, then token 0
        float[] l = logitsOf(0.5, 0.3, 0.15, 0.05);
        new TypicalP(0.25).process(l);
        assertArrayEquals(new int[] {1}, allowed(l)); // top-p 0.25 would keep token 0 instead
        float[] m = logitsOf(0.5, 0.3, 0.15, 0.05);
        new TypicalP(0.7).process(m);
        assertArrayEquals(new int[] {0, 1}, allowed(m));
        float[] all = logitsOf(0.5, 0.3, 0.15, 0.05);
        new TypicalP(1).process(all);
        assertEquals(4, allowed(all).length);
        assertThrows(DecoderException.class, () -> new TypicalP(0));
    }

    @Test
    void presenceAndFrequencyPenaltiesAreAdditivePerOccurrence() {
        PresenceFrequencyPenalty p = new PresenceFrequencyPenalty(0.5, 0.25);
        p.accept(2);
        p.accept(2);
        p.accept(1);
        float[] l = {0f, 0f, 0f, NEG};
        p.process(l);
        assertEquals(0f, l[0]);
        assertEquals(-0.75f, l[1], 1e-6);
        assertEquals(-1.0f, l[2], 1e-6);
        assertEquals(NEG, l[3]);
        // a negative logit is lowered too (unlike the multiplicative repetition penalty's sign rule)
        PresenceFrequencyPenalty q = new PresenceFrequencyPenalty(1, 0);
        q.accept(0);
        float[] n = {-2f, 0f};
        q.process(n);
        assertEquals(-3f, n[0], 1e-6);
        assertThrows(DecoderException.class, () -> new PresenceFrequencyPenalty(3, 0));
    }

    @Test
    void minNewTokensMasksTheStopTokenUntilTheMinimum() {
        MinNewTokens m = new MinNewTokens(2, 3);
        float[] l = {0f, 1f, 2f, 5f};
        m.process(l);
        assertEquals(NEG, l[3]);
        m.accept(1);
        float[] l2 = {0f, 1f, 2f, 5f};
        m.process(l2);
        assertEquals(NEG, l2[3]);
        m.accept(1);
        float[] l3 = {0f, 1f, 2f, 5f};
        m.process(l3);
        assertEquals(5f, l3[3]);
        // when the grammar allows only the stop token, it stays: there is no legal alternative
        MinNewTokens onlyEos = new MinNewTokens(5, 3);
        float[] e = {NEG, NEG, NEG, 1f};
        onlyEos.process(e);
        assertEquals(1f, e[3]);
    }

    @Test
    void minTokensLengthensAnUnconstrainedGeneration() {
        Stencil s = TestModels.stencil();
        String prompt = s.promptForKeys(List.of("a"));
        GenerationResult plain = s.unconstrained().prompt(prompt).maxTokens(64).generate();
        assertEquals(FinishReason.STOP, plain.finishReason(), plain.text());
        int min = plain.generatedTokens() + 3;
        GenerationResult longer = s.unconstrained().prompt(prompt).maxTokens(64).minTokens(min).generate();
        assertTrue(longer.generatedTokens() >= min, longer.generatedTokens() + " < " + min);
        assertThrows(DecoderException.class, () -> s.json().prompt(prompt).maxTokens(4).minTokens(5).generate());
    }

    @Test
    void stopSequencesMatchAcrossTokensAndCharacters() {
        StopSequences st = new StopSequences(List.of("é!", "END"));
        assertFalse(st.push("abc E".getBytes(StandardCharsets.UTF_8)));
        assertEquals(4, st.safeLength()); // "E" may start "END": held back
        assertFalse(st.push("N".getBytes(StandardCharsets.UTF_8)));
        assertFalse(st.push(new byte[] {'x', (byte) 0xC3})); // "ENx" is no stop; the first byte of é arrives
        assertEquals(7, st.safeLength()); // "abc ENx" can be streamed, the lone lead byte cannot
        assertTrue(st.push(new byte[] {(byte) 0xA9, '!', 'z'}));
        assertEquals("abc ENx", new String(st.output(), StandardCharsets.UTF_8));
        assertThrows(DecoderException.class, () -> new StopSequences(List.of("")));
    }

    @Test
    void stopSequenceCutsTheModelOutputAndTheStream() {
        Stencil s = TestModels.stencil();
        String prompt = s.promptForKeys(List.of("name", "age"));
        GenerationResult full = s.json().prompt(prompt).maxTokens(64).generate();
        String text = full.text();
        int cut = text.indexOf("age");
        assertTrue(cut > 0, text);
        StringBuilder streamed = new StringBuilder();
        GenerationResult r = s.json().prompt(prompt).maxTokens(64).stop(List.of("ag")).onText(streamed::append).generate();
        assertEquals(FinishReason.STOP_SEQUENCE, r.finishReason());
        assertEquals(text.substring(0, cut), r.text());
        assertEquals(r.text(), streamed.toString());
        assertFalse(r.valid()); // a cut-off JSON output is never returned as valid
    }
}
