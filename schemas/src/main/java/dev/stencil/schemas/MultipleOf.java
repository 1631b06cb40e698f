package dev.stencil.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stencil.automata.GrammarException;
import dev.stencil.automata.regex.ByteDfa;
import dev.stencil.automata.regex.Regex;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code multipleOf} as an automaton over plain decimal spellings, exact for any positive decimal
 * divisor {@code m = a / 10^s} (a, s integers). A number {@code D.F} is a multiple of m exactly when
 * {@code D.F * 10^s / a} is an integer: the fraction has no non-zero digit past position s, and the
 * integer formed by the digits of D followed by the first s digits of F (padded with zeros) is
 * divisible by a. Reading digits left to right, the remainder modulo a is updated as {@code (10 r + d)
 * mod a}, so a automaton with {@code a * (s + 2)} states decides it. The automaton is deliberately
 * permissive about the spelling (leading zeros, an empty fraction): it is intersected with the number
 * lexeme, which fixes the JSON spelling. Like the rest of the compiler, numbers are produced in plain
 * decimal spelling (no exponent).
 *
 * <p>Divisors needing more than {@link #MAX_STATES} states fall back, for divisors of 10^4, to the
 * last-digits test; otherwise they are a compile error naming the keyword.
 */
final class MultipleOf {
    /** Cap on remainder-automaton states (each costs a 256-entry row while minimising). */
    static final int MAX_STATES = 20_000;
    /** The fallback decides divisors of 10^4 by the last digits. */
    static final int MAX_DIGITS = 4;
    private static final Regex DIGIT = dev.stencil.automata.regex.RegexParser.parse("[0-9]");

    private MultipleOf() {
    }

    /**
     * Automata every allowed spelling must also be accepted by (to be intersected with the number
     * lexeme); empty when no conjunct has {@code multipleOf}.
     */
    static List<ByteDfa> constraint(List<SchemaNode> nodes, CompilationSession session) {
        List<ByteDfa> parts = new ArrayList<>();
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
            ByteDfa r;
            try {
                if (a.multiply(BigInteger.valueOf(scale + 2L)).compareTo(BigInteger.valueOf(MAX_STATES)) <= 0) {
                    r = remainders(a.intValueExact(), scale);
                } else if (scale == 0 && BigInteger.TEN.pow(MAX_DIGITS).mod(a).signum() == 0) {
                    r = ByteDfa.compile(lastDigits(a));
                } else {
                    session.unsupported("multipleOf", s, "multipleOf " + m.asText() + " needs a remainder automaton "
                            + "of " + a + " x " + (scale + 2) + " states; at most " + MAX_STATES + " are compiled");
                    continue;
                }
            } catch (GrammarException e) {
                throw new SchemaException("multipleOf", s.pointer(), "automaton too large: " + e.getMessage(), e);
            }
            parts.add(r);
        }
        return parts;
    }

    /**
     * Spellings {@code -?[0-9]+(\.[0-9]*)?} of multiples of {@code a / 10^s}. States: 0 start, 1
     * after '-', then a block of a integer-part states (by remainder), then s + 1 blocks of fraction
     * states (by digits read, then remainder); past s fraction digits only zeros may follow.
     */
    static ByteDfa remainders(int a, int s) {
        int states = 2 + a * (s + 2);
        int[] table = new int[states * 256];
        Arrays.fill(table, -1);
        boolean[] accepting = new boolean[states];
        int intBase = 2;
        int fracBase = 2 + a;
        // 10^k mod a for k = 0..s: an integer part with remainder r stands for r * 10^(s - j) scaled
        int[] pow = new int[s + 1];
        pow[0] = 1 % a;
        for (int k = 1; k <= s; k++) {
            pow[k] = (int) ((pow[k - 1] * 10L) % a);
        }
        table['-'] = 1;
        for (int dgt = 0; dgt <= 9; dgt++) {
            table['0' + dgt] = intBase + dgt % a;
            table[256 + '0' + dgt] = intBase + dgt % a;
        }
        for (int r = 0; r < a; r++) {
            int st = intBase + r;
            for (int dgt = 0; dgt <= 9; dgt++) {
                table[st * 256 + '0' + dgt] = intBase + (int) ((r * 10L + dgt) % a);
            }
            table[st * 256 + '.'] = fracBase + r;
            accepting[st] = (r * (long) pow[s]) % a == 0;
            for (int j = 0; j <= s; j++) {
                int f = fracBase + j * a + r;
                accepting[f] = (r * (long) pow[s - j]) % a == 0;
                if (j < s) {
                    for (int dgt = 0; dgt <= 9; dgt++) {
                        table[f * 256 + '0' + dgt] = fracBase + (j + 1) * a + (int) ((r * 10L + dgt) % a);
                    }
                } else {
                    table[f * 256 + '0'] = f;
                }
            }
        }
        return ByteDfa.fromTable(states, 0, table, accepting, "multiples of " + a + "e-" + s);
    }

    /** Fallback for large integer divisors k | 10^t: the last t digits decide (with an optional zero fraction). */
    private static Regex lastDigits(BigInteger k) {
        int t = 0;
        BigInteger p = BigInteger.ONE;
        while (p.mod(k).signum() != 0) {
            p = p.multiply(BigInteger.TEN);
            t++;
        }
        int mod = p.intValueExact();
        int step = k.intValueExact();
        List<Regex> alts = new ArrayList<>();
        for (int r = 0; r < mod; r += step) {
            String padded = String.format("%0" + t + "d", r);
            alts.add(Regex.seq(Regex.star(DIGIT), Regex.literal(padded)));
            alts.add(Regex.literal(Integer.toString(r)));
        }
        return Regex.seq(Regex.optional(Regex.literal("-")), Regex.alt(alts),
                Regex.optional(Regex.seq(Regex.literal("."), Regex.star(Regex.literal("0")))));
    }
}
