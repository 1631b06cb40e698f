package dev.stencil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code ./stencil generate} options for keywords, diverse beams, contrastive search and token healing. */
class GenerateSearchOptionsTest {
    @Test
    void excludeAndInclude() throws Exception {
        CliRun banned = CliRun.of("generate", "--keys", "name,age", "--threads", "1", "--exclude", "n W", "--exclude", "Sofia");
        assertEquals(0, banned.rc(), banned.err());
        assertFalse(banned.out().contains("n W") || banned.out().contains("Sofia"), banned.out());
        new ObjectMapper().readTree(banned.out());

        CliRun missing = CliRun.of("generate", "--keys", "name,age", "--threads", "1", "--include", "city", "--max-tokens", "64");
        assertEquals(1, missing.rc(), missing.out());
        assertTrue(missing.err().contains("missing_keywords") && missing.err().contains("city"), missing.err());

        CliRun beams = CliRun.of("generate", "--keys", "name,age", "--threads", "1", "--include", "city", "--num-beams", "4", "--max-tokens", "64");
        assertEquals(0, beams.rc(), beams.err());
        assertTrue(new ObjectMapper().readTree(beams.out()).toString().contains("city"), beams.out());
    }

    @Test
    void diverseBeamGroupsPrintOneOutputEach() throws Exception {
        CliRun r = CliRun.of("generate", "--keys", "name,age", "--threads", "1", "--num-beams", "4", "--beam-groups", "2",
                "--diversity-penalty", "2", "--max-tokens", "64");
        assertEquals(0, r.rc(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length, r.out());
        assertNotEquals(lines[0], lines[1]);
        for (String line : lines) {
            new ObjectMapper().readTree(line);
        }
    }

    @Test
    void contrastiveAndTokenHealing() throws Exception {
        CliRun c = CliRun.of("generate", "--keys", "name,age,city", "--threads", "1", "--contrastive-k", "4", "--penalty-alpha", "0.6");
        assertEquals(0, c.rc(), c.err());
        assertTrue(new ObjectMapper().readTree(c.out()).isObject(), c.out());

        CliRun h = CliRun.of("generate", "--prompt", "Q: Give a JSON object. Keys: name, age.\\nA: ", "--threads", "1", "--token-healing");
        assertEquals(0, h.rc(), h.err());
        assertTrue(new ObjectMapper().readTree(h.out()).has("name"), h.out());
    }
}
