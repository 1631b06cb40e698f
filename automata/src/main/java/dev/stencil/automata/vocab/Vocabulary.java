package dev.stencil.automata.vocab;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tokens of a language model, as the exact byte strings they add to the decoded text.
 * Loaded from a Hugging Face {@code tokenizer.json} (BPE models only); the end-of-sequence token
 * comes from the {@code tokenizer_config.json} beside it.
 *
 * <p>Two token spellings are understood, chosen by the file's {@code decoder}:
 * <ul>
 *   <li><b>byte-level BPE</b> (GPT-2, Llama-3, Qwen: decoder {@code ByteLevel}): every character
 *       of a token stands for one byte through GPT-2's byte-to-character table, so a token may
 *       be a fragment of a UTF-8 sequence and {@link #bytes} gives those raw bytes;</li>
 *   <li><b>SentencePiece-style BPE</b> (Llama-2: decoder {@code Sequence} of {@code Replace ▁→space},
 *       {@code ByteFallback}, {@code Fuse}, {@code Strip}, or {@code Metaspace}): {@code ▁} is a
 *       space, {@code <0xNN>} tokens are the single byte NN, other tokens are their UTF-8.</li>
 * </ul>
 * Added tokens ({@code added_tokens}) stand for the UTF-8 of their content. Those marked
 * {@code "special": true}, the model's unknown token and SentencePiece's control tokens are
 * {@linkplain #isSpecial special}: a grammar must never produce them.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class Vocabulary {
    /** Names tried, in order, when tokenizer_config.json does not name the end-of-sequence token. */
    private static final List<String> EOS_FALLBACK = List.of("<|endoftext|>", "</s>", "<|end_of_text|>", "<|im_end|>");
    /** SentencePiece's control pieces, special even when a file forgets to list them as added tokens. */
    private static final List<String> SENTENCEPIECE_CONTROL = List.of("<unk>", "<s>", "</s>", "<pad>");
    private static final byte[] NO_BYTES = new byte[0];
    private static final JsonFactory CONFIG_FACTORY = new JsonFactory();

    private final String name;
    private final String[] tokens;
    private final byte[][] bytes;
    private final boolean[] special;
    private final TokenIndex modelIds;
    private final Map<String, Integer> addedIds;
    private final int eosTokenId;
    private final boolean byteLevel;
    private final boolean stripsLeadingSpace;

    private Vocabulary(String name, String[] tokens, byte[][] bytes, boolean[] special, TokenIndex modelIds,
                       Map<String, Integer> addedIds, int eosTokenId, boolean byteLevel, boolean stripsLeadingSpace) {
        this.name = name;
        this.tokens = tokens;
        this.bytes = bytes;
        this.special = special;
        this.modelIds = modelIds;
        this.addedIds = addedIds;
        this.eosTokenId = eosTokenId;
        this.byteLevel = byteLevel;
        this.stripsLeadingSpace = stripsLeadingSpace;
    }

    /**
     * Loads the vocabulary of a {@code tokenizer.json}.
     *
     * @throws TokenizerException if the file is missing, unreadable, not JSON, or holds something
     *     this loader does not understand; the message names the file and the field
     */
    public static Vocabulary load(Path tokenizerJson) {
        return from(TokenizerFile.read(tokenizerJson, false));
    }

    /** Builds the vocabulary of an already read file (shared with {@link BpeTokenizer}). */
    static Vocabulary from(TokenizerFile f) {
        Decoding decoding = Decoding.of(f);
        int size = f.maxVocabId + 1;
        for (TokenizerFile.AddedToken a : f.addedTokens) {
            size = Math.max(size, a.id() + 1);
        }
        String[] tokens = new String[size];
        byte[][] bytes = new byte[size][];
        boolean[] special = new boolean[size];
        for (int id = 0; id <= f.maxVocabId; id++) {
            String token = f.vocab[id];
            if (token != null) {
                tokens[id] = token;
                bytes[id] = decoding.tokenBytes(token);
            }
        }
        Map<String, Integer> addedIds = new HashMap<>();
        for (TokenizerFile.AddedToken a : f.addedTokens) {
            // An added token overrides the model's entry for the same id, as in Hugging Face's
            // id-to-token lookup; it stands for its content verbatim.
            tokens[a.id()] = a.content();
            bytes[a.id()] = a.content().getBytes(StandardCharsets.UTF_8);
            special[a.id()] = a.special();
            addedIds.put(a.content(), a.id());
        }
        if (f.unkToken != null && f.vocabIndex.get(f.unkToken) >= 0) {
            special[f.vocabIndex.get(f.unkToken)] = true;
        }
        if (!decoding.byteLevel) {
            for (String control : SENTENCEPIECE_CONTROL) {
                int id = f.vocabIndex.get(control);
                if (id >= 0) {
                    special[id] = true;
                }
            }
        }
        for (int id = 0; id < size; id++) {
            if (tokens[id] == null) {
                // An id inside the range that names no token: it must never be produced either.
                bytes[id] = NO_BYTES;
                special[id] = true;
            }
        }
        Path abs = f.path.toAbsolutePath();
        String name = abs.getParent() != null && abs.getParent().getFileName() != null
                ? abs.getParent().getFileName().toString() : abs.getFileName().toString();
        int eos = findEos(f.path.resolveSibling("tokenizer_config.json"), addedIds, f.vocabIndex);
        return new Vocabulary(name, tokens, bytes, special, f.vocabIndex, addedIds, eos,
                decoding.byteLevel, decoding.stripsLeadingSpace);
    }

    /** The vocabulary's name: the folder that holds its tokenizer.json (e.g. {@code llama3}). */
    public String name() {
        return name;
    }

    /** Number of token ids: the largest id plus one. */
    public int size() {
        return tokens.length;
    }

    /**
     * The bytes token {@code id} adds to the decoded text (a fresh copy). Byte-level tokens may
     * be incomplete UTF-8. For special tokens this is the UTF-8 of their content (what a decoder
     * that keeps special tokens shows). An id in {@code [0, size())} that names no token gives an
     * empty array (and is reported {@linkplain #isSpecial special}).
     *
     * @throws IndexOutOfBoundsException if {@code id} is outside {@code [0, size())}
     */
    public byte[] bytes(int id) {
        return bytes[id].clone();
    }

    /** The shared internal array behind {@link #bytes}; callers in this package must not modify it. */
    byte[] bytesShared(int id) {
        return bytes[id];
    }

    /**
     * True for tokens a grammar must never produce: added tokens marked special, the model's
     * unknown token, SentencePiece control tokens ({@code <s>}, {@code </s>}, {@code <unk>},
     * {@code <pad>}) and ids that name no token.
     */
    public boolean isSpecial(int id) {
        return special[id];
    }

    /**
     * The end-of-sequence token: {@code eos_token} of the tokenizer_config.json beside the file,
     * else the first present of {@code <|endoftext|>}, {@code </s>}, {@code <|end_of_text|>},
     * {@code <|im_end|>}; -1 if none.
     */
    public int eosTokenId() {
        return eosTokenId;
    }

    /** True for byte-level BPE vocabularies (decoder {@code ByteLevel}). */
    public boolean isByteLevel() {
        return byteLevel;
    }

    /**
     * True when the tokenizer's decoder drops one leading space from the decoded text
     * (SentencePiece's {@code Strip} or {@code Metaspace}): the prefix space its normalizer adds.
     * {@link #bytes} keeps that space; a caller that shows text must drop it at the start.
     */
    public boolean stripsLeadingSpace() {
        return stripsLeadingSpace;
    }

    /** The token's string as written in tokenizer.json (e.g. {@code Ġthe}), or null for an id that names no token. */
    public String token(int id) {
        return tokens[id];
    }

    /** The id of a token given as written in tokenizer.json (added tokens first), or -1. */
    public int tokenId(String token) {
        return lookup(token, addedIds, modelIds);
    }

    private static int lookup(String token, Map<String, Integer> addedIds, TokenIndex modelIds) {
        Integer id = addedIds.get(token);
        return id != null ? id : modelIds.get(token);
    }

    @Override
    public String toString() {
        return "Vocabulary[" + name + ", " + size() + " tokens, " + (byteLevel ? "byte-level" : "SentencePiece-style") + "]";
    }

    private static int findEos(Path config, Map<String, Integer> addedIds, TokenIndex modelIds) {
        if (Files.exists(config)) {
            byte[] data = TokenizerFile.readBytes(config, "tokenizer config");
            String eos = null;
            boolean named = false;
            try (JsonParser p = CONFIG_FACTORY.createParser(data)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new TokenizerException("tokenizer config " + config + " is not a JSON object at the top level");
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken t = p.nextToken();
                    if (!field.equals("eos_token")) {
                        p.skipChildren();
                        continue;
                    }
                    if (t == JsonToken.VALUE_STRING) {
                        eos = p.getText();
                        named = true;
                    } else if (t == JsonToken.START_OBJECT) {
                        // The older AddedToken form: {"content": "</s>", "lstrip": false, ...}
                        Object tree = TokenizerFile.readTree(p);
                        Object content = ((Map<?, ?>) tree).get("content");
                        if (!(content instanceof String s)) {
                            throw new TokenizerException("tokenizer config " + config
                                    + ": field eos_token.content: expected a string, found " + TokenizerFile.describeTree(content));
                        }
                        eos = s;
                        named = true;
                    } else if (t != JsonToken.VALUE_NULL) {
                        throw new TokenizerException("tokenizer config " + config
                                + ": field eos_token: expected a string or an object with \"content\"");
                    }
                }
            } catch (JsonProcessingException e) {
                throw TokenizerFile.notJson(config, e);
            } catch (IOException e) {
                throw new TokenizerException("cannot read tokenizer config " + config + ": " + e.getMessage(), e);
            }
            if (named) {
                int id = lookup(eos, addedIds, modelIds);
                if (id < 0) {
                    throw new TokenizerException("tokenizer config " + config + ": field eos_token: "
                            + TokenizerFile.quote(eos) + " is not a token of the tokenizer file");
                }
                return id;
            }
        }
        for (String candidate : EOS_FALLBACK) {
            int id = lookup(candidate, addedIds, modelIds);
            if (id >= 0) {
                return id;
            }
        }
        return -1;
    }

    /** How the file's decoder turns token strings into bytes. */
    private static final class Decoding {
        boolean byteLevel;
        boolean byteFallback;
        boolean fused;
        boolean stripsLeadingSpace;
        final List<String[]> replacements = new ArrayList<>();
        private final TokenizerFile file;

        private Decoding(TokenizerFile file) {
            this.file = file;
        }

        static Decoding of(TokenizerFile f) {
            if (f.decoder == null) {
                throw f.error("decoder", "missing; without it the bytes of each token are unknown");
            }
            Decoding d = new Decoding(f);
            d.step(f.decoder, "decoder");
            return d;
        }

        private void step(Object node, String field) {
            Map<String, Object> m = file.object(node, field);
            String type = file.text(m, "type", field, null);
            switch (type) {
                case "ByteLevel" -> byteLevel = true;
                case "Sequence" -> {
                    List<Object> steps = file.list(m, "decoders", field);
                    for (int i = 0; i < steps.size(); i++) {
                        step(steps.get(i), field + ".decoders[" + i + "]");
                    }
                }
                case "Replace" -> {
                    Map<String, Object> pattern = file.object(m.get("pattern"), field + ".pattern");
                    if (!(pattern.get("String") instanceof String from)) {
                        throw file.error(field + ".pattern", "only {\"String\": ...} patterns are supported");
                    }
                    replacements.add(new String[] {from, file.text(m, "content", field, null)});
                }
                case "ByteFallback" -> byteFallback = true;
                case "Fuse" -> fused = true;
                case "Strip" -> {
                    String content = file.text(m, "content", field, null);
                    long start = file.integer(m, "start", field, 0);
                    long stop = file.integer(m, "stop", field, 0);
                    // After Fuse the tokens are one string, so Strip only touches the text's
                    // start; before Fuse it would cut every token, which is not supported.
                    if (!fused) {
                        throw file.error(field, "Strip before Fuse is not supported");
                    }
                    if (stop != 0 || start > 1 || (start == 1 && !content.equals(" "))) {
                        throw file.error(field, "only Strip of one leading space is supported");
                    }
                    stripsLeadingSpace |= start == 1;
                }
                case "Metaspace" -> {
                    String replacement = file.text(m, "replacement", field, "\u2581");
                    String scheme = file.text(m, "prepend_scheme", field,
                            file.flag(m, "add_prefix_space", field, true) ? "always" : "never");
                    replacements.add(new String[] {replacement, " "});
                    stripsLeadingSpace |= !scheme.equals("never");
                }
                default -> throw file.error(field + ".type", "unsupported decoder type " + TokenizerFile.quote(type)
                        + " (understood: ByteLevel, Sequence, Replace, ByteFallback, Fuse, Strip, Metaspace)");
            }
        }

        byte[] tokenBytes(String token) {
            if (byteFallback) {
                int b = byteToken(token);
                if (b >= 0) {
                    return new byte[] {(byte) b};
                }
            }
            if (byteLevel) {
                byte[] raw = ByteLevelTable.decode(token);
                // Hugging Face's ByteLevel decoder keeps a token verbatim when some character is
                // outside the byte table.
                return raw != null ? raw : token.getBytes(StandardCharsets.UTF_8);
            }
            String s = token;
            for (String[] r : replacements) {
                s = s.replace(r[0], r[1]);
            }
            return s.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The byte of a byte-fallback token {@code <0xNN>}, or -1 if {@code token} is not one. */
    static int byteToken(String token) {
        if (token.length() != 6 || !token.startsWith("<0x") || token.charAt(5) != '>') {
            return -1;
        }
        int hi = hexDigit(token.charAt(3));
        int lo = hexDigit(token.charAt(4));
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }
}
