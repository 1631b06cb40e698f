package dev.stencil.decoder.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stencil.automata.vocab.BpeTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Stencil encodes text with its own BPE implementation ({@link BpeTokenizer}: pure Java, in the
 * dependency-free {@code automata} module, sharing the vocabulary tables the masks are built
 * from). This checks it against the Hugging Face tokenizers library itself (through DJL, natives
 * inside the jar, so offline): token for token on tricky strings and the embedded model's prompts
 * with GPT-2's tokenizer always, and on JSONSchemaBench instances with GPT-2, Llama-2, Llama-3 and
 * Qwen3 where {@code ../shared} is present.
 */
class HuggingFaceParityTest {
    /** Instances per tokenizer from the corpus: enough to cover its scripts and escapes, quick in CI. */
    private static final int CORPUS_TEXTS = 1500;

    private static final List<String> TRICKY = List.of(
            "Q: Give a JSON object. Keys: name, age, skills.\nA:",
            " {\"name\": \"Alice\", \"age\": 31, \"skills\": [\"go\", \"sql\"]}",
            "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"\\u00e9\\n\\t\"}}",
            "   leading and trailing spaces   ",
            "tabs\tand\nnew\r\nlines\n\n\n",
            "numbers 1234567890 3.14159 -0.5e-10 1e+300",
            "UTF-8: é ü ß ø 漢字 かな 한국어 русский العربية emoji 😀👍🏽 flags 🇩🇪",
            "contractions: it's I'm we'll they've don't",
            "punctuation!?... ¿¡ «quotes» “curly” 'single' `tick`",
            "mixedCASE camelCase snake_case kebab-case SCREAMING_CASE",
            "<|endoftext|> is a special token spelled as text",
            "");

    @Test
    void gpt2EncodesAsTheLibraryDoes() throws IOException {
        Path file = embeddedGpt2();
        List<String> texts = new ArrayList<>(TRICKY);
        for (String keys : List.of("id, email, created_at, address", "title, price, in_stock, tags", "order_id, customer, items")) {
            texts.add("Q: Give a JSON object. Keys: " + keys + ".\nA:");
        }
        assertSameIds(file, texts, true);
    }

    @Test
    void sharedTokenizersEncodeCorpusInstancesAsTheLibraryDoes() throws IOException {
        Path shared = sharedDir();
        List<String> corpus = corpusTexts(shared.resolve("corpora").resolve("jsonschemabench"));
        for (String name : List.of("gpt2", "llama2", "llama3", "qwen3")) {
            Path file = shared.resolve("tokenizers").resolve(name).resolve("tokenizer.json");
            assumeTrue(Files.isRegularFile(file), "no " + file);
            List<String> texts = new ArrayList<>(TRICKY);
            texts.addAll(corpus);
            assertSameIds(file, texts, !name.equals("llama2"));
        }
    }

    private static void assertSameIds(Path file, List<String> texts, boolean byteLevel) throws IOException {
        BpeTokenizer ours = BpeTokenizer.load(file);
        try (HuggingFaceTokenizer library = HuggingFaceTokenizer.newInstance(file,
                Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false", "modelMaxLength", "1000000"))) {
            int compared = 0;
            for (String text : texts) {
                long[] expected = library.encode(text).getIds();
                int[] got = ours.encode(text);
                long[] gotLong = new long[got.length];
                for (int i = 0; i < got.length; i++) {
                    gotLong[i] = got[i];
                }
                assertArrayEquals(expected, gotLong, file.getFileName() + " in " + file.getParent().getFileName() + ": " + abbreviate(text));
                // byte-level vocabularies spell the text back exactly (Llama-2's SentencePiece normaliser
                // prepends a space that its decoder strips; Stencil's decode keeps the bytes as they are)
                if (byteLevel && !text.contains("<|endoftext|>")) {
                    assertEquals(text, new String(ours.decode(got), StandardCharsets.UTF_8), "decode of " + abbreviate(text));
                }
                compared++;
            }
            assertTrue(compared == texts.size());
        }
    }

    /** Every instance of the corpus's test cases, as compact JSON text, up to {@link #CORPUS_TEXTS}. */
    private static List<String> corpusTexts(Path corpus) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<String> texts = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(corpus)) {
            files = walk.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        // every 7th file: all subsets contribute (Github's many scripts and escapes, Kubernetes, Snowplow ...)
        for (int i = 0; i < files.size() && texts.size() < CORPUS_TEXTS; i += 7) {
            JsonNode tests = mapper.readTree(files.get(i).toFile()).path("tests");
            for (JsonNode t : tests) {
                JsonNode data = t.has("data") ? t.get("data") : t;
                texts.add(mapper.writeValueAsString(data));
            }
        }
        assumeTrue(!texts.isEmpty(), "no instances under " + corpus);
        return texts;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    /** GPT-2's tokenizer.json from the automata jar's resources, copied to a file for the library. */
    private static Path embeddedGpt2() throws IOException {
        try (InputStream in = BpeTokenizer.class.getResourceAsStream("/dev/stencil/tokenizers/gpt2/tokenizer.json")) {
            assertTrue(in != null, "the embedded GPT-2 tokenizer is missing");
            Path file = Files.createTempFile("gpt2-tokenizer", ".json");
            file.toFile().deleteOnExit();
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return file;
        }
    }

    /** {@code shared/} beside the checkout, found by walking up; skips the test when absent. */
    private static Path sharedDir() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("shared").resolve("tokenizers"))) {
                return dir.resolve("shared");
            }
            dir = dir.getParent();
        }
        assumeTrue(false, "no ../shared");
        return null;
    }
}
