package dev.stencil.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stencil.automata.regex.Regex;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code multipleOf} as a regex over number spellings, in the forms where a finite automaton is
 * exact: a divisor {@code k = 2^i 5^j} (with {@code k | 10^t}, t at most {@link #MAX_DIGITS}) is decided by
 * the last t digits of an integer, and a divisor {@code 10^-s} on numbers by the fraction having no
 * non-zero digit past position s. Other divisors (say 3 or 0.25 on numbers) need arithmetic a regex
 * over unbounded spellings cannot do here, so they are a compile error naming the keyword. Like the
 * rest of the compiler, numbers are produced in plain decimal spelling (no exponent).
 */
final class MultipleOf {
    /** Divisors up to 10^4 (k | 10^4): at most 10^4 residue alternatives. */
    static final int MAX_DIGITS = 4;
    private static final Regex DIGIT = dev.stencil.automata.regex.RegexParser.parse("[0-9]");
    private static final Regex NONZERO = dev.stencil.automata.regex.RegexParser.parse("[1-9]");

    private MultipleOf() {
    }

    /**
     * The regexes every allowed spelling must also match (to be intersected with the number lexeme);
     * empty when the divisors of {@code nodes} constrain nothing.
     *
     * @param integerOnly whether the value is an integer (type integer) anyway
     */
    static List<Regex> constraint(List<SchemaNode> nodes, boolean integerOnly, CompilationSession session) {
        List<Regex> parts = new ArrayList<>();
        for (SchemaNode s : nodes) {
            JsonNode m = s.get("multipleOf");
            if (m == null || !m.isNumber()) {
                continue;
            }
            BigDecimal d = m.decimalValue().stripTrailingZeros();
            if (d.signum() <= 0) {
                throw new SchemaException("multipleOf", s.pointer(), "must be greater than 0");
            }
            BigInteger a = d.scale() < 0 ? d.toBigIntegerExact() : d.unscaledValue();
            int scale = Math.max(0, d.scale());
            Regex r;
            if (integerOnly) {
                // x * 10^s must be a multiple of a: x a multiple of a / gcd(a, 10^s)
                BigInteger k = a.divide(a.gcd(BigInteger.TEN.pow(scale)));
                r = integerMultiples(k, s, session);
            } else if (scale == 0) {
                r = integerMultiples(a, s, session);
                if (r != null) {
                    r = Regex.seq(r, Regex.optional(Regex.seq(Regex.literal("."), Regex.plus(Regex.literal("0")))));
                } else {
                    r = Regex.seq(integerSpelling(), Regex.optional(Regex.seq(Regex.literal("."),
                            Regex.plus(Regex.literal("0")))));
                }
            } else if (a.equals(BigInteger.ONE)) {
                // at most `scale` significant fraction digits, then only zeros
                r = Regex.seq(integerSpelling(), Regex.optional(Regex.seq(Regex.literal("."),
                        Regex.repeat(DIGIT, 1, scale), Regex.star(Regex.literal("0")))));
            } else {
                session.unsupported("multipleOf", s, "multipleOf " + m.asText() + " on non-integers is only "
                        + "compiled for powers of ten (such as 0.01) and integers");
                continue;
            }
            if (r != null) {
                parts.add(r);
            }
        }
        return parts;
    }

    private static Regex integerSpelling() {
        return Regex.seq(Regex.optional(Regex.literal("-")), Regex.alt(Regex.literal("0"),
                Regex.seq(NONZERO, Regex.star(DIGIT))));
    }

    /** Spellings of integers that are multiples of k (k | 10^t), or null when k is 1. */
    private static Regex integerMultiples(BigInteger k, SchemaNode s, CompilationSession session) {
        if (k.equals(BigInteger.ONE)) {
            return null;
        }
        int t = 0;
        BigInteger p = BigInteger.ONE;
        while (t <= MAX_DIGITS && p.mod(k).signum() != 0) {
            p = p.multiply(BigInteger.TEN);
            t++;
        }
        if (t > MAX_DIGITS) {
            session.unsupported("multipleOf", s, "multipleOf " + k + " is only compiled for divisors of 10^"
                    + MAX_DIGITS + " (such as 2, 5, 25 or 1000)");
            return null;
        }
        int mod = p.intValueExact();
        int step = k.intValueExact();
        List<Regex> alts = new ArrayList<>();
        for (int r = 0; r < mod; r += step) {
            String padded = String.format("%0" + t + "d", r);
            // a long integer ending in the residue's t digits, or the residue itself written short
            alts.add(Regex.seq(Regex.star(DIGIT), Regex.literal(padded)));
            alts.add(Regex.literal(Integer.toString(r)));
        }
        // the lexeme this is intersected with already fixes the canonical spelling (no leading zeros)
        return Regex.seq(Regex.optional(Regex.literal("-")), Regex.alt(alts));
    }
}
