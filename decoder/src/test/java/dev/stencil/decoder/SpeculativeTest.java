package dev.stencil.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Speculative decoding with the embedded draft: greedy gives exactly the greedy output (with a
 * fixed k, and with the adaptive schedule); sampling and forced tokens combine with it.
 */
class SpeculativeTest {
    private static final OnnxCausalLm DRAFT = TestModels.draft();
    private final Stencil stencil = TestModels.stencil();

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
                GenerationResult spec = stencil.json().prompt(p).draft(DRAFT).draftSchedule(DraftSchedule.fixed(k)).generate();
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
            GenerationResult spec = stencil.json().prompt(p).maxTokens(max).draft(DRAFT).draftSchedule(DraftSchedule.fixed(8)).generate();
            assertEquals(FinishReason.LENGTH, spec.finishReason());
            assertArrayEquals(plain.tokens(), spec.tokens(), "max " + max);
        }
    }

    @Test
    void adaptiveScheduleKeepsGreedyOutputIdentical() {
        // the shared schedule switches the draft on and off between rounds; the output must not notice
        for (String[] keys : new String[][] {{"name", "age", "skills"}, {"id", "email", "created_at", "address"}}) {
            String p = stencil.promptForKeys(List.of(keys));
            GenerationResult plain = stencil.json().prompt(p).generate();
            for (int i = 0; i < 3; i++) {
                GenerationResult spec = stencil.json().prompt(p).draft(DRAFT).generate();
                assertArrayEquals(plain.tokens(), spec.tokens(), spec.text() + " vs " + plain.text());
            }
        }
    }

    @Test
    void forcedTokensCombineWithTheDraft() {
        String p = stencil.promptForKeys(List.of("name", "age", "email"));
        com.fasterxml.jackson.databind.JsonNode schema = json(
                "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"age\":{\"type\":\"integer\"},"
                        + "\"email\":{\"type\":\"string\"}},\"required\":[\"name\",\"age\",\"email\"]}");
        GenerationResult forced = stencil.schema(schema).prompt(p).forceTokens(true).generate();
        GenerationResult both = stencil.schema(schema).prompt(p).forceTokens(true).draft(DRAFT)
                .draftSchedule(DraftSchedule.fixed(4)).generate();
        assertTrue(both.valid(), both.text() + " " + both.validationErrors());
        assertTrue(both.timings().forcedTokens() > 0, both.summary());
        assertTrue(both.speculation().proposed() > 0);
        // forced tokens are canonical and greedy choices are the target's: the same text as without the draft
        assertEquals(forced.text(), both.text());
    }

    @Test
    void forcedBytesAfterAnAcceptedProposalAreForcedAsThePlainLoopForcesThem() {
        // the plain loop checks for forced bytes after every token (and may re-segment it, "c" + "ircle"
        // -> "circle"); a round must do the same after each proposal it keeps, or the tokens part ways
        List<com.fasterxml.jackson.databind.JsonNode> schemas = List.of(json("""
                {"type": "object", "required": ["shape", "dimensions"],
                 "properties": {
                  "dimensions": {"type": "object", "required": ["radius", "length", "width", "base", "height"],
                    "properties": {"base": {"type": "number"}, "height": {"type": "number"}, "length": {"type": "number"},
                                   "radius": {"type": "number"}, "width": {"type": "number"}}},
                  "shape": {"type": "string", "enum": ["circle", "rectangle", "triangle"]}}}"""),
                DecodeBenchmark.keysSchema(List.of("title", "price", "in_stock", "tags")),
                DecodeBenchmark.keysSchema(List.of("order_id", "customer", "items", "total", "status")),
                DecodeBenchmark.keysSchema(List.of("username", "followers", "verified", "bio", "website", "location")));
        int kept = 0;
        for (com.fasterxml.jackson.databind.JsonNode schema : schemas) {
            List<String> keys = new java.util.ArrayList<>();
            schema.path("properties").fieldNames().forEachRemaining(keys::add);
            String p = stencil.promptForKeys(keys);
            GenerationResult forced = stencil.schema(schema).prompt(p).maxTokens(128).forceTokens(true).generate();
            for (int k : new int[] {1, 4}) {
                GenerationResult both = stencil.schema(schema).prompt(p).maxTokens(128).forceTokens(true).draft(DRAFT)
                        .draftSchedule(DraftSchedule.fixed(k)).generate();
                assertArrayEquals(forced.tokens(), both.tokens(), "k=" + k + ": " + both.text() + " vs " + forced.text());
                kept += both.speculation().accepted();
            }
        }
        assertTrue(kept > 0, "no proposal was ever kept");
    }

    @Test
    void sampledSpeculationIsSeededAndValid() {
        String p = stencil.promptForKeys(List.of("title", "price", "in_stock", "tags"));
        // the default schedule for sampling: the draft always runs, k adapts within the generation
        GenerationResult a = stencil.json().prompt(p).temperature(0.8).topK(40).seed(7).draft(DRAFT).generate();
        GenerationResult b = stencil.json().prompt(p).temperature(0.8).topK(40).seed(7).draft(DRAFT).generate();
        assertArrayEquals(a.tokens(), b.tokens());
        assertTrue(a.speculation().proposed() > 0);
        assertTrue(a.valid() || a.truncated(), a.text());
    }

    @Test
    void penaltiesWithADraftAreRejectedClearly() {
        DecoderException e = assertThrows(DecoderException.class,
                () -> stencil.json().prompt("Q: Give a JSON object. Keys: a.\nA:").repetitionPenalty(1.2).draft(DRAFT).generate());
        assertTrue(e.getMessage().contains("penalties"), e.getMessage());
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
