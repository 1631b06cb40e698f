package dev.stencil.automata.regex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.GrammarException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Random regex trees over a small alphabet of 1- to 4-byte code points, checked against the
 * naive matcher in {@link DfaTestSupport}, against naive Moore minimisation, and through a
 * print-and-reparse round trip.
 */
class RandomRegexTest {
    /** a, b (ASCII), é (2 bytes), € (3 bytes), 😀 (4 bytes). */
    private static final List<String> ALPHABET = List.of("a", "b", "\u00e9", "\u20ac", "\uD83D\uDE00");

    static Arbitrary<Regex> regexes() {
        return regexes(3);
    }

    private static Arbitrary<Regex> regexes(int depth) {
        Arbitrary<Regex> leaf = Arbitraries.oneOf(
                Arbitraries.of(ALPHABET).map(Regex::literal),
                Arbitraries.of(ALPHABET).set().ofMinSize(1).ofMaxSize(3)
                        .map(s -> Regex.chars(CodePointSet.ofCodePoints(String.join("", s)))),
                Arbitraries.of(ALPHABET).set().ofMaxSize(2)
                        .map(s -> Regex.chars(CodePointSet.ofCodePoints(String.join("", s)).complement())),
                Arbitraries.of(Regex.empty(), Regex.nothing()));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<Regex> sub = regexes(depth - 1);
        return Arbitraries.frequencyOf(
                Tuple.of(3, leaf),
                Tuple.of(2, sub.list().ofMinSize(2).ofMaxSize(3).map(Regex::seq)),
                Tuple.of(2, sub.list().ofMinSize(2).ofMaxSize(3).map(Regex::alt)),
                Tuple.of(2, Combinators.combine(sub, Arbitraries.integers().between(0, 2),
                        Arbitraries.integers().between(-1, 2)).as((r, min, extra) ->
                                Regex.repeat(r, min, extra < 0 ? Regex.UNBOUNDED : min + extra))));
    }

    /**
     * Compiles, skipping the try if the automaton hits the state cap: nested counted repetitions
     * of overlapping sets can legitimately need exponentially many states.
     */
    static ByteDfa compileOrSkip(Regex r) {
        try {
            return ByteDfa.compile(r);
        } catch (GrammarException e) {
            Assume.that(false);
            throw e;
        }
    }

    @Provide
    Arbitrary<Regex> anyRegex() {
        return regexes();
    }

    @Provide
    Arbitrary<String> strings() {
        return Arbitraries.of(ALPHABET).list().ofMaxSize(7).map(l -> String.join("", l));
    }

    @Property(tries = 1500)
    void dfaAgreesWithTheNaiveMatcher(@ForAll("anyRegex") Regex r, @ForAll("strings") String s) {
        ByteDfa dfa = compileOrSkip(r);
        assertEquals(DfaTestSupport.referenceMatches(r, s), dfa.matches(s.getBytes(StandardCharsets.UTF_8)),
                () -> r + " on " + s);
        assertEquals(r.matchesEmpty(), dfa.acceptsEmpty());
    }

    @Property(tries = 400)
    void dfaIsTrimmedAndMinimal(@ForAll("anyRegex") Regex r) {
        ByteDfa dfa = compileOrSkip(r);
        if (dfa.isEmptyLanguage()) {
            assertEquals(1, dfa.stateCount());
            return;
        }
        assertTrue(DfaTestSupport.allStatesLive(dfa), () -> r + " has dead states");
        assertEquals(DfaTestSupport.mooreStateCount(dfa), dfa.stateCount(), () -> r + " is not minimal");
    }

    @Property(tries = 400)
    void printedRegexDenotesTheSameLanguage(@ForAll("anyRegex") Regex r) {
        String printed = r.toString();
        assertEquals(compileOrSkip(r), ByteDfa.compile(RegexParser.parse(printed)), () -> r + " printed as " + printed);
    }
}
