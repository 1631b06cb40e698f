package dev.stencil.automata.vocab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files that cannot be understood: the message names the file and the field. */
class TokenizerErrorsTest {
    @TempDir
    Path dir;

    /** A tiny valid byte-level BPE file: "a", "b", "ab" plus all 256 byte characters. */
    private static String byteLevelVocab() {
        StringBuilder b = new StringBuilder();
        int id = 0;
        for (int x = 0; x < 256; x++) {
            char c = ByteLevelTable.BYTE_TO_CHAR[x];
            String escaped = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : String.valueOf(c);
            b.append(id == 0 ? "" : ",").append('"').append(escaped).append("\":").append(id++);
        }
        return b.append(",\"ab\":").append(id).toString();
    }

    private static String file(String model, String decoder, String preTokenizer) {
        return "{\"version\":\"1.0\",\"added_tokens\":[],\"normalizer\":null,\"pre_tokenizer\":" + preTokenizer
                + ",\"decoder\":" + decoder + ",\"model\":" + model + "}";
    }

    private static String bpeModel() {
        return "{\"type\":\"BPE\",\"vocab\":{" + byteLevelVocab() + "},\"merges\":[\"a b\"]}";
    }

    private static final String BYTE_LEVEL = "{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"use_regex\":true}";

    private Path write(String json) throws IOException {
        Path f = dir.resolve("tokenizer.json");
        Files.writeString(f, json, StandardCharsets.UTF_8);
        return f;
    }

    private TokenizerException vocabularyError(String json) throws IOException {
        Path f = write(json);
        TokenizerException e = assertThrows(TokenizerException.class, () -> Vocabulary.load(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        return e;
    }

    private TokenizerException tokenizerError(String json) throws IOException {
        Path f = write(json);
        TokenizerException e = assertThrows(TokenizerException.class, () -> BpeTokenizer.load(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        return e;
    }

    private static void assertNames(TokenizerException e, String field) {
        assertTrue(e.getMessage().contains("field " + field + ":"), e.getMessage());
    }

    @Test
    void tinyFileLoads() throws IOException {
        Path f = write(file(bpeModel(), BYTE_LEVEL, BYTE_LEVEL));
        BpeTokenizer t = BpeTokenizer.load(f);
        assertEquals(257, t.vocabulary().size());
        assertEquals("[256]", java.util.Arrays.toString(t.encode("ab")));
        assertEquals(-1, t.vocabulary().eosTokenId()); // no config, no well-known name
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("nothing-here.json");
        TokenizerException e = assertThrows(TokenizerException.class, () -> Vocabulary.load(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void notJson() throws IOException {
        TokenizerException e = vocabularyError("this is not JSON");
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void truncatedJson() throws IOException {
        TokenizerException e = vocabularyError(file(bpeModel(), BYTE_LEVEL, BYTE_LEVEL).substring(0, 500));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void topLevelArray() throws IOException {
        TokenizerException e = vocabularyError("[1, 2]");
        assertTrue(e.getMessage().contains("not a JSON object"), e.getMessage());
    }

    @Test
    void unknownModelType() throws IOException {
        TokenizerException e = vocabularyError(file("{\"type\":\"Unigram\",\"vocab\":[[\"a\",-1.0]]}", BYTE_LEVEL, "null"));
        assertNames(e, "model.type");
        assertTrue(e.getMessage().contains("Unigram"), e.getMessage());
    }

    @Test
    void missingModel() throws IOException {
        assertNames(vocabularyError("{\"version\":\"1.0\",\"decoder\":" + BYTE_LEVEL + "}"), "model");
    }

    @Test
    void vocabNotAnObject() throws IOException {
        assertNames(vocabularyError(file("{\"type\":\"BPE\",\"vocab\":[\"a\"],\"merges\":[]}", BYTE_LEVEL, "null")),
                "model.vocab");
    }

    @Test
    void vocabIdNotAnInteger() throws IOException {
        assertNames(vocabularyError(file("{\"type\":\"BPE\",\"vocab\":{\"a\":\"zero\"},\"merges\":[]}", BYTE_LEVEL, "null")),
                "model.vocab");
    }

    @Test
    void twoTokensOneId() throws IOException {
        assertNames(vocabularyError(file("{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":0},\"merges\":[]}", BYTE_LEVEL, "null")),
                "model.vocab");
    }

    @Test
    void unknownDecoder() throws IOException {
        TokenizerException e = vocabularyError(file(bpeModel(), "{\"type\":\"WordPiece\",\"prefix\":\"##\"}", BYTE_LEVEL));
        assertNames(e, "decoder.type");
        assertTrue(e.getMessage().contains("WordPiece"), e.getMessage());
    }

    @Test
    void unknownDecoderInsideSequence() throws IOException {
        assertNames(vocabularyError(file(bpeModel(),
                "{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"ByteFallback\"},{\"type\":\"CTC\"}]}", "null")),
                "decoder.decoders[1].type");
    }

    @Test
    void missingDecoder() throws IOException {
        assertNames(vocabularyError(file(bpeModel(), "null", BYTE_LEVEL)), "decoder");
    }

    @Test
    void badMergeString() throws IOException {
        String model = "{\"type\":\"BPE\",\"vocab\":{" + byteLevelVocab() + "},\"merges\":[\"a b\",\"abc\"]}";
        assertNames(tokenizerError(file(model, BYTE_LEVEL, BYTE_LEVEL)), "model.merges[1]");
    }

    @Test
    void mergeOfUnknownToken() throws IOException {
        String model = "{\"type\":\"BPE\",\"vocab\":{" + byteLevelVocab() + "},\"merges\":[[\"a\",\"b\"],[\"ab\",\"zz\"]]}";
        TokenizerException e = tokenizerError(file(model, BYTE_LEVEL, BYTE_LEVEL));
        assertNames(e, "model.merges[1]");
        assertTrue(e.getMessage().contains("\"zz\""), e.getMessage());
    }

    @Test
    void unknownPreTokenizer() throws IOException {
        assertNames(tokenizerError(file(bpeModel(), BYTE_LEVEL, "{\"type\":\"Whitespace\"}")), "pre_tokenizer.type");
    }

    @Test
    void badSplitRegex() throws IOException {
        String pre = "{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"Split\",\"pattern\":{\"Regex\":\"(unclosed\"},"
                + "\"behavior\":\"Isolated\",\"invert\":false}," + BYTE_LEVEL + "]}";
        assertNames(tokenizerError(file(bpeModel(), BYTE_LEVEL, pre)), "pre_tokenizer.pretokenizers[0].pattern.Regex");
    }

    @Test
    void unsupportedSplitBehavior() throws IOException {
        String pre = "{\"type\":\"Split\",\"pattern\":{\"String\":\" \"},\"behavior\":\"MergedWithNext\",\"invert\":false}";
        assertNames(tokenizerError(file(bpeModel(), BYTE_LEVEL, pre)), "pre_tokenizer.behavior");
    }

    @Test
    void unknownNormalizer() throws IOException {
        String json = file(bpeModel(), BYTE_LEVEL, BYTE_LEVEL).replace("\"normalizer\":null",
                "\"normalizer\":{\"type\":\"BertNormalizer\"}");
        assertNames(tokenizerError(json), "normalizer.type");
    }

    @Test
    void eosNamedByConfigMustExist() throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\":\"<|nope|>\"}");
        TokenizerException e = assertThrows(TokenizerException.class,
                () -> Vocabulary.load(write(file(bpeModel(), BYTE_LEVEL, BYTE_LEVEL))));
        assertTrue(e.getMessage().contains("tokenizer_config.json") && e.getMessage().contains("eos_token"), e.getMessage());
    }

    @Test
    void eosAsObjectInConfig() throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"bos_token\":null,\"eos_token\":{\"content\":\"ab\",\"lstrip\":false},\"model_max_length\":1e30}");
        assertEquals(256, Vocabulary.load(write(file(bpeModel(), BYTE_LEVEL, BYTE_LEVEL))).eosTokenId());
    }

    @Test
    void configNotJson() throws IOException {
        Path config = dir.resolve("tokenizer_config.json");
        Files.writeString(config, "{oops");
        TokenizerException e = assertThrows(TokenizerException.class,
                () -> Vocabulary.load(write(file(bpeModel(), BYTE_LEVEL, BYTE_LEVEL))));
        assertTrue(e.getMessage().contains(config.toString()), e.getMessage());
    }
}
