package dev.stencil.automata.regex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Compiled DFAs agree with {@link java.util.regex.Pattern} (full match) on the UTF-8 encoding of
 * strings: random strings over an alphabet mixing each pattern's own characters with 1- to 4-byte
 * code points, members generated from the regex tree, near misses derived from those members,
 * and strings sampled by walking the DFA itself. Where the ECMAScript syntax means something else
 * in Java (\s, ., <code>&#92;u{..}</code>, \v, long property names) the Java
 * equivalent is written alongside.
 */
class JavaRegexOracleTest {
    /** ECMA-262 \s spelled out for java.util.regex, whose \s is ASCII-only. */
    private static final String JAVA_WS = "\\t\\n\\x0B\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}"
            + "\\x{202f}\\x{205f}\\x{3000}\\x{feff}";
    /** ECMA-262 '.' for java.util.regex, whose '.' also excludes U+0085. */
    private static final String JAVA_DOT = "[^\\n\\r\\x{2028}\\x{2029}]";

    record Case(String ecma, String java) {
        @Override
        public String toString() {
            return ecma;
        }
    }

    private static Case p(String ecma) {
        return new Case(ecma, ecma);
    }

    private static Case p(String ecma, String java) {
        return new Case(ecma, java);
    }

    static final List<Case> PATTERNS = List.of(
            p("abc"),
            p("a|b|c"),
            p("(a|b)*abb"),
            p("[a-z]+"),
            p("[^a-z]*"),
            p("[^abc]+x"),
            p("\\d{2,4}"),
            p("\\D+"),
            p("\\w+"),
            p("\\W*"),
            p("\\s+", "[" + JAVA_WS + "]+"),
            p("\\S+", "[^" + JAVA_WS + "]+"),
            p("[\\d\\s]+", "[0-9" + JAVA_WS + "]+"),
            p(".*", JAVA_DOT + "*"),
            p("a.c", "a" + JAVA_DOT + "c"),
            p("[^]*", "(?s:.)*"),
            p("[\\s\\S]{2}", "(?s:.){2}"),
            p("[\\u{1F600}-\\u{1F64F}]+", "[\\x{1F600}-\\x{1F64F}]+"),
            p("[^\\u{1F600}-\\u{1F64F}]+", "[^\\x{1F600}-\\x{1F64F}]+"),
            p("x[\\u{1F600}-\\u{1F64F}a]?y", "x[\\x{1F600}-\\x{1F64F}a]?y"),
            p("[\\u0080-\\u07FF]+"),
            p("[\\u0800-\\uFFFF]*"),
            p("[\\u{10000}-\\u{10FFFF}]{1,2}", "[\\x{10000}-\\x{10FFFF}]{1,2}"),
            p("[a-z\u00e9\u20ac\uD83D\uDE00]{1,3}"),
            p("\u00e9+\u20ac*\uD83D\uDE00?"),
            p("\\u{1F600}\\u{1F601}*", "\\x{1F600}\\x{1F601}*"),
            p("\\uD83D\\uDE00+", "\\x{1F600}+"),
            p("\\p{L}+"),
            p("\\P{L}+"),
            p("\\p{Lu}\\p{Ll}*"),
            p("\\p{Lt}|\\p{Lm}|\\p{Lo}"),
            p("\\p{N}+"),
            p("\\p{Nd}|\\p{Nl}|\\p{No}"),
            p("[\\p{P}\\p{S}]+"),
            p("\\p{Z}*x"),
            p("[^\\p{L}\\d]+"),
            p("\\P{N}?\\p{Letter}", "\\P{N}?\\p{L}"),
            p("\\p{Script=Greek}+", "\\p{IsGreek}+"),
            p("x(?:\\p{Lo}|\\p{Lm})?y"),
            p("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?"),
            p("\"([^\"\\\\\\x00-\\x1f]|\\\\([\"\\\\/bfnrt]|u[0-9a-fA-F]{4}))*\""),
            p("[0-9a-f]{1,8}"),
            p("(ab|a)(bc|c)?"),
            p("(?:x|y){2,}z?"),
            p("(?<year>\\d{4})-(?<month>\\d{2})"),
            p("a{0}b"),
            p("(a*)*b"),
            p("(|a)+b"),
            p("a+?b*?c??d{1,2}?"),
            p("\\x41\\u0042\\u{43}", "\\x41\\u0042\\x{43}"),
            p("[\\n\\r\\t\\f\\v]+", "[\\n\\r\\t\\f\\x0B]+"),
            p("[\\0-\\x1F]", "[\\x00-\\x1F]"),
            p("\\/\\\\\\.\\-", "/\\\\\\.-"),
            p("[.*+?^${}()|\\[\\]\\\\]+", "[.*+?^$\\{\\}()|\\[\\]\\\\]+"),
            p("[\\w-]+"),
            p("[^\\x00-\\x7F]+"),
            p("a{2}{", "a{2}\\{"),
            p("x{,3}", "x\\{,3\\}"));

    /** Code points of every UTF-8 length, line terminators, categories the patterns name, edges. */
    private static final List<String> BASE_ALPHABET = List.of(
            "a", "b", "c", "x", "y", "z", "A", "Z", "0", "1", "9", "-", ".", "e", "E", "+", "\"", "\\", "/",
            "u", "f", "_", " ", "\t", "\n", "\r", "\u000B", "\u0000", "\u001F", "\u007F",
            "\u00e9", "\u00df", "\u03a9", "\u03b1", "\u0085", "\u00a0", "\u01c5", "\u02b0", "\u00bd", "\u0663",
            "\u07FF", "\u0800", "\u20ac", "\u4e2d", "\u2028", "\u3000", "\ufeff", "\uffff", "\ue000", "\u2163",
            "\uD83D\uDE00", "\uD83D\uDE01", "\uD83D\uDE4F", "\uD83D\uDE50", "\uD800\uDC00", "\uDBFF\uDFFF",
            "\uD835\uDD38");

    private record Compiled(ByteDfa dfa, Pattern java, Regex regex, int[] dist) {
    }

    private static final Map<Case, Compiled> CACHE = new ConcurrentHashMap<>();

    private static Compiled compiled(Case c) {
        return CACHE.computeIfAbsent(c, k -> {
            Regex regex = RegexParser.parse(k.ecma());
            ByteDfa dfa = ByteDfa.compile(regex);
            return new Compiled(dfa, Pattern.compile(k.java()), regex, DfaTestSupport.distanceToAccept(dfa));
        });
    }

    private static List<String> alphabet(Case c) {
        Set<String> tokens = new LinkedHashSet<>(BASE_ALPHABET);
        c.ecma().codePoints().forEach(cp -> tokens.add(new String(Character.toChars(cp))));
        return new ArrayList<>(tokens);
    }

    private static void assertAgrees(Case c, String s) {
        Compiled k = compiled(c);
        boolean expected = k.java().matcher(s).matches();
        boolean actual = k.dfa().matches(s.getBytes(StandardCharsets.UTF_8));
        assertEquals(expected, actual, () -> "pattern " + c.ecma() + " on \"" + s + "\" ("
                + DfaTestSupport.hex(s.getBytes(StandardCharsets.UTF_8)) + ")");
    }

    @Provide
    Arbitrary<Case> patterns() {
        return Arbitraries.of(PATTERNS);
    }

    /** One pattern and one input string. */
    record Sample(Case pattern, String input) {
    }

    @Provide
    Arbitrary<Sample> randomStrings() {
        return patterns().flatMap(c -> Arbitraries.of(alphabet(c)).list().ofMaxSize(10)
                .map(tokens -> new Sample(c, String.join("", tokens))));
    }

    @Property(tries = 6000)
    void agreesWithJavaOnRandomStrings(@ForAll("randomStrings") Sample sample) {
        assertAgrees(sample.pattern(), sample.input());
    }

    @Property(tries = 3000)
    void acceptsMembersGeneratedFromTheRegex(@ForAll("patterns") Case c, @ForAll long seed) {
        Compiled k = compiled(c);
        String s = DfaTestSupport.generate(k.regex(), new Random(seed));
        assertTrue(k.java().matcher(s).matches(), () -> "generator bug or Java disagrees: " + s);
        assertAgrees(c, s);
    }

    @Property(tries = 3000)
    void agreesWithJavaOnNearMisses(@ForAll("patterns") Case c, @ForAll long seed) {
        Compiled k = compiled(c);
        Random random = new Random(seed);
        int[] cps = DfaTestSupport.generate(k.regex(), random).codePoints().toArray();
        List<String> alphabet = alphabet(c);
        StringBuilder sb = new StringBuilder();
        int edit = cps.length == 0 ? 0 : random.nextInt(cps.length + 1);
        for (int i = 0; i <= cps.length; i++) {
            if (i == edit) {
                // insert, replace or delete one code point
                switch (random.nextInt(3)) {
                    case 0 -> sb.append(alphabet.get(random.nextInt(alphabet.size())));
                    case 1 -> {
                        sb.append(alphabet.get(random.nextInt(alphabet.size())));
                        i++;
                    }
                    default -> i++;
                }
            }
            if (i < cps.length) {
                sb.appendCodePoint(cps[i]);
            }
        }
        assertAgrees(c, sb.toString());
    }

    @Property(tries = 3000)
    void stringsWalkedOutOfTheDfaAreValidUtf8AndMatchJava(@ForAll("patterns") Case c, @ForAll long seed) {
        Compiled k = compiled(c);
        byte[] bytes = DfaTestSupport.sampleAccepted(k.dfa(), k.dist(), new Random(seed), 12);
        String s = DfaTestSupport.decodeStrict(bytes);
        assertTrue(k.java().matcher(s).matches(), () -> c.ecma() + " accepted \"" + s + "\" but Java does not");
    }

    @Example
    void everyPatternCompilesToATrimmedMinimalUtf8OnlyDfa() {
        ByteDfa validator = DfaTestSupport.utf8Validator();
        for (Case c : PATTERNS) {
            ByteDfa dfa = compiled(c).dfa();
            assertTrue(DfaTestSupport.allStatesLive(dfa), () -> c.ecma() + " has dead states");
            assertEquals(DfaTestSupport.mooreStateCount(dfa), dfa.stateCount(), () -> c.ecma() + " is not minimal");
            assertEquals(dfa, dfa.intersect(validator), () -> c.ecma() + " accepts ill-formed UTF-8");
        }
    }

    @Example
    void printedPatternsParseBackToTheSameLanguage() {
        for (Case c : PATTERNS) {
            Compiled k = compiled(c);
            String printed = k.regex().toString();
            assertEquals(k.dfa(), ByteDfa.compile(RegexParser.parse(printed)), () -> c.ecma() + " printed as " + printed);
        }
    }

    @Example
    void caseInsensitiveParsingAgreesWithJavaUnicodeCase() {
        List<String> patterns = List.of("abc", "[a-f]+", "[^a-f]+", "\u00e9+", "[\u00e0-\u00fe]+", "(?:\u03c9|x)y*",
                "[A-Z\u00c0-\u00de]{2}");
        List<String> alphabet = List.of("a", "A", "b", "B", "f", "F", "g", "G", "x", "X", "y", "Y", "c", "C",
                "\u00e9", "\u00c9", "\u00e0", "\u00c0", "\u00f7", "\u03c9", "\u03a9", "1", "\u00fe", "\u00de");
        Random random = new Random(42);
        for (String pattern : patterns) {
            ByteDfa dfa = ByteDfa.compile(RegexParser.parse(pattern, true));
            Pattern java = Pattern.compile(pattern, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
            for (int i = 0; i < 3000; i++) {
                StringBuilder sb = new StringBuilder();
                int len = random.nextInt(5);
                for (int j = 0; j < len; j++) {
                    sb.append(alphabet.get(random.nextInt(alphabet.size())));
                }
                String s = sb.toString();
                assertEquals(java.matcher(s).matches(), dfa.matches(s.getBytes(StandardCharsets.UTF_8)),
                        () -> "(?i)" + pattern + " on " + s);
            }
        }
    }

    @Example
    void kelvinSignAndLongSAreCaseVariants() {
        ByteDfa k = ByteDfa.compile(RegexParser.parse("k", true));
        assertTrue(k.matches("K".getBytes(StandardCharsets.UTF_8)));
        assertTrue(k.matches("\u212A".getBytes(StandardCharsets.UTF_8)));
        ByteDfa s = ByteDfa.compile(RegexParser.parse("[S]", true));
        assertTrue(s.matches("\u017F".getBytes(StandardCharsets.UTF_8)));
    }
}
