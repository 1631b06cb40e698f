package dev.stencil.automata.regex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Product constructions against the oracle: intersection is ∧, union is ∨ and
 * {@code complementWithin(u)} is u ∧ ¬this of java.util.regex matches, on random strings.
 */
class ByteDfaOperationsTest {
    /** ECMA pattern and Java equivalent. */
    private static final List<String[]> PATTERNS = List.of(
            new String[] {"[a-c]*", "[a-c]*"},
            new String[] {"a+b?", "a+b?"},
            new String[] {"(ab)*", "(ab)*"},
            new String[] {"[^a]{1,3}", "[^a]{1,3}"},
            new String[] {".{2,4}", "[^\\n\\r\\x{2028}\\x{2029}]{2,4}"},
            new String[] {"\\p{L}+", "\\p{L}+"},
            new String[] {"[\\u{1F600}-\\u{1F64F}]|\u00e9", "[\\x{1F600}-\\x{1F64F}]|\u00e9"},
            new String[] {"\\d*", "\\d*"},
            new String[] {"[^]{0,3}", "(?s:.){0,3}"},
            new String[] {"[^]*", "(?s:.)*"});

    private static final List<String> ALPHABET = List.of("a", "b", "c", "1", "\n", "\u00e9", "\u20ac",
            "\uD83D\uDE00", "\uD83D\uDE50");

    @Provide
    Arbitrary<Integer> index() {
        return Arbitraries.integers().between(0, PATTERNS.size() - 1);
    }

    @Provide
    Arbitrary<String> strings() {
        return Arbitraries.of(ALPHABET).list().ofMaxSize(6).map(l -> String.join("", l));
    }

    private static final List<ByteDfa> DFAS = PATTERNS.stream()
            .map(p -> ByteDfa.compile(RegexParser.parse(p[0]))).toList();
    private static final List<Pattern> JAVA = PATTERNS.stream().map(p -> Pattern.compile(p[1])).toList();
    private static final ByteDfa ANY_STRING = ByteDfa.compile(RegexParser.parse("[^]*"));

    private static ByteDfa dfa(int i) {
        return DFAS.get(i);
    }

    private static boolean java(int i, String s) {
        return JAVA.get(i).matcher(s).matches();
    }

    /** intersect, union, complementWithin of each ordered pair, computed once. */
    private static final Map<List<Integer>, ByteDfa[]> PRODUCTS = new ConcurrentHashMap<>();

    private static ByteDfa[] products(int i, int j) {
        return PRODUCTS.computeIfAbsent(List.of(i, j), k -> new ByteDfa[] {
            dfa(i).intersect(dfa(j)), dfa(i).union(dfa(j)), dfa(i).complementWithin(dfa(j))});
    }

    @Property(tries = 1500)
    void productsAgreeWithTheOracle(@ForAll("index") int i, @ForAll("index") int j, @ForAll("strings") String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        ByteDfa[] products = products(i, j);
        boolean ja = java(i, s);
        boolean jb = java(j, s);
        assertEquals(ja && jb, products[0].matches(utf8), "intersect");
        assertEquals(ja || jb, products[1].matches(utf8), "union");
        assertEquals(jb && !ja, products[2].matches(utf8), "complementWithin");
    }

    @Property(tries = 100)
    void productsAreTrimmedAndMinimal(@ForAll("index") int i, @ForAll("index") int j) {
        for (ByteDfa r : products(i, j)) {
            assertTrue(r.isEmptyLanguage() || DfaTestSupport.allStatesLive(r), r::toString);
            assertEquals(DfaTestSupport.mooreStateCount(r), r.stateCount(), r::toString);
        }
    }

    @Property(tries = 100)
    void algebraicLaws(@ForAll("anyRegex") Regex x, @ForAll("anyRegex") Regex y) {
        ByteDfa universe = ANY_STRING;
        ByteDfa a = RandomRegexTest.compileOrSkip(x);
        ByteDfa b = RandomRegexTest.compileOrSkip(y);
        assertEquals(a, a.complementWithin(universe).complementWithin(universe));
        assertEquals(a.union(b).complementWithin(universe),
                a.complementWithin(universe).intersect(b.complementWithin(universe)));
        assertEquals(RandomRegexTest.compileOrSkip(Regex.alt(x, y)), a.union(b));
        assertEquals(a, a.intersect(a));
        assertTrue(a.complementWithin(a).isEmptyLanguage());
    }

    @Provide
    Arbitrary<Regex> anyRegex() {
        return RandomRegexTest.regexes();
    }

    @Example
    void patternWithLengthBounds() {
        // what the JSON Schema compiler does for {pattern: "[a-z]+", minLength: 2, maxLength: 3}
        ByteDfa pattern = ByteDfa.compile(RegexParser.parse("[a-z\u00e9]+"));
        ByteDfa length = ByteDfa.compile(RegexParser.parse("[^]{2,3}"));
        ByteDfa both = pattern.intersect(length);
        assertEquals(ByteDfa.compile(RegexParser.parse("[a-z\u00e9]{2,3}")), both);
        assertTrue(both.matches("\u00e9\u00e9".getBytes(StandardCharsets.UTF_8)));
        ByteDfa not = pattern.complementWithin(ByteDfa.compile(RegexParser.parse("[^]*")));
        assertTrue(not.matches("".getBytes(StandardCharsets.UTF_8)));
        assertTrue(not.matches("A".getBytes(StandardCharsets.UTF_8)));
        assertEquals(not, not.intersect(DfaTestSupport.utf8Validator()), "complement stays inside UTF-8");
    }
}
