package dev.stencil.grammars;

import dev.stencil.automata.mask.VocabularyIndex;
import dev.stencil.automata.vocab.BpeTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test helpers: the GPT-2 tokenizer that stencil-automata ships (loaded once per JVM) and test resources. */
public final class TestSupport {
    private static BpeTokenizer tokenizer;
    private static VocabularyIndex index;

    private TestSupport() {
    }

    public static synchronized BpeTokenizer gpt2() {
        if (tokenizer == null) {
            try {
                Path dir = Files.createTempDirectory("stencil-grammars-gpt2");
                for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
                    try (InputStream in = TestSupport.class.getResourceAsStream("/dev/stencil/tokenizers/gpt2/" + f)) {
                        if (in == null) {
                            throw new IllegalStateException("stencil-automata lacks the GPT-2 tokenizer resource " + f);
                        }
                        Files.copy(in, dir.resolve(f));
                    }
                }
                tokenizer = BpeTokenizer.load(dir.resolve("tokenizer.json"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tokenizer;
    }

    public static synchronized VocabularyIndex gpt2Index() {
        if (index == null) {
            index = VocabularyIndex.build(gpt2().vocabulary());
        }
        return index;
    }

    /** A classpath resource as UTF-8 text. */
    public static String resource(String path) {
        try (InputStream in = TestSupport.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
