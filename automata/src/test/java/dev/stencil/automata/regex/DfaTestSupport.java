package dev.stencil.automata.regex;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Independent oracles and helpers for the regex tests: a strict UTF-8 check (the JDK decoder), a
 * hand-written UTF-8 validator automaton, a naive set-of-positions matcher over code points, a
 * naive Moore minimisation, and samplers that draw strings from a {@link Regex} or a {@link ByteDfa}.
 */
final class DfaTestSupport {
    private DfaTestSupport() {
    }

    /** Whether {@code bytes} is well-formed UTF-8, per the JDK's strict decoder. */
    static boolean isValidUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    static String decodeStrict(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new AssertionError("not valid UTF-8: " + hex(bytes), e);
        }
    }

    static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02X ", b & 0xFF));
        }
        return sb.toString().trim();
    }

    /**
     * All well-formed UTF-8 strings, written by hand from Table 3-7 of the Unicode Standard
     * (not via the compiler under test).
     */
    static ByteDfa utf8Validator() {
        int n = 8;
        int[] t = new int[n * 256];
        Arrays.fill(t, -1);
        fill(t, 0, 0x00, 0x7F, 0);
        fill(t, 0, 0xC2, 0xDF, 1);
        fill(t, 0, 0xE0, 0xE0, 4);
        fill(t, 0, 0xE1, 0xEC, 2);
        fill(t, 0, 0xED, 0xED, 5);
        fill(t, 0, 0xEE, 0xEF, 2);
        fill(t, 0, 0xF0, 0xF0, 6);
        fill(t, 0, 0xF1, 0xF3, 3);
        fill(t, 0, 0xF4, 0xF4, 7);
        fill(t, 1, 0x80, 0xBF, 0);
        fill(t, 2, 0x80, 0xBF, 1);
        fill(t, 3, 0x80, 0xBF, 2);
        fill(t, 4, 0xA0, 0xBF, 1);
        fill(t, 5, 0x80, 0x9F, 1);
        fill(t, 6, 0x90, 0xBF, 2);
        fill(t, 7, 0x80, 0x8F, 2);
        boolean[] accepting = new boolean[n];
        accepting[0] = true;
        return ByteDfa.fromTable(n, 0, t, accepting, "utf8-validator");
    }

    private static void fill(int[] t, int state, int lo, int hi, int target) {
        Arrays.fill(t, state * 256 + lo, state * 256 + hi + 1, target);
    }

    /** Reference full-match: the set of end positions reachable from {@code from}, naively. */
    static boolean referenceMatches(Regex r, String s) {
        int[] cps = s.codePoints().toArray();
        return ends(r, cps, from(0)).get(cps.length);
    }

    private static BitSet from(int i) {
        BitSet b = new BitSet();
        b.set(i);
        return b;
    }

    private static BitSet ends(Regex r, int[] cps, BitSet starts) {
        BitSet out = new BitSet();
        if (r instanceof Regex.Empty) {
            out.or(starts);
        } else if (r instanceof Regex.Chars c) {
            for (int i = starts.nextSetBit(0); i >= 0; i = starts.nextSetBit(i + 1)) {
                if (i < cps.length && c.set().contains(cps[i])) {
                    out.set(i + 1);
                }
            }
        } else if (r instanceof Regex.Seq s) {
            BitSet cur = starts;
            for (Regex item : s.items()) {
                cur = ends(item, cps, cur);
            }
            out.or(cur);
        } else if (r instanceof Regex.Alt a) {
            for (Regex alt : a.alternatives()) {
                out.or(ends(alt, cps, starts));
            }
        } else if (r instanceof Regex.Repeat rep) {
            BitSet level = starts;
            for (int i = 0; i < rep.min(); i++) {
                level = ends(rep.body(), cps, level);
            }
            BitSet acc = (BitSet) level.clone();
            BitSet frontier = level;
            // a position reached again after more copies has fewer copies left, so pruning is safe
            for (int i = rep.min(); rep.max() < 0 || i < rep.max(); i++) {
                BitSet next = ends(rep.body(), cps, frontier);
                next.andNot(acc);
                if (next.isEmpty()) {
                    break;
                }
                acc.or(next);
                frontier = next;
            }
            out.or(acc);
        }
        return out;
    }

    /** Number of states of the minimal automaton, by naive Moore refinement of the flat table. */
    static int mooreStateCount(ByteDfa dfa) {
        int n = dfa.stateCount();
        int[] t = dfa.transitionTable();
        int[] cls = new int[n];
        for (int s = 0; s < n; s++) {
            cls[s] = dfa.isAccepting(s) ? 1 : 0;
        }
        int count = -1;
        while (true) {
            Map<Signature, Integer> ids = new HashMap<>();
            int[] next = new int[n];
            for (int s = 0; s < n; s++) {
                int[] sig = new int[257];
                sig[256] = cls[s];
                for (int b = 0; b < 256; b++) {
                    int to = t[s * 256 + b];
                    sig[b] = to < 0 ? -1 : cls[to];
                }
                next[s] = ids.computeIfAbsent(new Signature(sig), k -> ids.size());
            }
            cls = next;
            if (ids.size() == count) {
                return count;
            }
            count = ids.size();
        }
    }

    private record Signature(int[] values) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Signature other && Arrays.equals(values, other.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }
    }

    /** Whether every state reaches an accepting state (the automaton has no dead states). */
    static boolean allStatesLive(ByteDfa dfa) {
        int[] dist = distanceToAccept(dfa);
        return Arrays.stream(dist).allMatch(d -> d >= 0);
    }

    /** Per state, the fewest bytes to an accepting state, or -1 if none is reachable. */
    static int[] distanceToAccept(ByteDfa dfa) {
        int n = dfa.stateCount();
        int[] dist = new int[n];
        Arrays.fill(dist, -1);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int s = 0; s < n; s++) {
            if (dfa.isAccepting(s)) {
                dist[s] = 0;
                queue.add(s);
            }
        }
        // reverse BFS over predecessor lists built from the flat table
        int[] t = dfa.transitionTable();
        List<List<Integer>> preds = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            preds.add(new ArrayList<>());
        }
        for (int s = 0; s < n; s++) {
            for (int b = 0; b < 256; b++) {
                int to = t[s * 256 + b];
                if (to >= 0) {
                    preds.get(to).add(s);
                }
            }
        }
        while (!queue.isEmpty()) {
            int target = queue.poll();
            for (int s : preds.get(target)) {
                if (dist[s] < 0) {
                    dist[s] = dist[target] + 1;
                    queue.add(s);
                }
            }
        }
        return dist;
    }

    /**
     * A random accepted byte string: a random walk that, after {@code softLength} bytes, only takes
     * transitions that bring it closer to acceptance.
     */
    static byte[] sampleAccepted(ByteDfa dfa, int[] dist, Random random, int softLength) {
        byte[] out = new byte[softLength + 64];
        int len = 0;
        int state = dfa.start();
        while (true) {
            if (dfa.isAccepting(state) && (len >= softLength || random.nextInt(4) == 0)) {
                return Arrays.copyOf(out, len);
            }
            int[] options = new int[256];
            int count = 0;
            for (int b = 0; b < 256; b++) {
                int to = dfa.next(state, b);
                if (to >= 0 && (len < softLength || dist[to] < dist[state])) {
                    options[count++] = b;
                }
            }
            if (count == 0) {
                return Arrays.copyOf(out, len); // accepting with no way on
            }
            int b = options[random.nextInt(count)];
            if (len == out.length) {
                out = Arrays.copyOf(out, len * 2);
            }
            out[len++] = (byte) b;
            state = dfa.next(state, b);
        }
    }

    /** A random member of the language of {@code r} (bounded repetition of unbounded quantifiers). */
    static String generate(Regex r, Random random) {
        StringBuilder sb = new StringBuilder();
        generate(r, random, sb);
        return sb.toString();
    }

    private static void generate(Regex r, Random random, StringBuilder sb) {
        if (r instanceof Regex.Chars c) {
            CodePointSet set = c.set();
            int i = random.nextInt(set.rangeCount());
            int lo = set.rangeLo(i);
            int hi = set.rangeHi(i);
            // favour range edges, where encodings change length
            int cp = switch (random.nextInt(3)) {
                case 0 -> lo;
                case 1 -> hi;
                default -> lo + random.nextInt(hi - lo + 1);
            };
            sb.appendCodePoint(cp);
        } else if (r instanceof Regex.Seq s) {
            for (Regex item : s.items()) {
                generate(item, random, sb);
            }
        } else if (r instanceof Regex.Alt a) {
            List<Regex> alts = a.alternatives().stream().filter(x -> !(x instanceof Regex.Nothing)).toList();
            generate(alts.get(random.nextInt(alts.size())), random, sb);
        } else if (r instanceof Regex.Repeat rep) {
            int max = rep.max() < 0 ? rep.min() + 4 : Math.min(rep.max(), rep.min() + 6);
            int count = rep.min() + random.nextInt(max - rep.min() + 1);
            for (int i = 0; i < count; i++) {
                generate(rep.body(), random, sb);
            }
        }
    }
}
