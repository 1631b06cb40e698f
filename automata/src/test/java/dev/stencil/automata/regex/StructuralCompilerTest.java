package dev.stencil.automata.regex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.GrammarException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The direct constructions of {@link StructuralCompiler} (chains for counted repetition, merged
 * concatenation, union products) and the linear minimisation of acyclic automata
 * ({@link AcyclicMinimizer}), each checked against the general route: Thompson NFA, subset
 * construction and Hopcroft. Minimal DFAs are numbered canonically, so equal {@link ByteDfa}s mean
 * equal languages.
 */
class StructuralCompilerTest {
    private static final int CAP = 20_000;

    /** Composed wherever possible. */
    private static ByteDfa structural(Regex r) {
        return ByteDfa.compile(r, CAP, 0);
    }

    /** Subset construction only. */
    private static ByteDfa general(Regex r) {
        return ByteDfa.compile(r, CAP, Long.MAX_VALUE);
    }

    private static void assertSameLanguage(Regex r) {
        ByteDfa expected;
        try {
            expected = general(r);
        } catch (GrammarException e) {
            Assume.that(false);
            return;
        }
        ByteDfa actual;
        try {
            actual = structural(r);
        } catch (GrammarException e) {
            Assume.that(false);
            return;
        }
        assertEquals(expected, actual, () -> r.toString());
        assertEquals(expected.hashCode(), actual.hashCode(), () -> r.toString());
    }

    @Property(tries = 1500)
    void composedAutomatonEqualsSubsetConstruction(@ForAll("smallCounts") Regex r) {
        assertSameLanguage(r);
    }

    @Property(tries = 300)
    void composedAutomatonEqualsSubsetConstructionForLargerCounts(@ForAll("largerCounts") Regex r) {
        assertSameLanguage(r);
    }

    /** Random trees over a tiny alphabet, counts 0..2 and unbounded (as in {@link RandomRegexTest}). */
    @Provide
    Arbitrary<Regex> smallCounts() {
        return RandomRegexTest.regexes();
    }

    /**
     * Counted repetitions up to 12 of bodies that are prefix-free or nearly so: literals, sets,
     * alternations of words where one may be a prefix of another, escapes in the style of JSON.
     */
    @Provide
    Arbitrary<Regex> largerCounts() {
        Arbitrary<Regex> word = Arbitraries.of("a", "b", "ab", "ba", "aab", "\u00e9", "\\u", "\uD83D\uDE00", "")
                .map(Regex::literal);
        Arbitrary<Regex> set = Arbitraries.of("ab", "a\u00e9", "\u20ac\uD83D\uDE00", "b")
                .map(s -> Regex.chars(CodePointSet.ofCodePoints(s)));
        Arbitrary<Regex> atom = Arbitraries.oneOf(word, set,
                Arbitraries.of(Regex.chars(CodePointSet.ofCodePoints("\"\\").complement())));
        Arbitrary<Regex> body = Arbitraries.frequencyOf(
                Tuple.of(2, atom),
                Tuple.of(3, atom.list().ofMinSize(2).ofMaxSize(3).map(Regex::alt)),
                Tuple.of(2, atom.list().ofMinSize(2).ofMaxSize(3).map(Regex::seq)),
                Tuple.of(1, atom.map(Regex::star).flatMap(s -> atom.map(a -> Regex.seq(s, a)))));
        Arbitrary<Regex> counted = Combinators.combine(body, Arbitraries.integers().between(0, 6),
                Arbitraries.integers().between(-1, 6)).as((b, min, extra) ->
                        Regex.repeat(b, min, extra < 0 ? Regex.UNBOUNDED : min + extra));
        return Arbitraries.oneOf(counted, Combinators.combine(atom, counted, atom).as(Regex::seq),
                Combinators.combine(counted, counted).as(Regex::seq),
                Combinators.combine(counted, counted).as(Regex::alt));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        // prefix-free bodies: direct chains
        "x{3,7}", "(?:ab|c){0,9}", "(?:ab|c){4,}", "[^\\x00-\\x7F]{2,5}", "(?:\\\\u[0-9a-fA-F]{4}|[^\"\\\\]){1,8}",
        // body whose start is re-entered mid-body (a*b): the entry of a copy must not be the body's start
        "(?:a*b){2,4}", "(?:a*b){0,3}", "(?:a*b){2,}", "(?:[ab]*c){1,3}d",
        // bodies that are not prefix-free or accept the empty string: must fall back
        "(?:a|ab){2,5}", "(?:ab?){1,4}", "(?:a*){2,3}", "(?:a?b?){0,4}", "(?:a|aa){3}",
        // concatenations whose junction competes (a continues or starts what follows) or does not
        "a*ab", "a*b", "(?:ab){2,3}(?:a|b)", "x{2,4}x{1,2}", "(?:\"|x{1,3})y{0,2}\"",
        // alternations of chains
        "x{1,3}|y{2,4}|xy{0,2}", "(?:x{2,5}|x{3,4}){1,2}"})
    void patternsCompileToTheSameAutomatonBothWays(String pattern) {
        Regex r = RegexParser.parse(pattern);
        assertEquals(general(r), structural(r), pattern);
    }

    /** One code point in every JSON spelling, as the schema compiler writes it (a prefix-free body). */
    private static Regex jsonChar() {
        Regex hex = Regex.chars(CodePointSet.ofCodePoints("0123456789abcdefABCDEF"));
        return Regex.alt(
                Regex.chars(CodePointSet.ofCodePoints("\"\\").union(CodePointSet.of(0, 0x1F)).complement()),
                Regex.seq(Regex.literal("\\"), Regex.chars(CodePointSet.ofCodePoints("\"\\/bfnrt"))),
                Regex.seq(Regex.literal("\\u"), Regex.repeat(hex, 4, 4)));
    }

    private static Regex quotedLength(int min, int max) {
        return Regex.seq(Regex.literal("\""), Regex.repeat(jsonChar(), min, max), Regex.literal("\""));
    }

    @ParameterizedTest
    @CsvSource({"0,0", "0,1", "1,1", "2,5", "0,7", "3,", "0,"})
    void lengthBoundsAreExactAtTheirEdges(int min, Integer maxOrNull) {
        int max = maxOrNull == null ? Regex.UNBOUNDED : maxOrNull;
        Regex r = quotedLength(min, max);
        ByteDfa dfa = structural(r);
        assertEquals(general(r), dfa);
        String[] spellings = {"x", "\\n", "\\u00e9", "\u00e9", "\uD83D\uDE00"};
        int top = max == Regex.UNBOUNDED ? min + 4 : max + 2;
        for (int count = 0; count <= top; count++) {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < count; i++) {
                body.append(spellings[i % spellings.length]);
            }
            boolean expected = count >= min && (max == Regex.UNBOUNDED || count <= max);
            String text = "\"" + body + "\"";
            assertEquals(expected, dfa.matches(text.getBytes(StandardCharsets.UTF_8)), text);
            String unterminated = "\"" + body + "\\u00e\"";
            assertEquals(false, dfa.matches(unterminated.getBytes(StandardCharsets.UTF_8)), unterminated);
        }
    }

    @Test
    void largeJsonLengthBoundIsComposedAndMinimal() {
        Regex r = quotedLength(3, 300);
        ByteDfa composed = ByteDfa.compile(r);
        assertEquals(general(r), composed);
        assertEquals(DfaTestSupport.mooreStateCount(composed), composed.stateCount());
        assertTrue(DfaTestSupport.allStatesLive(composed));
    }

    @Test
    void oversizedChainIsReportedWithThePattern() {
        GrammarException e = assertThrows(GrammarException.class,
                () -> ByteDfa.compile(Regex.repeat(jsonChar(), 0, 1_000_000)));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
        assertTrue(e.getMessage().contains("{0,1000000}"), e.getMessage());
    }

    /** Acyclic automata (no star) with dead states: the linear minimiser must agree with Hopcroft's. */
    @Property(tries = 500)
    void acyclicMinimisationAgreesWithRefinement(@ForAll("smallCounts") Regex a, @ForAll("smallCounts") Regex b) {
        DfaTable left;
        DfaTable right;
        try {
            left = StructuralCompiler.compile(a, CAP, 10 * CAP, () -> "a", Long.MAX_VALUE);
            right = StructuralCompiler.compile(b, CAP, 10 * CAP, () -> "b", Long.MAX_VALUE);
        } catch (GrammarException e) {
            Assume.that(false);
            return;
        }
        // the raw product of an intersection keeps pairs that cannot accept: dead states to drop
        DfaTable product = ProductConstruction.product(left, right, ProductConstruction.Mode.INTERSECTION, CAP,
                () -> "a ∩ b");
        for (DfaTable raw : List.of(left, product)) {
            DfaTable fast = DfaMinimizer.minimize(raw);
            DfaTable slow = DfaMinimizer.minimizeByRefinement(raw);
            assertEquals(slow.stateCount, fast.stateCount, () -> a + " / " + b);
            assertArrayEquals(slow.accepting, fast.accepting);
            assertArrayEquals(slow.table, fast.table, () -> a + " / " + b);
        }
    }

    @Test
    void acyclicShortcutTakesAcyclicAutomataOnly() {
        DfaTable cyclic = StructuralCompiler.compile(RegexParser.parse("a(?:bc)*d"), CAP, 10 * CAP, () -> "c",
                Long.MAX_VALUE);
        assertEquals(null, AcyclicMinimizer.minimizeIfAcyclic(cyclic));
        DfaTable acyclic = StructuralCompiler.compile(RegexParser.parse("a(?:bc){0,3}d"), CAP, 10 * CAP, () -> "c",
                Long.MAX_VALUE);
        assertNotNull(AcyclicMinimizer.minimizeIfAcyclic(acyclic));
    }
}
