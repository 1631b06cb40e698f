package dev.stencil.schemas;

import dev.stencil.automata.regex.CodePointSet;
import dev.stencil.automata.regex.Regex;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Regexes for the digit strings of integer intervals, of any magnitude: the digit automata behind
 * exact {@code minimum}/{@code maximum} on integers, and the hex ranges of {@code \\u} escapes. The
 * size of each regex is linear in the number of digits, so no bound is too large.
 */
final class DigitRanges {
    private static final BigInteger TEN = BigInteger.TEN;

    private DigitRanges() {
    }

    /** Code points that spell digit values lo..hi in {@code base} (hex digits in both cases). */
    static CodePointSet digitSet(int lo, int hi, int base) {
        CodePointSet.Builder b = new CodePointSet.Builder();
        for (int d = lo; d <= hi; d++) {
            char c = Character.forDigit(d, base);
            b.add(c, c);
            b.add(Character.toUpperCase(c), Character.toUpperCase(c));
        }
        return b.build();
    }

    /** Strings of exactly {@code width} digits (leading zeros included) whose value is in lo..hi. */
    static Regex fixedWidth(BigInteger lo, BigInteger hi, int width, int base) {
        if (width == 0) {
            return Regex.empty();
        }
        BigInteger b = BigInteger.valueOf(base);
        BigInteger p = b.pow(width - 1);
        BigInteger[] loQr = lo.divideAndRemainder(p);
        BigInteger[] hiQr = hi.divideAndRemainder(p);
        int a = loQr[0].intValueExact();
        int z = hiQr[0].intValueExact();
        if (a == z) {
            return Regex.seq(Regex.chars(digitSet(a, a, base)), fixedWidth(loQr[1], hiQr[1], width - 1, base));
        }
        List<Regex> alts = new ArrayList<>();
        BigInteger max = p.subtract(BigInteger.ONE);
        int midLo = a;
        int midHi = z;
        if (loQr[1].signum() != 0) {
            alts.add(Regex.seq(Regex.chars(digitSet(a, a, base)), fixedWidth(loQr[1], max, width - 1, base)));
            midLo = a + 1;
        }
        boolean hiFull = hiQr[1].equals(max);
        if (!hiFull) {
            midHi = z - 1;
        }
        if (midLo <= midHi) {
            alts.add(Regex.seq(Regex.chars(digitSet(midLo, midHi, base)),
                    Regex.repeat(Regex.chars(digitSet(0, base - 1, base)), width - 1, width - 1)));
        }
        if (!hiFull) {
            alts.add(Regex.seq(Regex.chars(digitSet(z, z, base)), fixedWidth(BigInteger.ZERO, hiQr[1], width - 1, base)));
        }
        return Regex.alt(alts);
    }

    /**
     * Canonical decimal spellings (no sign, no leading zeros) of the integers in lo..hi, lo &gt;= 0;
     * hi null means unbounded. Empty language when lo &gt; hi.
     */
    static Regex naturals(BigInteger lo, BigInteger hi) {
        if (hi != null && lo.compareTo(hi) > 0) {
            return Regex.nothing();
        }
        List<Regex> alts = new ArrayList<>();
        int loLen = lo.toString().length();
        int hiLen = hi == null ? loLen : hi.toString().length();
        for (int len = loLen; len <= hiLen; len++) {
            BigInteger floor = len == 1 ? BigInteger.ZERO : TEN.pow(len - 1);
            BigInteger ceil = TEN.pow(len).subtract(BigInteger.ONE);
            BigInteger from = lo.max(floor);
            BigInteger to = hi == null ? ceil : hi.min(ceil);
            if (from.compareTo(to) <= 0) {
                // numbers of `len` digits are at least 10^(len-1), so the first digit is never 0
                alts.add(fixedWidth(from, to, len, 10));
            }
        }
        if (hi == null) {
            // every number longer than lo is above it
            alts.add(Regex.seq(Regex.chars(digitSet(1, 9, 10)),
                    Regex.repeat(Regex.chars(digitSet(0, 9, 10)), loLen, Regex.UNBOUNDED)));
        }
        return alts.isEmpty() ? Regex.nothing() : Regex.alt(alts);
    }

    /**
     * Spellings {@code -?(0|[1-9][0-9]*)} of the integers in lo..hi (either bound null for unbounded),
     * including {@code -0} when 0 is in range.
     */
    static Regex integers(BigInteger lo, BigInteger hi) {
        List<Regex> alts = new ArrayList<>();
        boolean hasNonNegative = hi == null || hi.signum() >= 0;
        if (hasNonNegative) {
            alts.add(naturals(lo == null ? BigInteger.ZERO : lo.max(BigInteger.ZERO), hi));
        }
        boolean hasNegative = lo == null || lo.signum() < 0;
        if (hasNegative) {
            BigInteger negHi = hi == null ? BigInteger.ONE.negate() : hi.min(BigInteger.ONE.negate());
            // -x for x in |negHi| .. |lo|
            Regex mags = naturals(negHi.negate(), lo == null ? null : lo.negate());
            alts.add(Regex.seq(Regex.literal("-"), mags));
        }
        boolean zeroInRange = (lo == null || lo.signum() <= 0) && (hi == null || hi.signum() >= 0);
        if (zeroInRange) {
            alts.add(Regex.literal("-0"));
        }
        return Regex.alt(alts);
    }
}
