package dev.stencil.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The copied subset of the official test suite: every case of every copied category must pass. */
class SuiteSubsetTest {
    private static Path dir(String draft) throws URISyntaxException {
        return Path.of(SuiteSubsetTest.class.getResource("/json-schema-test-suite/" + draft).toURI());
    }

    private static void runAll(String draftDir, Draft draft) throws URISyntaxException {
        TestSuiteCompliance suite = new TestSuiteCompliance(Gpt2.index(), Gpt2.tokenizer()::encode, null);
        TestSuiteCompliance.Counts c = suite.run(dir(draftDir), draft, null);
        assertTrue(c.categories > 0, "no categories found");
        assertEquals(0, c.invalidAdmittedAfterCompile, () -> String.join("\n", c.failures));
        assertEquals(c.cases, c.casesPass, () -> String.join("\n", c.failures));
        assertEquals(c.validTotal, c.validAccepted);
        assertEquals(c.invalidTotal, c.invalidRejected);
    }

    @Test
    void draft2020Categories() throws URISyntaxException {
        runAll("draft2020-12", Draft.DRAFT_2020_12);
    }

    @Test
    void draft7Categories() throws URISyntaxException {
        runAll("draft7", Draft.DRAFT_7);
    }
}
