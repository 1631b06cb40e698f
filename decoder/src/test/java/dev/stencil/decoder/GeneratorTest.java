package dev.stencil.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** End-to-end generation with the embedded model. */
class GeneratorTest {
    private final Stencil stencil = TestModels.stencil();

    private String prompt(String... keys) {
        return stencil.promptForKeys(List.of(keys));
    }

    @Test
    void unconstrainedGreedyReproducesTheModelsReferenceOutput() {
        // README of tiny-json-gpt2: greedy sample 1, verified against an independent numpy implementation
        GenerationResult r = stencil.unconstrained().prompt(prompt("name", "age", "skills")).generate();
        assertEquals(" {\"name\": \"Sven Khan\", \"age\": 38, \"skills\": [\"swift\", \"sales\", \"gcp\", \"gcp\"]}", r.text());
        assertEquals(FinishReason.STOP, r.finishReason());
    }

    @Test
    void constrainedGreedyOutputParsesAsJson() {
        String[][] keyLists = {
            {"title", "price", "in_stock", "tags"},
            {"id", "email", "created_at", "address"},
            {"username", "followers", "verified", "bio", "website", "location"},
            {"order_id", "customer", "items", "total", "status"},
        };
        for (String[] keys : keyLists) {
            GenerationResult r = stencil.json().prompt(prompt(keys)).maxTokens(256).generate();
            assertEquals(FinishReason.STOP, r.finishReason(), r.text());
            assertTrue(r.valid(), r.text());
            JsonNode json = r.json();
            assertNotNull(json);
            assertTrue(json.isObject(), r.text());
            assertTrue(json.has(keys[0]), r.text());
            assertTrue(r.timings().masks() > 0);
        }
    }

    @Test
    void modelKeepsItsNaturalFirstTokenWithTheLeadingSpace() {
        GenerationResult r = stencil.json().prompt(prompt("name", "age")).maxTokens(1).generate();
        String first = stencil.tokenizer().vocabulary().token(r.tokens()[0]);
        // the byte-level form of " {\"" is "Ġ{\"": the grammar must not push the model off it
        assertEquals(" {\"", r.text(), "first token " + first);
    }

    @Test
    void truncatedOutputIsReportedAsLengthAndNeverAsJson() {
        GenerationResult r = stencil.json().prompt(prompt("id", "email", "created_at", "address")).maxTokens(5).generate();
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertEquals(5, r.generatedTokens());
        assertNull(r.json());
        assertFalse(r.valid());
        assertTrue(r.truncated());
    }

    @Test
    void sameSeedGivesSameSampleAndSeedsMatter() {
        String p = prompt("name", "email", "tags");
        GenerationResult a = stencil.json().prompt(p).temperature(1.0).topP(0.95).seed(42).maxTokens(64).generate();
        GenerationResult b = stencil.json().prompt(p).temperature(1.0).topP(0.95).seed(42).maxTokens(64).generate();
        assertArrayEquals(a.tokens(), b.tokens());
        Set<String> texts = new HashSet<>();
        for (long seed = 1; seed <= 4; seed++) {
            texts.add(stencil.json().prompt(p).temperature(1.0).seed(seed).maxTokens(64).generate().text());
        }
        assertTrue(texts.size() > 1, "four seeds gave one output: " + texts);
    }

    @Test
    void sampledConstrainedOutputsAreValidJson() {
        for (long seed = 0; seed < 3; seed++) {
            GenerationResult r = stencil.json().prompt(prompt("name", "age", "skills"))
                    .temperature(1.3).topK(50).topP(0.98).minP(0.01).seed(seed).maxTokens(200).generate();
            if (r.finishReason() == FinishReason.STOP) {
                assertTrue(r.valid(), r.text());
            } else {
                assertNull(r.json());
            }
        }
    }

    @Test
    void streamedTextEqualsTheResultText() {
        StringBuilder streamed = new StringBuilder();
        GenerationResult r = stencil.json().prompt(prompt("name", "city")).onText(streamed::append).generate();
        assertEquals(r.text(), streamed.toString());
    }

    @Test
    void badOptionsAreRejected() {
        assertThrows(DecoderException.class, () -> stencil.json().generate());
        assertThrows(DecoderException.class, () -> stencil.json().temperature(-1));
        assertThrows(DecoderException.class, () -> stencil.json().topP(0));
        assertThrows(DecoderException.class, () -> stencil.json().maxTokens(0));
        DecoderException e = assertThrows(DecoderException.class, () -> Stencil.load(java.nio.file.Path.of("/nonexistent-model")));
        assertTrue(e.getMessage().contains("/nonexistent-model"));
    }
}
