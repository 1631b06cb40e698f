package dev.stencil.automata.vocab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real Llama-2, Llama-3 and Qwen3 tokenizers from {@code ../shared/tokenizers} (skipped
 * when that folder is absent). Expected ids come from the Hugging Face tokenizers library (npm
 * "tokenizers" 0.23.2, {@code encode(text, null, {addSpecialTokens: false}).getIds()}), run by hand.
 */
class SharedTokenizersTest {
    private static final Map<String, BpeTokenizer> LOADED = new ConcurrentHashMap<>();

    private static BpeTokenizer tokenizer(String name) {
        return LOADED.computeIfAbsent(name, n -> BpeTokenizer.load(TestTokenizers.shared(n)));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- sizes, EOS, specials ----

    @Test
    void llama3Vocabulary() {
        Vocabulary v = Vocabulary.load(TestTokenizers.shared("llama3"));
        assertEquals("llama3", v.name());
        assertEquals(128_256, v.size());
        assertTrue(v.isByteLevel());
        assertEquals(128_001, v.eosTokenId()); // tokenizer_config.json: <|end_of_text|>
        assertTrue(v.isSpecial(128_000));
        assertTrue(v.isSpecial(128_009)); // <|eot_id|>
        assertTrue(v.isSpecial(128_255));
        assertFalse(v.isSpecial(127_999));
        assertEquals(256, countSpecial(v));
        assertArrayEquals(utf8(" the"), v.bytes(v.tokenId("Ġthe")));
    }

    @Test
    void qwen3Vocabulary() {
        Vocabulary v = Vocabulary.load(TestTokenizers.shared("qwen3"));
        assertEquals(151_669, v.size());
        assertTrue(v.isByteLevel());
        assertEquals(151_645, v.eosTokenId()); // tokenizer_config.json: <|im_end|>
        assertTrue(v.isSpecial(151_643));
        assertTrue(v.isSpecial(151_645));
        // the last 12 added tokens are ordinary text, e.g. <think> and <tool_call>
        assertFalse(v.isSpecial(151_667));
        assertArrayEquals(utf8("<think>"), v.bytes(151_667));
        assertArrayEquals(utf8("<tool_call>"), v.bytes(151_657));
        assertEquals(14, countSpecial(v));
    }

    @Test
    void llama2Vocabulary() {
        Vocabulary v = Vocabulary.load(TestTokenizers.shared("llama2"));
        assertEquals(32_000, v.size());
        assertFalse(v.isByteLevel());
        assertTrue(v.stripsLeadingSpace());
        assertEquals(2, v.eosTokenId());
        assertTrue(v.isSpecial(0));
        assertTrue(v.isSpecial(1));
        assertTrue(v.isSpecial(2));
        assertEquals(3, countSpecial(v));
        // byte-fallback tokens <0x00>..<0xFF> are ids 3..258, one raw byte each
        for (int b = 0; b < 256; b++) {
            assertEquals(String.format("<0x%02X>", b), v.token(3 + b));
            assertArrayEquals(new byte[] {(byte) b}, v.bytes(3 + b));
        }
        // ▁ is a space
        assertArrayEquals(utf8(" Hello"), v.bytes(22557));
        assertArrayEquals(utf8("  "), v.bytes(259));
        assertArrayEquals(utf8("é"), v.bytes(v.tokenId("é")));
    }

    @Test
    void sharedGpt2MatchesTheResourceCopy() {
        Vocabulary v = Vocabulary.load(TestTokenizers.shared("gpt2"));
        assertEquals(50_257, v.size());
        assertEquals(50_256, v.eosTokenId());
    }

    private static int countSpecial(Vocabulary v) {
        int n = 0;
        for (int id = 0; id < v.size(); id++) {
            if (v.isSpecial(id)) {
                n++;
            }
        }
        return n;
    }

    // ---- exact encodings ----

    @Test
    void llama3Encodings() {
        BpeTokenizer t = tokenizer("llama3");
        assertArrayEquals(new int[] {9906, 1917}, t.encode("Hello world"));
        // digits in groups of at most three; ignore_merges emits a whole-word token ("Stencil")
        assertArrayEquals(new int[] {5018, 609, 794, 330, 58915, 498, 330, 1868, 794, 220, 4513, 1774, 92},
                t.encode("{\"name\": \"Stencil\", \"count\": 12345}"));
        assertArrayEquals(new int[] {4815, 220, 1280, 16243, 59249}, t.encode(" \n\n  indented\ttab"));
        // (?i:'ll): contractions match in any case
        assertArrayEquals(new int[] {2181, 596, 364, 64825, 6, 2001, 323, 63593, 6, 4178},
                t.encode("It's 'quoted' — and THEY'LL"));
        assertArrayEquals(new int[] {3458, 38672, 588, 53050, 119109, 11410, 236, 231}, t.encode("naïve café 東京 🎉"));
        // the text "<|endoftext|>" is not a Llama-3 token
        assertArrayEquals(new int[] {27, 91, 8862, 728, 428, 91, 29}, t.encode("<|endoftext|>"));
        assertArrayEquals(new int[] {68, 54939}, t.encode("e\u0301"));
    }

    @Test
    void qwen3Encodings() {
        BpeTokenizer t = tokenizer("qwen3");
        assertArrayEquals(new int[] {9707, 1879}, t.encode("Hello world"));
        // every digit on its own
        assertArrayEquals(new int[] {4913, 307, 788, 16, 17, 18, 19, 20, 21, 22, 1335, 562, 788, 1866, 1335, 85, 52052,
                15, 13, 20, 68, 12, 18, 92}, t.encode("{\"id\":1234567,\"ok\":true,\"v\":-0.5e-3}"));
        // non-special added tokens are matched in text too
        assertArrayEquals(new int[] {151667, 87, 151668}, t.encode("<think>x</think>"));
        assertArrayEquals(new int[] {151643}, t.encode("<|endoftext|>"));
        // NFC composes e + combining acute into é before BPE
        assertArrayEquals(new int[] {963}, t.encode("e\u0301"));
        assertArrayEquals(t.encode("é"), t.encode("e\u0301"));
    }

    @Test
    void llama2Encodings() {
        BpeTokenizer t = tokenizer("llama2");
        // the normalizer prepends ▁ and turns spaces into ▁
        assertArrayEquals(new int[] {22557, 1526}, t.encode("Hello world"));
        assertArrayEquals(new int[] {9830, 861, 1264, 345, 718, 16935, 548, 345, 2114, 1264, 28705, 28740, 28750, 28770,
                28781, 28782, 28752}, t.encode("{\"name\": \"Stencil\", \"count\": 12345}"));
        // newline and tab are not pieces: byte fallback
        assertArrayEquals(new int[] {259, 13, 13, 28705, 1176, 12713, 12, 4252}, t.encode(" \n\n  indented\ttab"));
        assertArrayEquals(new int[] {264, 3, 28726}, t.encode("a\u0000b"));
        // characters outside the vocabulary become their UTF-8 bytes
        assertArrayEquals(new int[] {1318, 243, 162, 169, 156, 28724}, t.encode("x🦙y"));
        assertArrayEquals(new int[] {28705, 236, 193, 155}, t.encode("龘"));
        // special tokens are cut out first; each remaining segment gets its own ▁ prefix
        assertArrayEquals(new int[] {264, 2, 287, 28705, 1, 28705, 1318}, t.encode("a</s>b <s> x"));
    }

    // ---- round trips ----

    @ParameterizedTest
    @ValueSource(strings = {"llama3", "qwen3", "llama2"})
    void roundTrip(String name) {
        BpeTokenizer t = tokenizer(name);
        String[] texts = {
            "Hello, world!",
            "  leading and trailing  ",
            "\n\n\t\r\n  \u00a0\u2028\u3000x",
            "{\"a\":[1,2.5e-10,-3,true,false,null],\"b\":{\"c\":\"d\\\"e\\\\f\\u00e9\\ud83d\\ude00\"}}",
            "😀👨‍👩‍👧🇫🇷 🦙 龘 emoji and rare characters",
            "Ünïcödé — 中文 日本語 한국어 Привет مرحبا שלום",
            "1234567890 ٣١٤ १२३ Ⅻ ½ ²",
            "'s 'S 't 're 've 'm 'll 'd 'LL",
            "\u0000\u0001\u001f\u007f\u0080\u00ad\ufeff",
        };
        for (String text : texts) {
            byte[] expected = utf8(text);
            if (!t.vocabulary().isByteLevel()) {
                // SentencePiece's normalizer adds the leading space its decoder strips
                expected = utf8(" " + text);
            }
            assertArrayEquals(expected, t.decode(t.encode(text)), name + ": " + text);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama3", "qwen3", "llama2"})
    void roundTripOfRandomText(String name) {
        BpeTokenizer t = tokenizer(name);
        String[] parts = {"{", "}", "\"", ":", ",", " ", "  ", "\n", "\t", "\r\n", "7", "123456", "-0.5", "true",
            "key", "'s", "'LL", "é", "e\u0301", "中文", "😀", "🦙", "\u00a0", "\u0000", "<s>", "<|endoftext|>", "<think>"};
        Random random = new Random(42);
        for (int i = 0; i < 300; i++) {
            String text = TestTokenizers.randomText(random, parts, 30);
            String expected = name.equals("qwen3") ? Normalizer.normalize(text, Normalizer.Form.NFC) : text;
            if (name.equals("llama2")) {
                expected = withSentencePiecePrefixes(text);
            }
            assertArrayEquals(utf8(expected), t.decode(t.encode(text)), name + ": " + text);
        }
    }

    /** Llama-2's normalizer puts a space in front of every text segment between special tokens. */
    private static String withSentencePiecePrefixes(String text) {
        StringBuilder out = new StringBuilder();
        int segment = 0;
        for (int i = 0; i < text.length(); ) {
            String special = text.startsWith("</s>", i) ? "</s>" : text.startsWith("<s>", i) ? "<s>" : null;
            if (special == null) {
                i++;
                continue;
            }
            if (i > segment) {
                out.append(' ').append(text, segment, i);
            }
            out.append(special);
            i += special.length();
            segment = i;
        }
        if (segment < text.length()) {
            out.append(' ').append(text, segment, text.length());
        }
        return out.toString();
    }

    @Test
    void qwen3RoundTripIsNfcOfTheText() {
        BpeTokenizer t = tokenizer("qwen3");
        assertArrayEquals(utf8("é"), t.decode(t.encode("e\u0301")));
    }

    @Test
    void byteTokensReassembleSplitCharacters() {
        BpeTokenizer t = tokenizer("llama2");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : t.encode("🦙")) {
            out.writeBytes(t.vocabulary().bytes(id));
        }
        assertArrayEquals(utf8(" 🦙"), out.toByteArray());
    }
}
