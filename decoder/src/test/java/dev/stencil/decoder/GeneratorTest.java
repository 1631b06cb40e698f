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
    void concurrentGeneratorsOnOneModelGiveTheSequentialResults() throws Exception {
        List<String> prompts = List.of(prompt("name", "age"), prompt("title", "price", "tags"), prompt("city", "country"),
                prompt("id", "email"));
        List<String> sequential = new java.util.ArrayList<>();
        for (String p : prompts) {
            sequential.add(stencil.json().prompt(p).maxTokens(80).generate().text());
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<String>> futures = new java.util.ArrayList<>();
            for (String p : prompts) {
                futures.add(pool.submit(() -> stencil.json().prompt(p).maxTokens(80).generate().text()));
            }
            for (int i = 0; i < prompts.size(); i++) {
                assertEquals(sequential.get(i), futures.get(i).get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void loadsAModelFolderAndAnOnnxFileFromShared() {
        java.nio.file.Path dir = java.nio.file.Path.of("../../shared/models/tiny-json-gpt2").toAbsolutePath().normalize();
        if (!java.nio.file.Files.isDirectory(dir)) {
            dir = java.nio.file.Path.of("../shared/models/tiny-json-gpt2").toAbsolutePath().normalize();
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(dir), "../shared is absent");
        String p = prompt("name", "age", "skills");
        String embedded = stencil.json().prompt(p).generate().text();
        try (Stencil folder = Stencil.load(dir, RuntimeOptions.defaults().withThreads(1));
                Stencil int8 = Stencil.load(dir.resolve("model_int8.onnx"),
                        RuntimeOptions.defaults().withThreads(1).withOptimization(RuntimeOptions.Optimization.BASIC))) {
            assertEquals(embedded, folder.json().prompt(p).generate().text());
            GenerationResult q = int8.json().prompt(p).generate();
            assertTrue(q.valid(), q.text());
        }
    }

    @Test
    void batchedGenerationEqualsOneByOne() {
        List<String> prompts = List.of(prompt("name", "age", "skills"), prompt("city", "country"),
                prompt("id", "email", "created_at", "address"));
        List<GenerationResult> batch = stencil.json().maxTokens(120).generateAll(prompts);
        assertEquals(prompts.size(), batch.size());
        for (int i = 0; i < prompts.size(); i++) {
            GenerationResult alone = stencil.json().prompt(prompts.get(i)).maxTokens(120).generate();
            assertArrayEquals(alone.tokens(), batch.get(i).tokens(), "row " + i + ": " + batch.get(i).text());
            assertEquals(alone.finishReason(), batch.get(i).finishReason());
            assertTrue(batch.get(i).valid(), batch.get(i).text());
        }
        // one row hitting the limit does not stop the others
        List<GenerationResult> cut = stencil.json().maxTokens(12).generateAll(prompts);
        assertTrue(cut.stream().allMatch(r -> r.truncated() && r.generatedTokens() == 12));
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
