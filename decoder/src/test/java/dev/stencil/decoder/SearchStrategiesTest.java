package dev.stencil.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Diverse beam search and contrastive search on the embedded model. */
class SearchStrategiesTest {
    private final Stencil stencil = TestModels.stencil();

    private String prompt(String... keys) {
        return stencil.promptForKeys(List.of(keys));
    }

    @Test
    void diverseBeamGroupsReturnDifferentSequences() {
        String p = prompt("name", "age");
        List<GenerationResult> diverse = stencil.json().prompt(p).maxTokens(64).numBeams(4).beamGroups(2).diversityPenalty(2)
                .generateGroups();
        assertEquals(2, diverse.size());
        for (GenerationResult r : diverse) {
            assertTrue(r.valid(), r.text());
        }
        assertNotEquals(diverse.get(0).text(), diverse.get(1).text());
        // the penalty is what keeps them apart: without it both groups run the same search
        List<GenerationResult> same = stencil.json().prompt(p).maxTokens(64).numBeams(4).beamGroups(2).diversityPenalty(0)
                .generateGroups();
        assertArrayEquals(same.get(0).tokens(), same.get(1).tokens());
        // generate() returns the most likely group output
        GenerationResult best = stencil.json().prompt(p).maxTokens(64).numBeams(4).beamGroups(2).diversityPenalty(2).generate();
        assertTrue(diverse.stream().anyMatch(r -> r.text().equals(best.text())), best.text());
        assertThrows(DecoderException.class, () -> stencil.json().prompt(p).numBeams(3).beamGroups(2).generate());
    }

    @Test
    void moreGroupsGiveMoreDistinctOutputs() {
        String p = prompt("id", "email");
        List<GenerationResult> groups = stencil.json().prompt(p).maxTokens(64).numBeams(4).beamGroups(4).diversityPenalty(3)
                .generateGroups();
        Set<String> texts = new HashSet<>();
        groups.forEach(r -> texts.add(r.text()));
        assertEquals(4, texts.size(), texts.toString());
    }

    @Test
    void contrastiveSearchWithoutPenaltyIsGreedy() {
        for (List<String> keys : List.of(List.of("name", "age"), List.of("title", "price", "tags"))) {
            String p = stencil.promptForKeys(keys);
            GenerationResult greedy = stencil.json().prompt(p).maxTokens(64).generate();
            GenerationResult contrastive = stencil.json().prompt(p).maxTokens(64).contrastive(4, 0).generate();
            assertArrayEquals(greedy.tokens(), contrastive.tokens(), contrastive.text());
            assertEquals(FinishReason.STOP, contrastive.finishReason());
        }
    }

    @Test
    void contrastiveSearchPenalisesRepeatedRepresentationsAndStaysValid() {
        int differs = 0;
        for (List<String> keys : List.of(List.of("name", "age", "skills"), List.of("tags", "items"), List.of("id", "email"))) {
            String p = stencil.promptForKeys(keys);
            GenerationResult greedy = stencil.json().prompt(p).maxTokens(96).generate();
            GenerationResult contrastive = stencil.json().prompt(p).maxTokens(96).contrastive(4, 0.6).generate();
            assertEquals(FinishReason.STOP, contrastive.finishReason(), contrastive.text());
            assertTrue(contrastive.valid(), contrastive.text());
            if (!greedy.text().equals(contrastive.text())) {
                differs++;
            }
        }
        assertTrue(differs > 0, "the degeneration penalty never changed a choice");
        assertThrows(DecoderException.class, () -> stencil.json().contrastive(4, 1.5));
        assertThrows(DecoderException.class, () -> stencil.json().prompt("x").contrastive(4, 0.5).numBeams(2).generate());
    }

    /** Hidden states read from cached steps (and after a row reorder) equal a full recomputation. */
    @Test
    void hiddenStatesFromTheCacheMatchFullRecomputation() {
        OnnxCausalLm m = TestModels.model();
        var tok = TestModels.tokenizer();
        int[] prompt = tok.encode("Q: Give a JSON object. Keys: name.\nA:");
        int[] next = tok.encode(" {\"name");
        int[] all = java.util.Arrays.copyOf(prompt, prompt.length + next.length);
        System.arraycopy(next, 0, all, prompt.length, next.length);
        float[] expected;
        try (KvCache full = m.newCache(1)) {
            full.captureHiddenStates(true);
            m.forward(full, new int[][] {all});
            expected = new float[full.hiddenWidth()];
            full.hiddenStates(0, -1, expected);
        }
        try (KvCache cache = m.newCache(2)) {
            cache.captureHiddenStates(true);
            m.forward(cache, new int[][] {prompt, tok.encode("Q: Give a JSON object. Keys: id, tags.\nA:")});
            for (int i = 0; i < next.length - 1; i++) {
                m.forward(cache, new int[][] {{next[i]}, {next[i]}});
            }
            cache.reorder(new int[] {0, 0});
            m.forward(cache, new int[][] {{next[next.length - 1]}, {next[next.length - 1]}});
            float[] h = new float[expected.length];
            for (int r = 0; r < 2; r++) {
                cache.hiddenStates(r, -1, h);
                for (int d = 0; d < h.length; d++) {
                    assertEquals(expected[d], h[d], 1e-4, "row " + r + " dim " + d);
                }
            }
        }
        assertEquals(128, expected.length);
    }
}
