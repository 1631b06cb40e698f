package dev.stencil.schemas;

import dev.stencil.automata.regex.ByteDfa;
import dev.stencil.automata.regex.Regex;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Exact byte automata for numbers in an interval with decimal bounds, compared digit by digit
 * (never through floating point). The numbers are spelled in plain decimal notation
 * {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?}: an exponent spelling is not produced under a bound (a
 * documented restriction: stricter than the schema, never looser).
 */
final class DecimalBounds {
    private DecimalBounds() {
    }

    /** Plain decimal spellings of the numbers within {@code b}. */
    static ByteDfa automaton(NumberBounds b) {
        ByteDfa d = ByteDfa.compile(Regex.seq(Regex.optional(Regex.literal("-")), magnitudeAtLeast(BigDecimal.ZERO)));
        if (b.lower() != null) {
            d = d.intersect(atLeast(b.lower()));
            if (b.lowerExclusive()) {
                d = equal(b.lower()).complementWithin(d);
            }
        }
        if (b.upper() != null) {
            d = d.intersect(atMost(b.upper()));
            if (b.upperExclusive()) {
                d = equal(b.upper()).complementWithin(d);
            }
        }
        return d;
    }

    private static ByteDfa atLeast(BigDecimal l) {
        if (l.signum() >= 0) {
            Regex r = magnitudeAtLeast(l);
            if (l.signum() == 0) {
                r = Regex.alt(r, Regex.seq(Regex.literal("-"), magnitudeAtMost(BigDecimal.ZERO)));
            }
            return ByteDfa.compile(r);
        }
        return ByteDfa.compile(Regex.alt(magnitudeAtLeast(BigDecimal.ZERO),
                Regex.seq(Regex.literal("-"), magnitudeAtMost(l.negate()))));
    }

    private static ByteDfa atMost(BigDecimal u) {
        if (u.signum() >= 0) {
            return ByteDfa.compile(Regex.alt(Regex.seq(Regex.literal("-"), magnitudeAtLeast(BigDecimal.ZERO)),
                    magnitudeAtMost(u)));
        }
        return ByteDfa.compile(Regex.seq(Regex.literal("-"), magnitudeAtLeast(u.negate())));
    }

    private static ByteDfa equal(BigDecimal v) {
        Regex m = magnitudeEqual(v.abs());
        if (v.signum() == 0) {
            return ByteDfa.compile(Regex.seq(Regex.optional(Regex.literal("-")), m));
        }
        return ByteDfa.compile(v.signum() < 0 ? Regex.seq(Regex.literal("-"), m) : m);
    }

    private static Regex digits(int lo, int hi) {
        return Regex.chars(DigitRanges.digitSet(lo, hi, 10));
    }

    private static Regex anyDigits() {
        return Regex.star(digits(0, 9));
    }

    /** Integer part and fraction digits (trailing zeros stripped, may be empty) of a >= 0. */
    private static String[] split(BigDecimal a) {
        String plain = a.stripTrailingZeros().toPlainString();
        int dot = plain.indexOf('.');
        return dot < 0 ? new String[] {plain, ""} : new String[] {plain.substring(0, dot), plain.substring(dot + 1)};
    }

    /** Unsigned spellings with value >= a (a >= 0). */
    static Regex magnitudeAtLeast(BigDecimal a) {
        String[] p = split(a);
        BigInteger ip = new BigInteger(p[0]);
        String f = p[1];
        Regex anyFraction = Regex.optional(Regex.seq(Regex.literal("."), Regex.plus(digits(0, 9))));
        Regex bigger = Regex.seq(DigitRanges.naturals(ip.add(BigInteger.ONE), null), anyFraction);
        Regex fracAtLeast;
        if (f.isEmpty()) {
            fracAtLeast = anyFraction;
        } else {
            List<Regex> alts = new ArrayList<>();
            for (int i = 0; i < f.length(); i++) {
                int fi = f.charAt(i) - '0';
                if (fi < 9) {
                    alts.add(Regex.seq(Regex.literal(f.substring(0, i)), digits(fi + 1, 9), anyDigits()));
                }
            }
            alts.add(Regex.seq(Regex.literal(f), anyDigits()));
            fracAtLeast = Regex.seq(Regex.literal("."), Regex.alt(alts));
        }
        return Regex.alt(bigger, Regex.seq(Regex.literal(p[0]), fracAtLeast));
    }

    /** Unsigned spellings with value <= a (a >= 0). */
    static Regex magnitudeAtMost(BigDecimal a) {
        String[] p = split(a);
        BigInteger ip = new BigInteger(p[0]);
        String f = p[1];
        Regex anyFraction = Regex.optional(Regex.seq(Regex.literal("."), Regex.plus(digits(0, 9))));
        List<Regex> outer = new ArrayList<>();
        if (ip.signum() > 0) {
            outer.add(Regex.seq(DigitRanges.naturals(BigInteger.ZERO, ip.subtract(BigInteger.ONE)), anyFraction));
        }
        List<Regex> frac = new ArrayList<>();
        for (int i = 0; i < f.length(); i++) {
            int fi = f.charAt(i) - '0';
            if (fi > 0) {
                frac.add(Regex.seq(Regex.literal(f.substring(0, i)), digits(0, fi - 1), anyDigits()));
            }
        }
        // a prefix of f padded with zeros is at most f; at least one fraction digit after the dot
        frac.add(Regex.plus(Regex.literal("0")));
        for (int j = 1; j <= f.length(); j++) {
            frac.add(Regex.seq(Regex.literal(f.substring(0, j)), Regex.star(Regex.literal("0"))));
        }
        outer.add(Regex.seq(Regex.literal(p[0]), Regex.optional(Regex.seq(Regex.literal("."), Regex.alt(frac)))));
        return Regex.alt(outer);
    }

    /** Unsigned spellings with value exactly a (a >= 0): trailing fraction zeros allowed. */
    static Regex magnitudeEqual(BigDecimal a) {
        String[] p = split(a);
        Regex zeros = Regex.optional(Regex.seq(Regex.literal("."), Regex.plus(Regex.literal("0"))));
        if (p[1].isEmpty()) {
            return Regex.seq(Regex.literal(p[0]), zeros);
        }
        return Regex.seq(Regex.literal(p[0] + "." + p[1]), Regex.star(Regex.literal("0")));
    }
}
