package dev.stencil.grammars.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.bench.Progress;
import dev.stencil.grammars.TestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusRunnerTest {

    private static List<GrammarCorpus.Entry> corpus(Path dir) throws IOException {
        Path g = Files.createDirectories(dir.resolve("t"));
        Files.createDirectories(g.resolve("examples"));
        Files.writeString(g.resolve("T.g4"), "grammar T; s : (ID | INT)+ EOF ; ID : [a-z]+ ; INT : [0-9]+ ; WS : ' ' -> skip ;\n");
        Files.writeString(g.resolve("examples/a.txt"), "ab 12 cd");
        Files.createDirectories(g.resolve("examples/nested"));
        Files.writeString(g.resolve("examples/nested/b.txt"), "ab 12 !");
        Files.writeString(g.resolve("examples/nested/b.txt.errors"), "line 1:6 token recognition error at: '!'\n");
        Files.writeString(dir.resolve("README.md"), "| folder | start rule |\n|---|---|\n| `t` | `s` |\n");
        return GrammarCorpus.load(dir, Map.of());
    }

    @Test
    void runsExamplesAndMutantsAgainstAntlr(@TempDir Path dir) throws IOException {
        CorpusRunner.Report r = new CorpusRunner(TestSupport.gpt2(), TestSupport.gpt2Index(), 40, 1, 4096).log(null)
                .run(corpus(dir), Progress.NONE);
        CorpusRunner.Row row = r.rows().get(0);
        assertFalse(row.timedOut());
        assertEquals(2, row.examples(), "examples in subfolders count too");
        assertEquals(1, row.examplesAccepted());
        assertEquals(2, row.examplesAsExpected());
        assertEquals(2, row.examplesAgree());
        assertEquals(40, row.mutants());
        assertEquals(40, row.mutantsAgree(), row.disagreements().toString());
        assertEquals(0L, r.summary().get("timed_out"));
        // GPT-2: a.txt is "ab", " 12", " cd" (4 masks with the one for the end); b.txt is rejected at " !", its 3rd (3 masks)
        assertEquals(7, r.maskMicros().length);
        assertTrue(row.maskMicrosP50() > 0 && row.maskMicrosP99() >= row.maskMicrosP50(),
                row.maskMicrosP50() + " / " + row.maskMicrosP99());
    }

    @Test
    void aGrammarPastTheTimeCapIsReportedAsTimedOut(@TempDir Path dir) throws IOException {
        // compiling alone takes longer than a millisecond, so the loops see the deadline passed
        CorpusRunner.Report r = new CorpusRunner(TestSupport.gpt2(), TestSupport.gpt2Index(), 1000, 1, 4096).log(null)
                .timeCap(Duration.ofMillis(1)).run(corpus(dir), Progress.NONE);
        CorpusRunner.Row row = r.rows().get(0);
        assertTrue(row.timedOut());
        assertTrue(row.mutants() < 1000, "mutants run: " + row.mutants());
        assertEquals(1L, r.summary().get("timed_out"));
        assertTrue(CorpusRunner.markdown(r, "t").contains("timed out"));
    }
}
