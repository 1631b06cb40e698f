package dev.stencil.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The prompt boundary: the leading-whitespace allowance and token healing. */
class TokenHealingTest {
    private final Stencil stencil = TestModels.stencil();

    @Test
    void schemaGenerationKeepsTheNaturalFirstToken() throws Exception {
        JsonNode schema = new ObjectMapper().readTree("{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
                + "\"age\":{\"type\":\"integer\"}},\"required\":[\"name\",\"age\"],\"additionalProperties\":false}");
        String p = stencil.promptForKeys(List.of("name", "age"));
        GenerationResult free = stencil.unconstrained().prompt(p).maxTokens(1).generate();
        GenerationResult constrained = stencil.schema(schema).prompt(p).maxTokens(1).generate();
        assertEquals(" {\"", free.text());
        assertArrayEquals(free.tokens(), constrained.tokens()); // the schema's grammar allows the leading space
    }

    @Test
    void aPromptEndingInASpaceHealsToTheModelsNaturalAnswer() {
        String clean = stencil.promptForKeys(List.of("name", "age"));
        GenerationResult reference = stencil.json().prompt(clean).maxTokens(64).generate();
        GenerationResult unhealed = stencil.json().prompt(clean + " ").maxTokens(64).generate();
        GenerationResult healed = stencil.json().prompt(clean + " ").maxTokens(64).tokenHealing(true).generate();
        // after a lone space token the model is off its training distribution and answers differently
        assertNotEquals(reference.text().strip(), unhealed.text().strip());
        // healing backs up over the space: the model writes " {\"" itself and gives its usual answer
        assertArrayEquals(reference.tokens(), healed.tokens());
        assertEquals(reference.text().substring(1), healed.text()); // the space belonged to the prompt
        assertTrue(healed.valid(), healed.text());
    }

    @Test
    void healingAPromptThatEndsCleanlyChangesNothing() {
        for (List<String> keys : List.of(List.of("id", "email"), List.of("title", "tags"))) {
            String p = stencil.promptForKeys(keys);
            GenerationResult plain = stencil.json().prompt(p).maxTokens(64).generate();
            GenerationResult healed = stencil.json().prompt(p).maxTokens(64).tokenHealing(true).generate();
            assertEquals(plain.text(), healed.text());
            assertTrue(healed.valid());
        }
    }

    @Test
    void streamedHealedTextExcludesTheRespelledBytes() {
        String p = stencil.promptForKeys(List.of("name", "age")) + " ";
        List<String> pieces = new ArrayList<>();
        GenerationResult r = stencil.json().prompt(p).maxTokens(64).tokenHealing(true).onText(pieces::add).generate();
        assertEquals(r.text(), String.join("", pieces));
        assertTrue(r.text().startsWith("{"), r.text());
    }

    /** While healing, exactly the tokens that re-spell the prompt's last token (and then fit the grammar) are allowed. */
    @Test
    void healingMaskAgreesWithBruteForce() {
        var index = stencil.vocabularyIndex();
        int[] prompt = stencil.tokenizer().encode("Q: Give a JSON object. Keys: a.\nA: ");
        byte[] last = index.tokenBytes(prompt[prompt.length - 1]);
        assertArrayEquals(" ".getBytes(StandardCharsets.UTF_8), last);
        TokenHealing heal = TokenHealing.of(prompt, index);
        var matcher = stencil.json().grammar().newMatcher();
        float[] logits = new float[stencil.model().shape().vocabSize()];
        heal.process(logits, matcher);
        int allowed = 0;
        for (int id = 0; id < index.size(); id++) {
            byte[] b = index.tokenBytes(id);
            boolean expected = !index.vocabulary().isSpecial(id) && b.length > 0 && b[0] == ' '
                    && (b.length == 1 || stencil.json().grammar().newMatcher().acceptBytes(java.util.Arrays.copyOfRange(b, 1, b.length)));
            assertEquals(expected, logits[id] == 0f, "token " + id + " '" + new String(b, StandardCharsets.UTF_8) + "'");
            allowed += expected ? 1 : 0;
        }
        assertTrue(allowed > 10, "allowed " + allowed);
        assertEquals(0, matcher.stepCount()); // probing left the grammar state alone
        assertThrows(DecoderException.class, () -> stencil.json().prompt("Q: x\nA: ").numBeams(2).tokenHealing(true).generate());
    }
}
