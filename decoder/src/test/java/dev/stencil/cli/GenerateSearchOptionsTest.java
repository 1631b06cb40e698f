package dev.stencil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./stencil generate} options for keywords, diverse beams, contrastive search and token healing. */
class GenerateSearchOptionsTest {
    private record Run(int rc, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            rc = new CommandLine(new StencilCli()).execute(args);
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void excludeAndInclude() throws Exception {
        Run banned = run("generate", "--keys", "name,age", "--threads", "1", "--exclude", "n W", "--exclude", "Sofia");
        assertEquals(0, banned.rc(), banned.err());
        assertFalse(banned.out().contains("n W") || banned.out().contains("Sofia"), banned.out());
        new ObjectMapper().readTree(banned.out());

        Run missing = run("generate", "--keys", "name,age", "--threads", "1", "--include", "city", "--max-tokens", "64");
        assertEquals(1, missing.rc(), missing.out());
        assertTrue(missing.err().contains("missing_keywords") && missing.err().contains("city"), missing.err());

        Run beams = run("generate", "--keys", "name,age", "--threads", "1", "--include", "city", "--num-beams", "4", "--max-tokens", "64");
        assertEquals(0, beams.rc(), beams.err());
        assertTrue(new ObjectMapper().readTree(beams.out()).toString().contains("city"), beams.out());
    }

    @Test
    void diverseBeamGroupsPrintOneOutputEach() throws Exception {
        Run r = run("generate", "--keys", "name,age", "--threads", "1", "--num-beams", "4", "--beam-groups", "2",
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
        Run c = run("generate", "--keys", "name,age,city", "--threads", "1", "--contrastive-k", "4", "--penalty-alpha", "0.6");
        assertEquals(0, c.rc(), c.err());
        assertTrue(new ObjectMapper().readTree(c.out()).isObject(), c.out());

        Run h = run("generate", "--prompt", "Q: Give a JSON object. Keys: name, age.\\nA: ", "--threads", "1", "--token-healing");
        assertEquals(0, h.rc(), h.err());
        assertTrue(new ObjectMapper().readTree(h.out()).has("name"), h.out());
    }
}
