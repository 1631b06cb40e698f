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

    /** Code points beyond which {@link #quotedLiteral} leaves a value to the regex route (and its size cap). */
    static final int MAX_DIRECT_LITERAL = 2_000;

    /**
     * The automaton of {@code quoted(literal(value))} (every spelling of exactly {@code value} as a
     * JSON string literal), written directly as a table: a chain of code point positions, each with
     * its raw UTF-8 bytes, its short escape and its {@code \\uXXXX} escape(s) in either hex case. A
     * regex compiled through an NFA and the subset construction gives the same minimal automaton
     * (tested), at several times the cost; property names and enum values are the most common
     * lexemes of a schema. Null for a value longer than {@link #MAX_DIRECT_LITERAL} code points.
     *
     * @throws IllegalArgumentException for a lone surrogate (no UTF-8 spelling)
     */
    static ByteDfa quotedLiteral(String value) {
        int[] cps = value.codePoints().toArray();
        if (cps.length > MAX_DIRECT_LITERAL) {
            return null;
        }
        Table t = new Table(cps.length * 12 + 4);
        int start = t.state();
        int pos = t.state();
        t.edge(start, '"', pos);
        for (int cp : cps) {
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                throw new IllegalArgumentException("lone surrogate");
            }
            int next = t.state();
            if (!MUST_ESCAPE.contains(cp)) {
                byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                int at = pos;
                for (int k = 0; k < utf8.length - 1; k++) {
                    int s = t.state();
                    t.edge(at, utf8[k] & 0xFF, s);
                    at = s;
                }
                t.edge(at, utf8[utf8.length - 1] & 0xFF, next);
            }
            int escape = t.state();
            t.edge(pos, '\\', escape);
            for (int i = 0; i < SHORT_ESCAPE_CHARS.length; i++) {
                if (SHORT_ESCAPE_CHARS[i] == cp) {
                    t.edge(escape, SHORT_ESCAPE_LETTERS.charAt(i), next);
                }
            }
            int u = t.state();
            t.edge(escape, 'u', u);
            if (cp <= 0xFFFF) {
                t.hex4(u, cp, next);
            } else {
                int high = t.state();
                t.hex4(u, Character.highSurrogate(cp), high);
                int escape2 = t.state();
                t.edge(high, '\\', escape2);
                int u2 = t.state();
                t.edge(escape2, 'u', u2);
                t.hex4(u2, Character.lowSurrogate(cp), next);
            }
            pos = next;
        }
        int end = t.state();
        t.edge(pos, '"', end);
        boolean[] accepting = new boolean[t.states];
        accepting[end] = true;
        String shown = value.length() <= 40 ? value : value.substring(0, 40) + "…";
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

        /** Four hex digits (either case) spelling {@code unit}, from {@code from} to {@code to}. */
        void hex4(int from, int unit, int to) {
            int at = from;
            for (int shift = 12; shift >= 0; shift -= 4) {
                int target = shift == 0 ? to : state();
                char digit = Character.forDigit((unit >> shift) & 0xF, 16);
                edge(at, digit, target);
                edge(at, Character.toUpperCase(digit), target);
                at = target;
            }
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
