package dev.stencil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code ./stencil generate} with a semantic constraint judged by the model itself. */
class GenerateSemanticOptionsTest {
    @Test
    void aJudgeThatAlwaysSaysNoGivesAnUnsatisfiedResult() {
        // the embedded model continues "Keys: ...\nA:" with ' {"', hardly ever with ' no': as verdict
        // words (yes = ' no', no = ' {"') every candidate fails
        CliRun r = CliRun.of("generate", "--keys", "name,city", "--threads", "1", "--temperature", "1", "--best-of", "3",
                "--judge-prompt", "Q: Give a JSON object. Keys: {text}.\\nA:", "--judge-yes", " no", "--judge-no", " {\"");
        assertEquals(1, r.rc(), r.out());
        assertTrue(r.err().contains("unsatisfied") && r.err().contains("no candidate satisfied"), r.err());
        CliRun pass = CliRun.of("generate", "--keys", "name,city", "--threads", "1", "--temperature", "1", "--best-of", "3",
                "--judge-prompt", "Q: Give a JSON object. Keys: {text}.\\nA:", "--judge-yes", " {\"", "--judge-no", " no");
        assertEquals(0, pass.rc(), pass.err());
    }

    @Test
    void bestOfWithoutAConstraintAndTwoConstraintsAreErrors() {
        CliRun alone = CliRun.of("generate", "--keys", "name", "--threads", "1", "--temperature", "1", "--best-of", "3");
        assertNotEquals(0, alone.rc());
        assertTrue(alone.err().contains("semantic"), alone.err());
        CliRun both = CliRun.of("generate", "--keys", "name", "--threads", "1", "--judge-prompt", "{text}", "--classifier", "x.onnx");
        assertNotEquals(0, both.rc());
        assertTrue(both.err().contains("one semantic constraint"), both.err());
    }
}
