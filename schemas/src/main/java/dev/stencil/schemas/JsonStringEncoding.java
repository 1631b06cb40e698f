package dev.stencil.schemas;

import dev.stencil.automata.regex.ByteDfa;
import dev.stencil.automata.regex.CodePointSet;
import dev.stencil.automata.regex.Regex;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a regex over decoded string values into a regex over the text of a JSON string literal's
 * contents, where every code point may be written raw (if JSON allows it raw) or escaped
 * ({@code \n}, {@code \u00e9}, a surrogate pair {@code \ud83d\ude00}, hex digits in either case).
 *
 * <p>Because JSON string contents decode uniquely, encoding commutes with intersection and union:
 * {@code enc(A ∩ B) = enc(A) ∩ enc(B)}. That is what lets pattern, length and exclusion constraints
 * be combined on byte automata of the encoded form and still mean exactly the decoded-value
 * constraint the schema states.
 */
final class JsonStringEncoding {
    private static final CodePointSet MUST_ESCAPE = CodePointSet.of(0, 0x1F)
            .union(CodePointSet.single('"')).union(CodePointSet.single('\\'));
    private static final int[] SHORT_ESCAPE_CHARS = {'"', '\\', '/', '\b', '\f', '\n', '\r', '\t'};
    private static final String SHORT_ESCAPE_LETTERS = "\"\\/bfnrt";

    private JsonStringEncoding() {
    }

    /** The encoded form of {@code valueRegex}, without the surrounding quotes. */
    static Regex encode(Regex valueRegex) {
        if (valueRegex instanceof Regex.Empty || valueRegex instanceof Regex.Nothing) {
            return valueRegex;
        }
        if (valueRegex instanceof Regex.Chars c) {
            return encodeSet(c.set());
        }
        if (valueRegex instanceof Regex.Seq s) {
            List<Regex> items = new ArrayList<>();
            for (Regex r : s.items()) {
                items.add(encode(r));
            }
            return Regex.seq(items);
        }
        if (valueRegex instanceof Regex.Alt a) {
            List<Regex> alts = new ArrayList<>();
            for (Regex r : a.alternatives()) {
                alts.add(encode(r));
            }
            return Regex.alt(alts);
        }
        Regex.Repeat r = (Regex.Repeat) valueRegex;
        return Regex.repeat(encode(r.body()), r.min(), r.max());
    }

    /** The quoted literal: {@code "} + encode(valueRegex) + {@code "}. */
    static Regex quoted(Regex valueRegex) {
        return Regex.seq(Regex.literal("\""), encode(valueRegex), Regex.literal("\""));
    }

    /** Code points beyond which {@link #quotedLiterals} leaves the values to the regex route (and its size cap). */
    static final int MAX_DIRECT_LITERAL = 20_000;

    /** {@link #quotedLiterals} of one value. */
    static ByteDfa quotedLiteral(String value) {
        return quotedLiterals(List.of(value));
    }

    /**
     * The automaton of {@code quoted(alt(literal(v) for v in values))} (every spelling of exactly these
     * values as JSON string literals), written directly as a table: a trie of the values' code points
     * where each edge is spelled raw in UTF-8, as a short escape, or as {@code \\uXXXX} escape(s) in
     * either hex case, the bytes shared by several edges of a node (a UTF-8 lead byte, a hex prefix)
     * leading to one state. A regex compiled through an NFA and the subset construction gives the
     * same minimal automaton (tested) at several times the cost; property names and enum values are
     * the most common lexemes of a schema. Null for no values or more than {@link #MAX_DIRECT_LITERAL}
     * code points in all.
     *
     * @throws IllegalArgumentException for a lone surrogate (no UTF-8 spelling)
     */
    static ByteDfa quotedLiterals(java.util.Collection<String> values) {
        List<java.util.TreeMap<Integer, Integer>> children = new ArrayList<>();
        List<Boolean> ends = new ArrayList<>();
        children.add(new java.util.TreeMap<>());
        ends.add(false);
        long total = 0;
        for (String v : values) {
            int node = 0;
            for (int cp : v.codePoints().toArray()) {
                if (cp >= 0xD800 && cp <= 0xDFFF) {
                    throw new IllegalArgumentException("lone surrogate");
                }
                if (++total > MAX_DIRECT_LITERAL) {
                    return null;
                }
                Integer next = children.get(node).get(cp);
                if (next == null) {
                    next = children.size();
                    children.get(node).put(cp, next);
                    children.add(new java.util.TreeMap<>());
                    ends.add(false);
                }
                node = next;
            }
            ends.set(node, true);
        }
        if (values.isEmpty()) {
            return null;
        }
        Table t = new Table((int) total * 8 + 4);
        int start = t.state();
        int[] stateOf = new int[children.size()];
        for (int n = 0; n < stateOf.length; n++) {
            stateOf[n] = t.state();
        }
        int end = t.state();
        t.edge(start, '"', stateOf[0]);
        for (int n = 0; n < stateOf.length; n++) {
            int from = stateOf[n];
            if (ends.get(n)) {
                t.edge(from, '"', end);
            }
            if (children.get(n).isEmpty()) {
                continue;
            }
            // states inside one spelling, shared by the edges of this node that spell alike so far
            java.util.Map<Long, Integer> inside = new java.util.HashMap<>();
            int escape = t.state();
            t.edge(from, '\\', escape);
            int u = t.state();
            t.edge(escape, 'u', u);
            for (java.util.Map.Entry<Integer, Integer> e : children.get(n).entrySet()) {
                int cp = e.getKey();
                int to = stateOf[e.getValue()];
                if (!MUST_ESCAPE.contains(cp)) {
                    byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                    int at = from;
                    long prefix = 0;
                    for (int k = 0; k < utf8.length - 1; k++) {
                        prefix = prefix << 8 | (utf8[k] & 0xFF);
                        at = t.step(at, utf8[k] & 0xFF, inside, 1L << 60 | (long) k << 40 | prefix);
                    }
                    t.edge(at, utf8[utf8.length - 1] & 0xFF, to);
                }
                for (int i = 0; i < SHORT_ESCAPE_CHARS.length; i++) {
                    if (SHORT_ESCAPE_CHARS[i] == cp) {
                        t.edge(escape, SHORT_ESCAPE_LETTERS.charAt(i), to);
                    }
                }
                if (cp <= 0xFFFF) {
                    t.hex4(u, cp, to, inside, 2L << 60);
                } else {
                    int high = Character.highSurrogate(cp);
                    int afterHigh = t.hex4(u, high, -1, inside, 3L << 60);
                    int escape2 = t.step(afterHigh, '\\', inside, 4L << 60 | high);
                    int u2 = t.step(escape2, 'u', inside, 5L << 60 | high);
                    t.hex4(u2, Character.lowSurrogate(cp), to, inside, 6L << 60 | (long) high << 24);
                }
            }
        }
        boolean[] accepting = new boolean[t.states];
        accepting[end] = true;
        String first = values.iterator().next();
        String shown = (first.length() <= 40 ? first : first.substring(0, 40) + "…")
                + (values.size() > 1 ? " and " + (values.size() - 1) + " more" : "");
        return ByteDfa.fromTable(t.states, start, Arrays.copyOf(t.table, t.states * 256), accepting,
                "JSON string literal \"" + shown + "\"");
    }

    /** A growing transition table, 256 entries a state, -1 for none. */
    private static final class Table {
        int[] table;
        int states;

        Table(int expectedStates) {
            table = new int[expectedStates * 256];
            Arrays.fill(table, -1);
        }

        int state() {
            if ((states + 1) * 256 > table.length) {
                int old = table.length;
                table = Arrays.copyOf(table, old * 2);
                Arrays.fill(table, old, table.length, -1);
            }
            return states++;
        }

        void edge(int from, int b, int to) {
            table[from * 256 + b] = to;
        }

        /** The state {@code from} goes to on {@code b}, made (and remembered under {@code key}) if new. */
        int step(int from, int b, java.util.Map<Long, Integer> inside, long key) {
            Integer s = inside.get(key);
            if (s == null) {
                s = state();
                inside.put(key, s);
            }
            edge(from, b, s);
            return s;
        }

        /**
         * Four hex digits (either case) spelling {@code unit} from {@code from}: the last one to
         * {@code to}, or with {@code to} -1 to a state shared under {@code tag} and the unit, returned.
         */
        int hex4(int from, int unit, int to, java.util.Map<Long, Integer> inside, long tag) {
            int at = from;
            for (int shift = 12; shift >= 0; shift -= 4) {
                char digit = Character.forDigit((unit >> shift) & 0xF, 16);
                int target;
                if (shift == 0 && to >= 0) {
                    target = to;
                    edge(at, digit, target);
                } else {
                    // keyed by how many digits are read and their value, so edges spelling alike share states
                    target = step(at, digit, inside, tag | (long) (4 - shift / 4) << 20 | unit >> shift);
                }
                edge(at, Character.toUpperCase(digit), target);
                at = target;
            }
            return at;
        }
    }

    /** Every spelling of one code point drawn from {@code set}. */
    static Regex encodeSet(CodePointSet set) {
        List<Regex> alts = new ArrayList<>();
        CodePointSet raw = set.minus(MUST_ESCAPE);
        if (!raw.isEmpty()) {
            alts.add(Regex.chars(raw));
        }
        for (int i = 0; i < SHORT_ESCAPE_CHARS.length; i++) {
            if (set.contains(SHORT_ESCAPE_CHARS[i])) {
                alts.add(Regex.literal("\\" + SHORT_ESCAPE_LETTERS.charAt(i)));
            }
        }
        CodePointSet bmp = set.intersect(CodePointSet.of(0, 0xFFFF));
        if (!bmp.isEmpty()) {
            List<Regex> hex = new ArrayList<>();
            for (CodePointSet.Range r : bmp.ranges()) {
                hex.add(hexRange(r.lo(), r.hi()));
            }
            alts.add(Regex.seq(Regex.literal("\\u"), Regex.alt(hex)));
        }
        CodePointSet astral = set.intersect(CodePointSet.of(0x10000, CodePointSet.MAX_CODE_POINT));
        for (CodePointSet.Range r : astral.ranges()) {
            alts.add(surrogatePairs(r.lo(), r.hi()));
        }
        return alts.isEmpty() ? Regex.nothing() : Regex.alt(alts);
    }

    /** {@code \\uHHHH\\uLLLL} for the code points lo..hi (all astral), grouped by high surrogate. */
    private static Regex surrogatePairs(int lo, int hi) {
        List<Regex> alts = new ArrayList<>();
        int hiLo = 0xD800 + ((lo - 0x10000) >> 10);
        int hiHi = 0xD800 + ((hi - 0x10000) >> 10);
        for (int h = hiLo; h <= hiHi; ) {
            int first = h == hiLo ? 0xDC00 + ((lo - 0x10000) & 0x3FF) : 0xDC00;
            int last = h == hiHi ? 0xDC00 + ((hi - 0x10000) & 0x3FF) : 0xDFFF;
            if (first == 0xDC00 && last == 0xDFFF && h != hiHi) {
                // a run of high surrogates each with every low surrogate: one hex range covers them
                int runEnd = h;
                while (runEnd + 1 < hiHi) {
                    runEnd++;
                }
                alts.add(Regex.seq(Regex.literal("\\u"), hexRange(h, runEnd), Regex.literal("\\u"),
                        hexRange(0xDC00, 0xDFFF)));
                h = runEnd + 1;
                continue;
            }
            alts.add(Regex.seq(Regex.literal("\\u"), hexRange(h, h), Regex.literal("\\u"), hexRange(first, last)));
            h++;
        }
        return Regex.alt(alts);
    }

    /** Four hex digits (either case) whose value is in lo..hi. */
    static Regex hexRange(int lo, int hi) {
        return DigitRanges.fixedWidth(BigInteger.valueOf(lo), BigInteger.valueOf(hi), 4, 16);
    }
}
