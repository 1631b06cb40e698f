package dev.stencil.automata.vocab;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Encodes text into token ids the way Hugging Face's {@code tokenizers} library does for a BPE
 * {@code tokenizer.json} (without adding special tokens or BOS). Pipeline, as in the library:
 * <ol>
 *   <li>added tokens whose {@code normalized} is false are cut out of the raw text first, leftmost
 *       then longest (special or not: {@code "<|endoftext|>"} in the text becomes that token);</li>
 *   <li>each remaining segment is normalized ({@code NFC}, Llama-2's {@code Prepend ▁} and
 *       {@code Replace " "→▁}, ...), then normalized added tokens are cut out;</li>
 *   <li>the pre-tokenizer cuts the text into words (GPT-2's regex, or the file's {@code Split}
 *       regex translated to java.util.regex);</li>
 *   <li>each word is BPE-encoded: byte-level vocabularies start from one symbol per UTF-8 byte,
 *       SentencePiece-style ones from one symbol per character with {@code <0xNN>} byte fallback;
 *       then the lowest-ranked adjacent pair merges first, leftmost on ties, until no pair merges
 *       ({@code ignore_merges}: a word that is itself a token is emitted whole).</li>
 * </ol>
 * Encoded words are cached (bounded), since JSON text repeats keys and punctuation a lot.
 * Instances are thread-safe.
 */
public final class BpeTokenizer {
    /** Words longer than this are not cached: they rarely repeat and would bloat the cache. */
    private static final int CACHE_MAX_WORD = 64;
    /** Cache entries kept before the cache is emptied and starts over. */
    private static final int CACHE_CAPACITY = 1 << 16;

    private final Vocabulary vocabulary;
    private final Normalization normalization;
    private final PreTokenization preTokenization;
    private final AddedTokens rawAdded;
    private final AddedTokens normalizedAdded;
    private final MergeTable merges;
    private final boolean byteLevel;
    private final boolean ignoreMerges;
    /** model.vocab only: the token strings BPE may produce (for ignore_merges). */
    private final TokenIndex modelVocab;
    /** Byte-level: the id of each byte's token. */
    private final int[] byteIds;
    /** Character-level: the id of each one-character token, by BMP char, -1 if none. */
    private final int[] charIds;
    private final Map<Integer, Integer> supplementaryIds;
    /** byte_fallback: the id of {@code <0xNN>} for each byte, or null. */
    private final int[] fallbackIds;
    private final int unkId;
    private final boolean fuseUnk;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>(4096);

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private BpeTokenizer(TokenizerFile f) {
        this.vocabulary = Vocabulary.from(f);
        this.normalization = Normalization.of(f, f.normalizer);
        this.preTokenization = PreTokenization.of(f, f.preTokenizer);
        this.byteLevel = preTokenization.byteLevel();
        this.ignoreMerges = f.ignoreMerges;
        this.fuseUnk = f.fuseUnk;
        this.modelVocab = f.vocabIndex;
        if (f.dropout instanceof Number d && d.doubleValue() > 0) {
            throw f.error("model.dropout", "BPE dropout is random; only null or 0 is supported");
        }

        AddedTokens raw = new AddedTokens();
        AddedTokens norm = new AddedTokens();
        List<TokenizerFile.AddedToken> added = f.addedTokens;
        for (int i = 0; i < added.size(); i++) {
            TokenizerFile.AddedToken a = added.get(i);
            String field = "added_tokens[" + i + "]";
            if (a.lstrip() || a.rstrip() || a.singleWord()) {
                throw f.error(field + (a.lstrip() ? ".lstrip" : a.rstrip() ? ".rstrip" : ".single_word"),
                        "only false is supported");
            }
            (a.normalized() ? norm : raw).add(a.content(), a.id());
        }
        this.rawAdded = raw.isEmpty() ? null : raw;
        this.normalizedAdded = norm.isEmpty() ? null : norm;

        this.unkId = f.unkToken == null ? -1 : require(f, f.unkToken, "model.unk_token");
        if (byteLevel) {
            byteIds = new int[256];
            for (int b = 0; b < 256; b++) {
                byteIds[b] = require(f, String.valueOf(ByteLevelTable.BYTE_TO_CHAR[b]), "model.vocab");
            }
            charIds = null;
            supplementaryIds = null;
        } else {
            byteIds = null;
            charIds = new int[0x10000];
            Arrays.fill(charIds, -1);
            supplementaryIds = new HashMap<>();
            for (int id = 0; id <= f.maxVocabId; id++) {
                String t = f.vocab[id];
                if (t == null || t.isEmpty()) {
                    continue;
                }
                int cp = t.codePointAt(0);
                if (Character.charCount(cp) == t.length()) {
                    if (cp < 0x10000) {
                        charIds[cp] = id;
                    } else {
                        supplementaryIds.put(cp, id);
                    }
                }
            }
        }
        if (f.byteFallback) {
            fallbackIds = new int[256];
            for (int b = 0; b < 256; b++) {
                fallbackIds[b] = f.vocabIndex.get(String.format("<0x%02X>", b));
            }
        } else {
            fallbackIds = null;
        }

        merges = new MergeTable(f.mergeCount);
        char[] chars = f.mergeChars;
        TokenIndex index = f.vocabIndex;
        for (int i = 0; i < f.mergeCount; i++) {
            int start = f.mergeStart[i];
            int split = f.mergeSplit[i];
            int end = f.mergeStart[i + 1];
            int a = index.get(chars, start, split);
            int b = index.get(chars, split, end);
            // The halves are adjacent in the arena, so the merged token is the whole range.
            int m = index.get(chars, start, end);
            if (a < 0 || b < 0 || m < 0) {
                String missing = a < 0 ? f.mergeLeft(i) : b < 0 ? f.mergeRight(i) : f.mergeLeft(i) + f.mergeRight(i);
                throw f.error("model.merges[" + i + "]", "token " + TokenizerFile.quote(missing) + " is not in model.vocab");
            }
            merges.put(a, b, i, m);
        }
    }

    private static int require(TokenizerFile f, String token, String field) {
        int id = f.vocabIndex.get(token);
        if (id < 0) {
            throw f.error(field, "token " + TokenizerFile.quote(token) + " is not in model.vocab");
        }
        return id;
    }

    /**
     * Loads a {@code tokenizer.json} (and the {@code tokenizer_config.json} beside it, for the
     * vocabulary's end-of-sequence token).
     *
     * @throws TokenizerException if the file is missing, unreadable, or uses a feature this
     *     encoder does not implement; the message names the file and the field
     */
    public static BpeTokenizer load(Path tokenizerJson) {
        return new BpeTokenizer(TokenizerFile.read(tokenizerJson, true));
    }

    /** The vocabulary, with the bytes of every token id this tokenizer produces. */
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /**
     * The token ids of {@code text}, as Hugging Face's {@code encode(text, add_special_tokens=False)}.
     * Unpaired surrogates count as U+FFFD, as when a JavaScript or Python string reaches the
     * Rust library.
     */
    public int[] encode(String text) {
        String s = replaceLoneSurrogates(text);
        Scratch sc = SCRATCH.get();
        IntList out = new IntList(Math.max(16, s.length() / 3));
        if (rawAdded == null) {
            encodeSegment(s, out, sc);
        } else {
            int segmentStart = 0;
            int i = 0;
            while (i < s.length()) {
                long hit = rawAdded.longestAt(s, i);
                if (hit < 0) {
                    i++;
                    continue;
                }
                encodeSegment(s.substring(segmentStart, i), out, sc);
                out.add((int) hit);
                i += (int) (hit >>> 32);
                segmentStart = i;
            }
            encodeSegment(segmentStart == 0 ? s : s.substring(segmentStart), out, sc);
        }
        return out.toArray();
    }

    /** The concatenated bytes of the tokens (special tokens as their content, nothing stripped). */
    public byte[] decode(int[] ids) {
        int n = 0;
        for (int id : ids) {
            if (id < 0 || id >= vocabulary.size()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocabulary.size() + ")");
            }
            n += vocabulary.bytesShared(id).length;
        }
        byte[] out = new byte[n];
        int pos = 0;
        for (int id : ids) {
            byte[] b = vocabulary.bytesShared(id);
            System.arraycopy(b, 0, out, pos, b.length);
            pos += b.length;
        }
        return out;
    }

    @Override
    public String toString() {
        return "BpeTokenizer[" + vocabulary + "]";
    }

    /** Text between raw added tokens: normalize, cut normalized added tokens, pre-tokenize, BPE. */
    private void encodeSegment(String segment, IntList out, Scratch sc) {
        if (segment.isEmpty()) {
            return;
        }
        String s = normalization == null ? segment : normalization.apply(segment);
        if (normalizedAdded == null) {
            encodePiece(s, out, sc);
            return;
        }
        int pieceStart = 0;
        int i = 0;
        while (i < s.length()) {
            long hit = normalizedAdded.longestAt(s, i);
            if (hit < 0) {
                i++;
                continue;
            }
            encodePiece(s.substring(pieceStart, i), out, sc);
            out.add((int) hit);
            i += (int) (hit >>> 32);
            pieceStart = i;
        }
        encodePiece(pieceStart == 0 ? s : s.substring(pieceStart), out, sc);
    }

    private void encodePiece(String piece, IntList out, Scratch sc) {
        if (piece.isEmpty()) {
            return;
        }
        String s = preTokenization.prefixSpace() && piece.charAt(0) != ' ' ? " ".concat(piece) : piece;
        preTokenization.split(s, sc.words, sc.wordsTmp);
        IntList words = sc.words;
        int count = words.size();
        // encodeWord uses other scratch buffers, so the ranges stay valid during the loop.
        for (int w = 0; w < count; w += 2) {
            encodeWord(s, words.get(w), words.get(w + 1), out, sc);
        }
    }

    private void encodeWord(String s, int start, int end, IntList out, Scratch sc) {
        String key = null;
        if (end - start <= CACHE_MAX_WORD) {
            key = s.substring(start, end);
            int[] hit = cache.get(key);
            if (hit != null) {
                out.addAll(hit);
                return;
            }
        }
        int before = out.size();
        bpe(s, start, end, out, sc);
        if (key != null) {
            if (cache.size() >= CACHE_CAPACITY) {
                cache.clear();
            }
            cache.put(key, out.copyRange(before, out.size()));
        }
    }

    /** BPE of one word: initial symbols, then merges by rank (Hugging Face's word.merge_all). */
    private void bpe(String s, int start, int end, IntList out, Scratch sc) {
        int n = byteLevel ? byteSymbols(s, start, end, sc) : charSymbols(s, start, end, sc);
        if (ignoreMerges) {
            String word = byteLevel ? new String(sc.chars, 0, n) : s.substring(start, end);
            int whole = modelVocab.get(word);
            if (whole >= 0) {
                out.add(whole);
                return;
            }
        }
        int[] sym = sc.sym;
        if (n <= 1) {
            if (n == 1) {
                out.add(sym[0]);
            }
            return;
        }
        int[] prev = sc.prev;
        int[] next = sc.next;
        LongHeap heap = sc.heap;
        heap.clear();
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        for (int i = 0; i + 1 < n; i++) {
            int slot = merges.find(sym[i], sym[i + 1]);
            if (slot >= 0) {
                heap.push(((long) merges.rank(slot) << 32) | i);
            }
        }
        // Entries are (rank, position): the lowest rank merges first, the leftmost on ties.
        // Merged-away symbols get id -1; stale entries are recognised because the pair now at
        // that position has a different rank (or none).
        while (!heap.isEmpty()) {
            long top = heap.pop();
            int rank = (int) (top >>> 32);
            int pos = (int) top;
            if (sym[pos] < 0) {
                continue;
            }
            int right = next[pos];
            if (right < 0) {
                continue;
            }
            int slot = merges.find(sym[pos], sym[right]);
            if (slot < 0 || merges.rank(slot) != rank) {
                continue;
            }
            sym[pos] = merges.mergedId(slot);
            sym[right] = -1;
            int after = next[right];
            next[pos] = after;
            if (after >= 0) {
                prev[after] = pos;
            }
            int before = prev[pos];
            if (before >= 0) {
                int s2 = merges.find(sym[before], sym[pos]);
                if (s2 >= 0) {
                    heap.push(((long) merges.rank(s2) << 32) | before);
                }
            }
            if (after >= 0) {
                int s2 = merges.find(sym[pos], sym[after]);
                if (s2 >= 0) {
                    heap.push(((long) merges.rank(s2) << 32) | pos);
                }
            }
        }
        for (int i = 0; i >= 0; i = next[i]) {
            out.add(sym[i]);
        }
    }

    /**
     * Byte-level start: one symbol per UTF-8 byte. Also leaves the word's byte-level string in
     * {@code sc.chars} for the ignore_merges lookup. Returns the symbol count.
     */
    private int byteSymbols(String s, int start, int end, Scratch sc) {
        sc.ensure((end - start) * 3);
        int[] sym = sc.sym;
        char[] chars = sc.chars;
        int n = 0;
        for (int i = start; i < end; i++) {
            int c = s.charAt(i);
            if (c < 0x80) {
                sym[n] = byteIds[c];
                chars[n++] = ByteLevelTable.BYTE_TO_CHAR[c];
                continue;
            }
            int cp = c;
            if (Character.isHighSurrogate((char) c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
                cp = Character.toCodePoint((char) c, s.charAt(++i));
            }
            if (cp < 0x800) {
                n = putByte(sc, n, 0xC0 | (cp >> 6));
                n = putByte(sc, n, 0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                n = putByte(sc, n, 0xE0 | (cp >> 12));
                n = putByte(sc, n, 0x80 | ((cp >> 6) & 0x3F));
                n = putByte(sc, n, 0x80 | (cp & 0x3F));
            } else {
                n = putByte(sc, n, 0xF0 | (cp >> 18));
                n = putByte(sc, n, 0x80 | ((cp >> 12) & 0x3F));
                n = putByte(sc, n, 0x80 | ((cp >> 6) & 0x3F));
                n = putByte(sc, n, 0x80 | (cp & 0x3F));
            }
        }
        return n;
    }

    private int putByte(Scratch sc, int n, int b) {
        sc.sym[n] = byteIds[b];
        sc.chars[n] = ByteLevelTable.BYTE_TO_CHAR[b];
        return n + 1;
    }

    /**
     * SentencePiece-style start: one symbol per character; a character that is not a token
     * becomes its UTF-8 bytes' {@code <0xNN>} tokens (byte_fallback) or the unknown token,
     * consecutive unknowns fused into one when fuse_unk is set. Mirrors Hugging Face, including
     * that a pending unknown is emitted only when the next known character (or the end) comes.
     */
    private int charSymbols(String s, int start, int end, Scratch sc) {
        sc.ensure((end - start) * 4);
        int[] sym = sc.sym;
        int n = 0;
        boolean pendingUnk = false;
        for (int i = start; i < end; ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            int id = cp < 0x10000 ? charIds[cp] : supplementaryIds.getOrDefault(cp, -1);
            if (id >= 0) {
                if (pendingUnk) {
                    sym[n++] = unkId;
                    pendingUnk = false;
                }
                sym[n++] = id;
                continue;
            }
            if (fallbackIds != null && fallback(cp, sc, n)) {
                n += utf8Length(cp);
                continue;
            }
            if (unkId >= 0) {
                if (pendingUnk && !fuseUnk) {
                    sym[n++] = unkId;
                }
                pendingUnk = true;
            }
        }
        if (pendingUnk) {
            sym[n++] = unkId;
        }
        return n;
    }

    /** Writes the byte-fallback tokens of {@code cp} at {@code sc.sym[n..]}; false if one is missing. */
    private boolean fallback(int cp, Scratch sc, int n) {
        int len = utf8Length(cp);
        int[] bytes = sc.utf8;
        if (len == 1) {
            bytes[0] = cp;
        } else if (len == 2) {
            bytes[0] = 0xC0 | (cp >> 6);
            bytes[1] = 0x80 | (cp & 0x3F);
        } else if (len == 3) {
            bytes[0] = 0xE0 | (cp >> 12);
            bytes[1] = 0x80 | ((cp >> 6) & 0x3F);
            bytes[2] = 0x80 | (cp & 0x3F);
        } else {
            bytes[0] = 0xF0 | (cp >> 18);
            bytes[1] = 0x80 | ((cp >> 12) & 0x3F);
            bytes[2] = 0x80 | ((cp >> 6) & 0x3F);
            bytes[3] = 0x80 | (cp & 0x3F);
        }
        for (int k = 0; k < len; k++) {
            if (fallbackIds[bytes[k]] < 0) {
                return false;
            }
        }
        for (int k = 0; k < len; k++) {
            sc.sym[n + k] = fallbackIds[bytes[k]];
        }
        return true;
    }

    private static int utf8Length(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    private static String replaceLoneSurrogates(String text) {
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i += 2;
                    continue;
                }
                break;
            }
            i++;
        }
        if (i == n) {
            return text;
        }
        StringBuilder b = new StringBuilder(n).append(text, 0, i);
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                b.append(c).append(text.charAt(++i));
            } else {
                b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return b.toString();
    }

    /** Per-thread buffers of the encoder, grown on demand and reused across calls. */
    private static final class Scratch {
        int[] sym = new int[256];
        int[] prev = new int[256];
        int[] next = new int[256];
        char[] chars = new char[256];
        final int[] utf8 = new int[4];
        final LongHeap heap = new LongHeap();
        final IntList words = new IntList(64);
        final IntList wordsTmp = new IntList(64);

        void ensure(int n) {
            if (sym.length < n) {
                int cap = Math.max(n, sym.length * 2);
                sym = new int[cap];
                prev = new int[cap];
                next = new int[cap];
                chars = new char[cap];
            }
        }
    }

    /** A binary min-heap of longs: (rank << 32 | position) merge candidates. */
    private static final class LongHeap {
        private long[] a = new long[256];
        private int size;

        void clear() {
            size = 0;
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(long v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (a[parent] <= v) {
                    break;
                }
                a[i] = a[parent];
                i = parent;
            }
            a[i] = v;
        }

        long pop() {
            long top = a[0];
            long last = a[--size];
            int i = 0;
            int half = size >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                if (child + 1 < size && a[child + 1] < a[child]) {
                    child++;
                }
                if (last <= a[child]) {
                    break;
                }
                a[i] = a[child];
                i = child;
            }
            if (size > 0) {
                a[i] = last;
            }
            return top;
        }
    }

    /**
     * Added tokens to cut out of text: a character trie, searched at each position for the
     * longest token starting there (Hugging Face's leftmost-longest match).
     */
    private static final class AddedTokens {
        private final Node root = new Node();
        /** Bit per char that starts some token: most positions are rejected without a map lookup. */
        private final long[] first = new long[1024];
        private boolean empty = true;

        private static final class Node {
            final Map<Character, Node> children = new HashMap<>();
            int id = -1;
        }

        void add(String content, int id) {
            char c0 = content.charAt(0);
            first[c0 >>> 6] |= 1L << c0;
            Node node = root;
            for (int i = 0; i < content.length(); i++) {
                node = node.children.computeIfAbsent(content.charAt(i), c -> new Node());
            }
            node.id = id;
            empty = false;
        }

        boolean isEmpty() {
            return empty;
        }

        /** The longest token at {@code s[i..]} as (length << 32 | id), or -1 if none. */
        long longestAt(String s, int i) {
            char c0 = s.charAt(i);
            if ((first[c0 >>> 6] & (1L << c0)) == 0) {
                return -1;
            }
            Node node = root.children.get(c0);
            long best = -1;
            int j = i;
            while (node != null) {
                j++;
                if (node.id >= 0) {
                    best = ((long) (j - i) << 32) | node.id;
                }
                if (j == s.length()) {
                    break;
                }
                node = node.children.get(s.charAt(j));
            }
            return best;
        }
    }
}
