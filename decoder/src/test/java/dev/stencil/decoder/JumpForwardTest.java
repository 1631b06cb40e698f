package dev.stencil.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stencil.automata.Matcher;
import dev.stencil.automata.vocab.BpeTokenizer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Forced tokens: canonical tokenization only, fewer forward passes, same validity. */
class JumpForwardTest {
    private static final String SCHEMA = """
            {"type": "object",
             "properties": {"name": {"type": "string", "maxLength": 12},
                            "age": {"const": 1234567},
                            "email": {"type": "string", "maxLength": 30}},
             "required": ["name", "age", "email"], "additionalProperties": false}""";

    /**
     * Properties in schema order. Strings admit escapes (so a property name is never forced), but
     * the digits of the constant after its first token are.
     */
    private static final dev.stencil.schemas.SchemaOptions ORDERED = dev.stencil.schemas.SchemaOptions.defaults()
            .withPropertyOrder(dev.stencil.schemas.PropertyOrder.SCHEMA);

    private static JsonNode schema() throws Exception {
        return new ObjectMapper().readTree(SCHEMA);
    }

    @Test
    void forcedTokensSaveForwardPassesAndKeepOutputsValid() throws Exception {
        Stencil s = TestModels.stencil();
        String prompt = s.promptForKeys(List.of("name", "age", "email"));
        GenerationResult plain = s.schema(schema(), ORDERED).prompt(prompt).maxTokens(96).generate();
        StringBuilder streamed = new StringBuilder();
        GenerationResult forced = s.schema(schema(), ORDERED).prompt(prompt).maxTokens(96).forceTokens(true)
                .onText(streamed::append).generate();
        assertTrue(plain.valid(), plain.text());
        assertTrue(forced.valid(), forced.text() + " " + forced.validationErrors());
        assertTrue(forced.timings().forcedTokens() > 0, forced.summary());
        assertEquals(0, plain.timings().forcedTokens());
        // one pass per token (plus the prefill) without forcing; forced tokens ride along with the token before them
        assertEquals(plain.generatedTokens() + 1, plain.timings().forwardPasses());
        assertEquals(forced.generatedTokens() + 1 - forced.timings().forcedTokens(), forced.timings().forwardPasses(), forced.summary());
        assertEquals(forced.text(), streamed.toString());
        // the property names are forced in the tokenizer's own segmentation
        BpeTokenizer tok = s.tokenizer();
        int[] canonical = tok.encode(forced.text());
        assertArrayEquals(canonical, forced.tokens(), forced.text());
    }

    @Test
    void aChosenTokenReSegmentedIntoOneLongerTokenIsTheOneEmitted() throws Exception {
        // the model picks "c" for the enum, the grammar forces "ircle", the tokenizer spells "circle":
        // one token in the chosen one's place, which the matcher accepted and the output must carry
        JsonNode schema = new ObjectMapper().readTree("""
                {"type": "object", "required": ["shape", "dimensions"],
                 "properties": {
                  "dimensions": {"type": "object", "required": ["radius", "length", "width", "base", "height"],
                    "properties": {"base": {"type": "number"}, "height": {"type": "number"}, "length": {"type": "number"},
                                   "radius": {"type": "number"}, "width": {"type": "number"}}},
                  "shape": {"type": "string", "enum": ["circle", "rectangle", "triangle"]}}}""");
        Stencil s = TestModels.stencil();
        String prompt = s.promptForKeys(List.of("dimensions", "shape"));
        GenerationResult forced = s.schema(schema).prompt(prompt).maxTokens(96).forceTokens(true).generate();
        assertTrue(forced.valid(), forced.text() + " " + forced.validationErrors());
        assertTrue(forced.text().contains("\"shape\": \"circle\""), forced.text());
        // the model ran on the tokens the text is made of (not on "c" while the matcher read "circle")
        assertEquals(forced.text(), new String(s.tokenizer().decode(forced.tokens()), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void nothingIsForcedAfterANonCanonicalPrefix() throws Exception {
        Stencil s = TestModels.stencil();
        BpeTokenizer tok = s.tokenizer();
        String head = " {\"name\": \"Al\", \"age\": 12";
        int[] canonical = tok.encode(head);
        // the same text with its last token split in two: a segmentation GPT-2's tokenizer never produces
        int[] split = concat(Arrays.copyOf(canonical, canonical.length - 1), concat(tok.encode(" 1"), tok.encode("2")));
        assertEquals(head, new String(tok.decode(split), java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(split.length > canonical.length);

        Matcher m = newMatcher(s);
        for (int t : split) {
            assertTrue(m.accept(t));
        }
        assertEquals("34567", new String(m.forcedBytes(), java.nio.charset.StandardCharsets.UTF_8));
        int steps = m.stepCount();
        JumpForward jump = new JumpForward(tok);
        int last = split[split.length - 1];
        // " 1" is already in the cache; " 1234567" would be tokenized " 123" "45" "67": nothing is forced
        assertArrayEquals(new int[] {last}, jump.next(m, split, split.length - 1, last, 10));
        assertEquals(steps, m.stepCount()); // the matcher is untouched
        assertEquals(0, jump.forcedCount());

        // after the canonical prefix the digits are forced, all but the last token (it could merge with what follows)
        Matcher c = newMatcher(s);
        for (int t : canonical) {
            assertTrue(c.accept(t));
        }
        int chosen = canonical[canonical.length - 1]; // " 12", chosen by the model, not yet in the cache
        int[] f = jump.next(c, canonical, canonical.length - 1, chosen, 10);
        int[] all = tok.encode(head + "34567");
        // " 12" is re-segmented with the forced digits: " 123" "45" go in, "67" is left to decoding
        assertArrayEquals(Arrays.copyOfRange(all, canonical.length - 1, all.length - 1), f);
        assertTrue(f.length >= 2);
        assertEquals(f.length - 1, jump.forcedCount());
        // the matcher followed the re-segmentation: the rest of the constant is still forced
        assertEquals("67", new String(c.forcedBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }

    private static Matcher newMatcher(Stencil s) throws Exception {
        return s.compile(new dev.stencil.schemas.SchemaCompiler(ORDERED).compile(schema()).grammar()).newMatcher();
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
