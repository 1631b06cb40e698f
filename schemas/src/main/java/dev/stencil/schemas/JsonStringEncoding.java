package dev.stencil.schemas;

import dev.stencil.automata.regex.CodePointSet;
import dev.stencil.automata.regex.Regex;
import java.math.BigInteger;
import java.util.ArrayList;
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
