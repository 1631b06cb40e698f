package dev.stencil.automata.vocab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** BPE encoding with GPT-2's tokenizer.json from the test resources. */
class BpeTokenizerTest {
    private static BpeTokenizer gpt2;

    @BeforeAll
    static void load() {
        gpt2 = BpeTokenizer.load(TestTokenizers.gpt2());
    }

    // Expected ids below come from the Hugging Face tokenizers library itself (npm package
    // "tokenizers" 0.23.2, Tokenizer.fromFile(gpt2 tokenizer.json).encode(text, null,
    // {addSpecialTokens: false}).getIds()), run once by hand; they are not derived from this code.

    @Test
    void plainWords() {
        assertArrayEquals(new int[] {15496, 995}, gpt2.encode("Hello world"));
    }

    @Test
    void jsonObjectWithNumbers() {
        // GPT-2's regex keeps digit runs whole; BPE then cuts "12345" into "123" "45"
        assertArrayEquals(new int[] {4895, 3672, 1298, 366, 1273, 268, 2856, 1600, 366, 9127, 1298, 17031, 2231, 92},
                gpt2.encode("{\"name\": \"Stencil\", \"count\": 12345}"));
        assertArrayEquals(new int[] {4895, 312, 1298, 10163, 2231, 3134, 553, 482, 1298, 7942, 553, 85, 48219, 15, 13,
                20, 68, 12, 18, 92}, gpt2.encode("{\"id\":1234567,\"ok\":true,\"v\":-0.5e-3}"));
    }

    @Test
    void whitespaceRuns() {
        // "\s+(?!\S)" leaves the last space of a run to the following word
        assertArrayEquals(new int[] {220, 628, 220, 773, 4714, 197, 8658}, gpt2.encode(" \n\n  indented\ttab"));
    }

    @Test
    void multiByteCharactersSplitInsideUtf8() {
        assertArrayEquals(new int[] {71, 2634, 18798, 266, 30570, 335, 30325, 222}, gpt2.encode("héllo wörld 😀"));
        assertArrayEquals(new int[] {2616, 38776, 40304, 10545, 251, 109, 12859, 105, 12520, 236, 231},
                gpt2.encode("naïve café 東京 🎉"));
        // a combining accent is not composed: GPT-2 has no normalizer
        assertArrayEquals(new int[] {68, 136, 223}, gpt2.encode("e\u0301"));
    }

    @Test
    void contractionsAreCaseSensitiveInGpt2() {
        // GPT-2's regex matches "'s" but not "'LL" (no case folding), unlike Llama-3's (?i:...)
        assertArrayEquals(new int[] {1026, 338, 705, 421, 5191, 6, 851, 290, 33302, 6, 3069},
                gpt2.encode("It's 'quoted' — and THEY'LL"));
    }

    @Test
    void jsonEscapes() {
        assertArrayEquals(new int[] {1, 59, 84, 405, 68, 24, 59, 77, 1}, gpt2.encode("\"\\u00e9\\n\""));
        assertArrayEquals(new int[] {64, 188, 65}, gpt2.encode("a\u0000b"));
    }

    @Test
    void specialTokenInTextIsMatchedWhole() {
        // Hugging Face cuts added tokens out of the text before anything else
        assertArrayEquals(new int[] {50256}, gpt2.encode("<|endoftext|>"));
        assertArrayEquals(new int[] {27, 14925, 29, 87, 3556, 14925, 29}, gpt2.encode("<think>x</think>"));
    }

    @Test
    void emptyText() {
        assertArrayEquals(new int[0], gpt2.encode(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Hello, world!",
        "  leading and trailing  ",
        "\n\n\t\r\n  \u00a0\u2028\u3000x",
        "{\"a\":[1,2.5e-10,-3,true,false,null],\"b\":{\"c\":\"d\\\"e\\\\f\\u00e9\\ud83d\\ude00\"}}",
        "😀👨‍👩‍👧🇫🇷 emoji, ZWJ sequences and flags",
        "Ünïcödé — 中文 日本語 한국어 Привет مرحبا שלום",
        "e\u0301 a\u0308 precomposed é vs decomposed",
        "1234567890 ٣١٤ १२३ Ⅻ ½ ²",
        "'s 'S 't 're 've 'm 'll 'd 'LL",
        "<|endoftext|> in the middle <|endoftext|><|endoftext|>",
        "\u0000\u0001\u001f\u007f\u0080\u00ad\ufeff",
    })
    void roundTrip(String text) {
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), gpt2.decode(gpt2.encode(text)));
    }

    @Test
    void roundTripOfRandomText() {
        // Seeded random text (a failure reproduces as is): mostly JSON-like pieces, plus any
        // valid code point.
        String[] parts = {"{", "}", "[", "]", ":", ",", "\"", "\\", " ", "  ", "\n", "\t", "\r\n", "0", "42", "-1.5e3",
            "true", "null", "name", "Id", "'s", "'LL", "é", "中", "😀", "\u00a0", "<|endoftext|>"};
        Random random = new Random(7);
        for (int i = 0; i < 1000; i++) {
            String text = TestTokenizers.randomText(random, parts, 40);
            assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), gpt2.decode(gpt2.encode(text)), text);
        }
    }

    @Test
    void roundTripOfLongJsonDocument() {
        StringBuilder b = new StringBuilder("{\"items\":[");
        for (int i = 0; i < 2000; i++) {
            b.append(i == 0 ? "" : ",").append("{\"id\":").append(i * 7919).append(",\"name\":\"item ").append(i)
                    .append("\",\"tags\":[\"a\",\"β\",\"\\n\"]}");
        }
        String text = b.append("]}").toString();
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), gpt2.decode(gpt2.encode(text)));
        // the cached second run gives the same ids
        assertArrayEquals(gpt2.encode(text), gpt2.encode(text));
    }

    @Test
    void loneSurrogatesEncodeAsReplacementCharacter() {
        // As when a JavaScript string with an unpaired surrogate reaches the Rust library.
        assertArrayEquals(gpt2.encode("a\uFFFDb"), gpt2.encode("a\uD800b"));
        assertArrayEquals(gpt2.encode("\uFFFD"), gpt2.encode("\uDC00"));
    }

    @Test
    void decodeRejectsUnknownIds() {
        assertThrows(IllegalArgumentException.class, () -> gpt2.decode(new int[] {50257}));
        assertThrows(IllegalArgumentException.class, () -> gpt2.decode(new int[] {-1}));
    }

    @Test
    void vocabularyIsTheTokenizers() {
        assertSame(gpt2.vocabulary(), gpt2.vocabulary());
        assertEquals(50257, gpt2.vocabulary().size());
        assertEquals(50256, gpt2.vocabulary().eosTokenId());
    }
}
