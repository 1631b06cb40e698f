package dev.stencil.automata;

import dev.stencil.automata.mask.VocabularyIndex;
import dev.stencil.automata.vocab.BpeTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The GPT-2 tokenizer shipped in the project's resources, loaded once per test JVM. */
public final class TestVocab {
    private static BpeTokenizer gpt2;
    private static VocabularyIndex gpt2Index;

    private TestVocab() {
    }

    public static synchronized BpeTokenizer gpt2() {
        if (gpt2 == null) {
            gpt2 = BpeTokenizer.load(extract("/dev/stencil/tokenizers/gpt2/"));
        }
        return gpt2;
    }

    public static synchronized VocabularyIndex gpt2Index() {
        if (gpt2Index == null) {
            gpt2Index = VocabularyIndex.build(gpt2().vocabulary());
        }
        return gpt2Index;
    }

    private static Path extract(String resourceDir) {
        try {
            Path dir = Files.createTempDirectory("stencil-test-tok");
            for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
                try (InputStream in = TestVocab.class.getResourceAsStream(resourceDir + f)) {
                    if (in == null) {
                        throw new IllegalStateException("missing test resource " + resourceDir + f);
                    }
                    Files.copy(in, dir.resolve(f));
                }
            }
            return dir.resolve("tokenizer.json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
