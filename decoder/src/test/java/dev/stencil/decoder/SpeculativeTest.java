package dev.stencil.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Greedy speculative decoding with the embedded draft gives exactly the greedy output. */
class SpeculativeTest {
    private static final OnnxCausalLm DRAFT = Stencil.embeddedDraft(RuntimeOptions.defaults().withThreads(1));
    private final Stencil stencil = TestModels.stencil();

    @AfterAll
    static void close() {
        DRAFT.close();
    }

    @Test
    void outputIsIdenticalToGreedyForEveryK() {
        String[][] keyLists = {
            {"name", "age", "skills"},
            {"title", "price", "in_stock", "tags"},
            {"id", "email", "created_at", "address"},
            {"username", "followers", "verified", "bio", "website", "location"},
            {"order_id", "customer", "items", "total", "status"},
        };
        int proposed = 0;
        int accepted = 0;
        int targetPasses = 0;
        int tokens = 0;
        for (String[] keys : keyLists) {
            String p = stencil.promptForKeys(List.of(keys));
            GenerationResult plain = stencil.json().prompt(p).generate();
            for (int k : new int[] {1, 8}) {
                GenerationResult spec = stencil.json().prompt(p).draft(DRAFT).draftTokens(k).generate();
                assertArrayEquals(plain.tokens(), spec.tokens(), "k=" + k + ": " + spec.text() + " vs " + plain.text());
                assertEquals(plain.finishReason(), spec.finishReason());
                assertNotNull(spec.speculation());
                assertTrue(spec.speculation().accepted() <= spec.speculation().proposed());
                proposed += spec.speculation().proposed();
                accepted += spec.speculation().accepted();
                targetPasses += spec.speculation().targetPasses();
                tokens += spec.generatedTokens() + 1;
            }
        }
        assertTrue(accepted > 0, "the draft never agreed with the target");
        assertTrue(targetPasses < tokens, targetPasses + " target passes for " + tokens + " tokens");
    }

    @Test
    void tokenLimitIsHonouredExactly() {
        String p = stencil.promptForKeys(List.of("id", "email", "created_at", "address"));
        for (int max : new int[] {1, 2, 7, 13}) {
            GenerationResult plain = stencil.json().prompt(p).maxTokens(max).generate();
            GenerationResult spec = stencil.json().prompt(p).maxTokens(max).draft(DRAFT).draftTokens(8).generate();
            assertEquals(FinishReason.LENGTH, spec.finishReason());
            assertArrayEquals(plain.tokens(), spec.tokens(), "max " + max);
        }
    }

    @Test
    void samplingWithADraftIsRejectedClearly() {
        DecoderException e = assertThrows(DecoderException.class,
                () -> stencil.json().prompt("Q: Give a JSON object. Keys: a.\nA:").temperature(0.7).draft(DRAFT).generate());
        assertTrue(e.getMessage().contains("greedy"), e.getMessage());
    }
}
