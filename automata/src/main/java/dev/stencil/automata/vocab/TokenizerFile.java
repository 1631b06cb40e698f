package dev.stencil.automata.vocab;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a Hugging Face {@code tokenizer.json} that Stencil uses, read in one streaming
 * pass. The large parts ({@code model.vocab}, {@code model.merges}) are read straight into
 * arrays and maps; the small configuration objects ({@code normalizer}, {@code pre_tokenizer},
 * {@code decoder}) are kept as plain trees of {@code Map}/{@code List}/scalars so that
 * {@link Vocabulary} and {@link BpeTokenizer} can interpret them with field paths in their
 * error messages.
 */
final class TokenizerFile {
    /** One entry of the {@code added_tokens} array. */
    record AddedToken(int id, String content, boolean special, boolean normalized,
                      boolean lstrip, boolean rstrip, boolean singleWord) {
    }

    // Field names are not canonicalized: the vocabulary has 100k+ distinct keys that are read
    // once, so a symbol table would only cost time and memory.
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();

    /** Largest token id accepted: far above any real vocabulary, low enough for arrays by id. */
    static final int MAX_ID = (1 << 24) - 1;

    final Path path;
    String modelType;
    /** model.vocab: the token string of each id (null where no token has the id). */
    String[] vocab;
    /** model.vocab: token string to id. */
    TokenIndex vocabIndex;
    /** Largest id in model.vocab, -1 if it is empty. */
    int maxVocabId = -1;
    boolean mergesPresent;
    /**
     * model.merges, only when asked for; merge i (rank i) is the pair
     * {@code mergeChars[mergeStart[i], mergeSplit[i])} and {@code mergeChars[mergeSplit[i], mergeStart[i + 1])}.
     * Kept as one character arena rather than 2 strings per merge (Llama-3 has 280k merges),
     * and since the halves are adjacent the merged token is the whole range.
     */
    char[] mergeChars = new char[0];
    int[] mergeStart = new int[1];
    int[] mergeSplit = new int[0];
    int mergeCount;
    String unkToken;
    boolean byteFallback;
    boolean fuseUnk;
    boolean ignoreMerges;
    String continuingSubwordPrefix;
    String endOfWordSuffix;
    Object dropout;
    final List<AddedToken> addedTokens = new ArrayList<>();
    Object normalizer;
    Object preTokenizer;
    Object decoder;

    private TokenizerFile(Path path) {
        this.path = path;
    }

    /**
     * Reads {@code path}. {@code withMerges} false skips the merge list, which only the encoder
     * needs (it is the larger half of the file).
     */
    static TokenizerFile read(Path path, boolean withMerges) {
        byte[] data = readBytes(path, "tokenizer file");
        TokenizerFile f = new TokenizerFile(path);
        try (JsonParser p = FACTORY.createParser(data)) {
            f.parseTop(p, withMerges);
        } catch (JsonProcessingException e) {
            throw notJson(path, e);
        } catch (IOException e) {
            throw new TokenizerException("cannot read tokenizer file " + path + ": " + e.getMessage(), e);
        }
        f.validate();
        return f;
    }

    static byte[] readBytes(Path path, String what) {
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new TokenizerException(what + " " + path + " does not exist", e);
        } catch (IOException e) {
            throw new TokenizerException("cannot read " + what + " " + path + ": " + e, e);
        }
    }

    static TokenizerException notJson(Path path, JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        return new TokenizerException("file " + path + " is not valid JSON" + where + ": " + e.getOriginalMessage(), e);
    }

    /** An error about the content of field {@code field} (a dotted path such as {@code model.type}). */
    TokenizerException error(String field, String problem) {
        return new TokenizerException("tokenizer file " + path + ": field " + field + ": " + problem);
    }

    private void parseTop(JsonParser p, boolean withMerges) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new TokenizerException("tokenizer file " + path + " is not a JSON object at the top level");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "added_tokens" -> readAddedTokens(p);
                case "normalizer" -> normalizer = readTree(p);
                case "pre_tokenizer" -> preTokenizer = readTree(p);
                case "decoder" -> decoder = readTree(p);
                case "model" -> readModel(p, withMerges);
                default -> p.skipChildren();
            }
        }
    }

    private void readModel(JsonParser p, boolean withMerges) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw error("model", "expected an object, found " + describe(p));
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "type" -> {
                    modelType = string(p, "model.type", false);
                    // Checked at once: another model's vocab would otherwise fail first, less clearly.
                    checkModelType();
                }
                case "vocab" -> readVocab(p);
                case "merges" -> {
                    if (t != JsonToken.START_ARRAY) {
                        throw error("model.merges", "expected an array, found " + describe(p));
                    }
                    mergesPresent = true;
                    if (withMerges) {
                        readMerges(p);
                    } else {
                        p.skipChildren();
                    }
                }
                case "unk_token" -> unkToken = string(p, "model.unk_token", true);
                case "byte_fallback" -> byteFallback = bool(p, "model.byte_fallback");
                case "fuse_unk" -> fuseUnk = bool(p, "model.fuse_unk");
                case "ignore_merges" -> ignoreMerges = bool(p, "model.ignore_merges");
                case "continuing_subword_prefix" ->
                        continuingSubwordPrefix = string(p, "model.continuing_subword_prefix", true);
                case "end_of_word_suffix" -> endOfWordSuffix = string(p, "model.end_of_word_suffix", true);
                case "dropout" -> dropout = readTree(p);
                default -> p.skipChildren();
            }
        }
    }

    private void readVocab(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw error("model.vocab", "expected an object mapping each token to its id, found " + describe(p));
        }
        String[] tokens = new String[1 << 16];
        int max = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String token = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
                throw error("model.vocab", "the id of token " + quote(token) + " is not an integer: " + describe(p));
            }
            long id = p.getLongValue();
            if (id < 0 || id > MAX_ID) {
                throw error("model.vocab", "the id of token " + quote(token) + " is out of range: " + id);
            }
            int i = (int) id;
            if (i >= tokens.length) {
                tokens = Arrays.copyOf(tokens, Math.max(i + 1, tokens.length * 2));
            }
            if (tokens[i] != null) {
                throw error("model.vocab", "tokens " + quote(tokens[i]) + " and " + quote(token) + " both have id " + i);
            }
            tokens[i] = token;
            max = Math.max(max, i);
        }
        tokens = Arrays.copyOf(tokens, max + 1);
        TokenIndex index = new TokenIndex(tokens, max + 1);
        for (int i = 0; i <= max; i++) {
            if (tokens[i] != null && index.put(i) >= 0) {
                throw error("model.vocab", "token " + quote(tokens[i]) + " appears twice");
            }
        }
        vocab = tokens;
        vocabIndex = index;
        maxVocabId = max;
    }

    private void readMerges(JsonParser p) throws IOException {
        char[] chars = new char[1 << 20];
        int[] start = new int[1 << 16];
        int[] split = new int[1 << 16];
        int used = 0;
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (n + 1 >= start.length) {
                start = Arrays.copyOf(start, start.length * 2);
                split = Arrays.copyOf(split, split.length * 2);
            }
            String field = "model.merges[" + n + "]";
            int leftLen;
            int rightLen;
            if (t == JsonToken.VALUE_STRING) {
                // "a b": Hugging Face splits on the single space and wants exactly two parts.
                char[] text = p.getTextCharacters();
                int off = p.getTextOffset();
                int len = p.getTextLength();
                int sp = -1;
                for (int k = 0; k < len; k++) {
                    if (text[off + k] == ' ') {
                        if (sp >= 0) {
                            sp = -2;
                            break;
                        }
                        sp = k;
                    }
                }
                if (sp < 0) {
                    throw error(field, "expected two tokens separated by one space, found " + quote(p.getText()));
                }
                if (used + len > chars.length) {
                    chars = Arrays.copyOf(chars, Math.max(used + len, chars.length * 2));
                }
                System.arraycopy(text, off, chars, used, sp);
                System.arraycopy(text, off + sp + 1, chars, used + sp, len - sp - 1);
                leftLen = sp;
                rightLen = len - sp - 1;
            } else if (t == JsonToken.START_ARRAY) {
                if (p.nextToken() != JsonToken.VALUE_STRING) {
                    throw error(field, "expected a pair of token strings");
                }
                leftLen = p.getTextLength();
                chars = append(chars, used, p);
                if (p.nextToken() != JsonToken.VALUE_STRING) {
                    throw error(field, "expected a pair of token strings");
                }
                rightLen = p.getTextLength();
                chars = append(chars, used + leftLen, p);
                if (p.nextToken() != JsonToken.END_ARRAY) {
                    throw error(field, "expected a pair of token strings, found more than two elements");
                }
            } else {
                throw error(field, "expected \"a b\" or [\"a\", \"b\"], found " + describe(p));
            }
            start[n] = used;
            split[n] = used + leftLen;
            used += leftLen + rightLen;
            n++;
        }
        start[n] = used;
        mergeChars = chars;
        mergeStart = start;
        mergeSplit = split;
        mergeCount = n;
    }

    /** Copies the current string value into {@code chars} at {@code at}, growing it if needed. */
    private static char[] append(char[] chars, int at, JsonParser p) throws IOException {
        int len = p.getTextLength();
        if (at + len > chars.length) {
            chars = Arrays.copyOf(chars, Math.max(at + len, chars.length * 2));
        }
        System.arraycopy(p.getTextCharacters(), p.getTextOffset(), chars, at, len);
        return chars;
    }

    /** The left token of merge {@code i}, for messages. */
    String mergeLeft(int i) {
        return new String(mergeChars, mergeStart[i], mergeSplit[i] - mergeStart[i]);
    }

    /** The right token of merge {@code i}, for messages. */
    String mergeRight(int i) {
        return new String(mergeChars, mergeSplit[i], mergeStart[i + 1] - mergeSplit[i]);
    }

    private void readAddedTokens(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw error("added_tokens", "expected an array, found " + describe(p));
        }
        int index = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String field = "added_tokens[" + index + "]";
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw error(field, "expected an object, found " + describe(p));
            }
            long id = -1;
            String content = null;
            boolean special = false;
            Boolean normalized = null;
            boolean lstrip = false;
            boolean rstrip = false;
            boolean singleWord = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "id" -> {
                        if (t != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0 || p.getLongValue() > MAX_ID) {
                            throw error(field + ".id", "expected a non-negative integer, found " + describe(p));
                        }
                        id = p.getLongValue();
                    }
                    case "content" -> content = string(p, field + ".content", false);
                    case "special" -> special = bool(p, field + ".special");
                    case "normalized" -> normalized = bool(p, field + ".normalized");
                    case "lstrip" -> lstrip = bool(p, field + ".lstrip");
                    case "rstrip" -> rstrip = bool(p, field + ".rstrip");
                    case "single_word" -> singleWord = bool(p, field + ".single_word");
                    default -> p.skipChildren();
                }
            }
            if (id < 0) {
                throw error(field + ".id", "missing");
            }
            if (content == null || content.isEmpty()) {
                throw error(field + ".content", "missing or empty");
            }
            // Hugging Face's default: special tokens are not normalized, the others are.
            boolean norm = normalized != null ? normalized : !special;
            addedTokens.add(new AddedToken((int) id, content, special, norm, lstrip, rstrip, singleWord));
            index++;
        }
    }

    private void validate() {
        if (modelType == null && vocab == null && !mergesPresent) {
            throw error("model", "missing");
        }
        if (modelType == null) {
            throw error("model.type", "missing; Stencil reads BPE models");
        }
        checkModelType();
        if (vocab == null) {
            throw error("model.vocab", "missing");
        }
        if (!mergesPresent) {
            throw error("model.merges", "missing");
        }
        // Both would change what a token's string means (e.g. WordPiece-style "##" continuations).
        if (continuingSubwordPrefix != null && !continuingSubwordPrefix.isEmpty()) {
            throw error("model.continuing_subword_prefix", "unsupported value " + quote(continuingSubwordPrefix) + "; only empty or null");
        }
        if (endOfWordSuffix != null && !endOfWordSuffix.isEmpty()) {
            throw error("model.end_of_word_suffix", "unsupported value " + quote(endOfWordSuffix) + "; only empty or null");
        }
    }

    private void checkModelType() {
        if (!modelType.equals("BPE")) {
            throw error("model.type", "unsupported model type " + quote(modelType) + "; Stencil reads BPE models");
        }
    }

    // ---- small helpers for the streaming reader ----

    private String string(JsonParser p, String field, boolean nullable) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (nullable && t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw error(field, "expected a string, found " + describe(p));
    }

    private boolean bool(JsonParser p, String field) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
            return t == JsonToken.VALUE_TRUE;
        }
        if (t == JsonToken.VALUE_NULL) {
            return false;
        }
        throw error(field, "expected true or false, found " + describe(p));
    }

    private static String describe(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            return "end of input";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "the string " + quote(p.getText());
            case VALUE_NULL -> "null";
            case VALUE_TRUE, VALUE_FALSE -> p.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + p.getText();
            default -> t.toString();
        };
    }

    /** Reads the value at the current token into Map/List/String/Long/Double/Boolean/null. */
    static Object readTree(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, readTree(p));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(readTree(p));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                JsonParser.NumberType nt = p.getNumberType();
                return nt == JsonParser.NumberType.INT || nt == JsonParser.NumberType.LONG ? (Object) p.getLongValue() : (Object) p.getDoubleValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected JSON token " + t);
        }
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    // ---- navigation of the configuration trees, with field paths for errors ----

    /** The configuration object at {@code field}; raises if it is not a JSON object. */
    @SuppressWarnings("unchecked")
    Map<String, Object> object(Object node, String field) {
        if (node instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw error(field, "expected an object, found " + describeTree(node));
    }

    /** The list at {@code owner.key}; raises if missing or not an array. */
    @SuppressWarnings("unchecked")
    List<Object> list(Map<String, Object> owner, String key, String field) {
        Object v = owner.get(key);
        if (v instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw error(field + "." + key, v == null ? "missing" : "expected an array, found " + describeTree(v));
    }

    /** The string at {@code owner.key}, or {@code dflt} when absent or null. */
    String text(Map<String, Object> owner, String key, String field, String dflt) {
        Object v = owner.get(key);
        if (v == null) {
            if (dflt == null) {
                throw error(field + "." + key, "missing");
            }
            return dflt;
        }
        if (v instanceof String s) {
            return s;
        }
        throw error(field + "." + key, "expected a string, found " + describeTree(v));
    }

    /** The boolean at {@code owner.key}, or {@code dflt} when absent or null. */
    boolean flag(Map<String, Object> owner, String key, String field, boolean dflt) {
        Object v = owner.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw error(field + "." + key, "expected true or false, found " + describeTree(v));
    }

    /** The integer at {@code owner.key}, or {@code dflt} when absent or null. */
    long integer(Map<String, Object> owner, String key, String field, long dflt) {
        Object v = owner.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Long l) {
            return l;
        }
        throw error(field + "." + key, "expected an integer, found " + describeTree(v));
    }

    static String describeTree(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "an array";
        }
        if (v instanceof String s) {
            return "the string " + quote(s);
        }
        return v.toString();
    }
}
