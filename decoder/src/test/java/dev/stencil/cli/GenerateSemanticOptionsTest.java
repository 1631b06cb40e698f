package dev.stencil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./stencil generate} with a semantic constraint judged by the model itself. */
class GenerateSemanticOptionsTest {
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
    void aJudgeThatAlwaysSaysNoGivesAnUnsatisfiedResult() {
        // the embedded model continues "Keys: ...\nA:" with ' {"', hardly ever with ' no': as verdict
        // words (yes = ' no', no = ' {"') every candidate fails
        Run r = run("generate", "--keys", "name,city", "--threads", "1", "--temperature", "1", "--best-of", "3",
                "--judge-prompt", "Q: Give a JSON object. Keys: {text}.\\nA:", "--judge-yes", " no", "--judge-no", " {\"");
        assertEquals(1, r.rc(), r.out());
        assertTrue(r.err().contains("unsatisfied") && r.err().contains("no candidate satisfied"), r.err());
        Run pass = run("generate", "--keys", "name,city", "--threads", "1", "--temperature", "1", "--best-of", "3",
                "--judge-prompt", "Q: Give a JSON object. Keys: {text}.\\nA:", "--judge-yes", " {\"", "--judge-no", " no");
        assertEquals(0, pass.rc(), pass.err());
    }

    @Test
    void bestOfWithoutAConstraintAndTwoConstraintsAreErrors() {
        Run alone = run("generate", "--keys", "name", "--threads", "1", "--temperature", "1", "--best-of", "3");
        assertNotEquals(0, alone.rc());
        assertTrue(alone.err().contains("semantic"), alone.err());
        Run both = run("generate", "--keys", "name", "--threads", "1", "--judge-prompt", "{text}", "--classifier", "x.onnx");
        assertNotEquals(0, both.rc());
        assertTrue(both.err().contains("one semantic constraint"), both.err());
    }
}
