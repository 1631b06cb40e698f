package dev.stencil.cli;

import dev.stencil.automata.StencilException;
import dev.stencil.automata.mask.VocabularyIndex;
import dev.stencil.automata.vocab.BpeTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Resolves the {@code --tokenizer} option: a file, or the embedded GPT-2 tokenizer when absent. */
final class Tokenizers {
    static final String EMBEDDED = "/dev/stencil/tokenizers/gpt2/";

    private Tokenizers() {
    }

    /** A loaded tokenizer, its mask index and a display name. */
    record Loaded(String name, BpeTokenizer tokenizer, VocabularyIndex index) {
    }

    static Loaded load(Path path) {
        if (path == null) {
            return load(extractEmbedded(), "gpt2 (embedded)");
        }
        if (!Files.isRegularFile(path)) {
            throw new StencilException("tokenizer file not found: " + path);
        }
        Path parent = path.toAbsolutePath().getParent();
        return load(path, parent == null ? path.toString() : parent.getFileName().toString());
    }

    private static Loaded load(Path path, String name) {
        BpeTokenizer tok = BpeTokenizer.load(path);
        return new Loaded(name, tok, VocabularyIndex.build(tok.vocabulary()));
    }

    private static Path extractEmbedded() {
        try {
            Path dir = Files.createTempDirectory("stencil-gpt2");
            dir.toFile().deleteOnExit();
            for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
                try (InputStream in = Tokenizers.class.getResourceAsStream(EMBEDDED + f)) {
                    if (in == null) {
                        throw new StencilException("the embedded tokenizer resource " + EMBEDDED + f + " is missing from the build");
                    }
                    Path out = dir.resolve(f);
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                    out.toFile().deleteOnExit();
                }
            }
            return dir.resolve("tokenizer.json");
        } catch (IOException e) {
            throw new StencilException("cannot extract the embedded tokenizer: " + e.getMessage(), e);
        }
    }

    /** {@code ../shared} beside the repository (STENCIL_HOME is set by the ./stencil launcher). */
    static Path shared() {
        String home = System.getenv("STENCIL_HOME");
        Path root = home != null ? Path.of(home) : Path.of("").toAbsolutePath();
        return root.resolve("../shared").normalize();
    }
}
