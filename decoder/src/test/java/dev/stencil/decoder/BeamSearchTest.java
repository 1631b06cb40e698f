package dev.stencil.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Beam search under the JSON grammar, and the cache reorder it relies on. */
class BeamSearchTest {
    @Test
    void oneBeamIsGreedy() {
        Stencil s = TestModels.stencil();
        for (List<String> keys : List.of(List.of("name", "age"), List.of("id", "email"))) {
            String p = s.promptForKeys(keys);
            GenerationResult greedy = s.json().prompt(p).maxTokens(64).generate();
            GenerationResult beam = s.json().prompt(p).maxTokens(64).numBeams(1).generate();
            assertArrayEquals(greedy.tokens(), beam.tokens(), beam.text());
        }
    }

    @Test
    void beamFindsAMoreLikelySequenceThanGreedy() {
        Stencil s = TestModels.stencil();
        // on this prompt greedy commits to a likely first key and ends up with a much less likely whole
        String p = s.promptForKeys(List.of("a", "b", "c"));
        int[] prompt = s.tokenizer().encode(p);
        Generator json = s.json();
        GenerationResult greedy = json.prompt(p).maxTokens(64).generate();
        assertEquals(FinishReason.STOP, greedy.finishReason());
        double greedyScore = BeamSearch.logProb(s.model(), prompt, json.grammar().newMatcher(), greedy.tokens(), true, s.eosTokenId());

        BeamSearch.Outcome beam = new BeamSearch(s.model(), s.eosTokenId(), s.maxPositions())
                .search(prompt, json.grammar().newMatcher(), 4, 0, 64);
        assertEquals(FinishReason.STOP, beam.finishReason());
        assertTrue(beam.logProb() > greedyScore + 1, beam.logProb() + " vs greedy " + greedyScore);
        // the score accumulated through reordered cache rows equals a full recomputation of the sequence
        double rescored = BeamSearch.logProb(s.model(), prompt, json.grammar().newMatcher(), beam.tokens(), true, s.eosTokenId());
        assertEquals(rescored, beam.logProb(), 1e-3);

        GenerationResult viaApi = s.json().prompt(p).maxTokens(64).numBeams(4).lengthPenalty(0).generate();
        assertTrue(viaApi.valid(), viaApi.text());
        assertArrayEquals(beam.tokens(), viaApi.tokens());
        assertThrows(DecoderException.class, () -> s.json().prompt(p).numBeams(2).temperature(1).generate());
        assertThrows(DecoderException.class, () -> s.json().numBeams(0));
    }

    @Test
    void reorderedCacheRowsContinueLikeTheirSources() {
        OnnxCausalLm m = TestModels.model();
        var tok = TestModels.tokenizer();
        int[] a = tok.encode("Q: Give a JSON object. Keys: name.\nA:");
        int[] b = tok.encode("Q: Give a JSON object. Keys: id, price, tags.\nA:");
        int next = tok.encode(" {\"")[0];
        int vocab = m.shape().vocabSize();
        float[] expected = new float[vocab];
        try (KvCache alone = m.newCache(1)) {
            m.forward(alone, new int[][] {b});
            m.forward(alone, new int[][] {{next}});
            alone.logits(0, -1, expected);
        }
        try (KvCache cache = m.newCache(2)) {
            m.forward(cache, new int[][] {a, b}); // left-padded: a is shorter
            cache.reorder(new int[] {1, 1});
            m.forward(cache, new int[][] {{next}, {next}});
            float[] row = new float[vocab];
            for (int r = 0; r < 2; r++) {
                cache.logits(r, -1, row);
                for (int i = 0; i < vocab; i++) {
                    assertEquals(expected[i], row[i], 1e-4, "row " + r + " logit " + i);
                }
            }
            assertThrows(DecoderException.class, () -> cache.reorder(new int[] {0, 2}));
        }
    }

    @Test
    void topIdsAndLogSoftmax() {
        float[] v = {0f, 3f, Float.NEGATIVE_INFINITY, 3f, 1f};
        assertArrayEquals(new int[] {1, 3, 4}, BeamSearch.topIds(v, 3));
        assertArrayEquals(new int[] {1, 3, 4, 0}, BeamSearch.topIds(v, 10));
        float[] l = {0f, (float) Math.log(3), Float.NEGATIVE_INFINITY};
        BeamSearch.logSoftmax(l);
        assertEquals(Math.log(0.25), l[0], 1e-6);
        assertEquals(Math.log(0.75), l[1], 1e-6);
    }
}
