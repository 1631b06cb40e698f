package dev.stencil.decoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;

/**
 * An Aho–Corasick automaton over bytes for up to 64 keywords, tabulated as a complete DFA: state
 * 0 is "no keyword in progress", {@link #next} is one array load, and {@link #matches} says which
 * keywords end at the byte just read (bit {@code k} = keyword {@code k}), suffix matches included.
 * The state is the longest keyword prefix that is a suffix of the text, so it also knows how far a
 * keyword is in progress ({@link #depth}). Immutable and shared between sequences; a sequence keeps
 * only an int.
 */
final class KeywordAutomaton {
    static final int MAX_KEYWORDS = 64;

    private final byte[][] keywords;
    private final List<String> texts;
    private final int[] delta;
    private final long[] matches;
    private final int[] depth;

    KeywordAutomaton(List<String> words, String what) {
        if (words.isEmpty() || words.size() > MAX_KEYWORDS) {
            throw new DecoderException(what + " keywords: give 1 to " + MAX_KEYWORDS + ", got " + words.size());
        }
        keywords = new byte[words.size()][];
        int total = 1;
        for (int k = 0; k < keywords.length; k++) {
            String w = words.get(k);
            if (w == null || w.isEmpty()) {
                throw new DecoderException(what + " keyword " + k + " is empty");
            }
            keywords[k] = w.getBytes(StandardCharsets.UTF_8);
            total += keywords[k].length;
        }
        texts = List.copyOf(words);
        // goto function of the keyword trie; -1 = no edge yet
        int[] go = new int[total * 256];
        Arrays.fill(go, -1);
        depth = new int[total];
        long[] out = new long[total];
        int states = 1;
        for (int k = 0; k < keywords.length; k++) {
            int s = 0;
            for (byte b : keywords[k]) {
                int e = s * 256 + (b & 0xff);
                if (go[e] < 0) {
                    depth[states] = depth[s] + 1;
                    go[e] = states++;
                }
                s = go[e];
            }
            out[s] |= 1L << k;
        }
        // breadth-first: fail links fill the missing edges, so go becomes the complete DFA
        int[] fail = new int[states];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int b = 0; b < 256; b++) {
            int t = go[b];
            if (t < 0) {
                go[b] = 0;
            } else {
                fail[t] = 0;
                queue.add(t);
            }
        }
        while (!queue.isEmpty()) {
            int s = queue.poll();
            out[s] |= out[fail[s]];
            for (int b = 0; b < 256; b++) {
                int e = s * 256 + b;
                int t = go[e];
                if (t < 0) {
                    go[e] = go[fail[s] * 256 + b];
                } else {
                    fail[t] = go[fail[s] * 256 + b];
                    queue.add(t);
                }
            }
        }
        delta = Arrays.copyOf(go, states * 256);
        matches = Arrays.copyOf(out, states);
    }

    int stateCount() {
        return matches.length;
    }

    int keywordCount() {
        return keywords.length;
    }

    /** Bit mask with one bit per keyword. */
    long allKeywords() {
        return keywords.length == 64 ? -1L : (1L << keywords.length) - 1;
    }

    String keyword(int k) {
        return texts.get(k);
    }

    /** The state after reading byte {@code b} (0..255) in state {@code s}. */
    int next(int s, int b) {
        return delta[s * 256 + b];
    }

    /** Keywords that end at the byte that led into {@code s}. */
    long matches(int s) {
        return matches[s];
    }

    /** Bytes of the keyword prefix in progress in state {@code s}. */
    int depth(int s) {
        return depth[s];
    }

    /** The names of the keywords in {@code bits}. */
    List<String> keywords(long bits) {
        java.util.ArrayList<String> l = new java.util.ArrayList<>();
        for (int k = 0; k < keywords.length; k++) {
            if ((bits & (1L << k)) != 0) {
                l.add(texts.get(k));
            }
        }
        return l;
    }
}
