package dev.stencil.automata.vocab;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the tests find tokenizer files. */
final class TestTokenizers {
    private TestTokenizers() {
    }

    /** GPT-2's tokenizer.json, shipped in the main resources (MIT, see the LICENSE beside it). */
    static Path gpt2() {
        URL url = TestTokenizers.class.getResource("/dev/stencil/tokenizers/gpt2/tokenizer.json");
        if (url == null) {
            throw new IllegalStateException("resource dev/stencil/tokenizers/gpt2/tokenizer.json is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code shared/tokenizers/<name>/tokenizer.json} from the read-only folder beside the
     * checkout, found by walking up from the working directory (Maven runs tests in the module
     * folder, two levels below). Skips the calling test when it is absent.
     */
    static Path shared(String name) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("shared").resolve("tokenizers");
            if (Files.isDirectory(candidate)) {
                Path file = candidate.resolve(name).resolve("tokenizer.json");
                assumeTrue(Files.isRegularFile(file), "no " + file);
                return file;
            }
            dir = dir.getParent();
        }
        assumeTrue(false, "no shared/tokenizers folder above " + Path.of("").toAbsolutePath());
        return null;
    }

    /**
     * Up to {@code maxPieces} pieces: mostly from {@code parts}, one in five a random Unicode
     * scalar value (surrogates excluded). Seeded, so a failure reproduces as is.
     */
    static String randomText(java.util.Random random, String[] parts, int maxPieces) {
        StringBuilder b = new StringBuilder();
        for (int k = random.nextInt(maxPieces); k > 0; k--) {
            if (random.nextInt(5) == 0) {
                int cp;
                do {
                    cp = random.nextInt(0x110000);
                } while (cp >= 0xD800 && cp <= 0xDFFF);
                b.appendCodePoint(cp);
            } else {
                b.append(parts[random.nextInt(parts.length)]);
            }
        }
        return b.toString();
    }
}
