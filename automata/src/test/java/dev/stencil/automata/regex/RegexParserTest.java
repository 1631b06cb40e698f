package dev.stencil.automata.regex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.GrammarException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The ECMAScript-style dialect: what parses to what, and what is refused where and why. */
class RegexParserTest {

    static Stream<Arguments> syntaxErrors() {
        return Stream.of(
                Arguments.of("a(?=b)", 1, "lookahead"),
                Arguments.of("(?!x)y", 0, "negative lookahead"),
                Arguments.of("x(?<=a)b", 1, "lookbehind"),
                Arguments.of("(?<!a)b", 0, "negative lookbehind"),
                Arguments.of("(a)\\1", 3, "backreference"),
                Arguments.of("(?<n>a)\\k<n>", 7, "named backreference"),
                Arguments.of("a\\bc", 1, "word boundary"),
                Arguments.of("a\\Bc", 1, "non-word-boundary"),
                Arguments.of("a^b", 1, "anchor"),
                Arguments.of("ab$", 2, "anchor"),
                Arguments.of("^ab", 0, "parseAnchored"),
                Arguments.of("a**", 2, "nothing to repeat"),
                Arguments.of("*a", 0, "nothing to repeat"),
                Arguments.of("a|+", 2, "nothing to repeat"),
                Arguments.of("(?:?)", 3, "nothing to repeat"),
                Arguments.of("{2}", 0, "nothing to repeat"),
                Arguments.of("a{2}{3}", 4, "nothing to repeat"),
                Arguments.of("a{2,1}", 1, "out of order"),
                Arguments.of("a{99999999999}", 1, "too large"),
                Arguments.of("[z-a]", 1, "out of order"),
                Arguments.of("x[a", 1, "never closed"),
                Arguments.of("ab(c", 2, "never closed"),
                Arguments.of("a)", 1, "unmatched ')'"),
                Arguments.of("\\u{110000}", 0, "U+10FFFF"),
                Arguments.of("\\u{}", 0, "hex digits"),
                Arguments.of("a\\xZZ", 1, "two hex digits"),
                Arguments.of("\\u12", 0, "four hex digits"),
                Arguments.of("\\p{Foo}", 0, "Unicode property 'Foo'"),
                Arguments.of("ab\\p", 2, "expected '{'"),
                Arguments.of("\\p{L", 0, "unterminated"),
                Arguments.of("\\q", 0, "unknown escape '\\q'"),
                Arguments.of("[\\q]", 1, "unknown escape"),
                Arguments.of("(?i)a", 0, "inline modifiers"),
                Arguments.of("\\01", 0, "octal"),
                Arguments.of("abc\\", 3, "lone backslash"),
                Arguments.of("[\\d-z]", 1, "range endpoint"),
                Arguments.of("[a-\\w]", 3, "range endpoint"),
                Arguments.of("x\\uD800", 1, "lone surrogate"),
                Arguments.of("[\\uDC00]", 1, "lone surrogate"),
                Arguments.of("(?<1a>x)", 3, "group name"),
                Arguments.of("(?<a>x)(?<a>y)", 10, "duplicate group name"),
                Arguments.of("(?<a", 0, "expected '>'"),
                Arguments.of("\\c1", 0, "ASCII letter"));
    }

    @ParameterizedTest(name = "{0} fails at index {1}")
    @MethodSource("syntaxErrors")
    void syntaxErrorsNameThePatternAndIndex(String pattern, int index, String reason) {
        RegexSyntaxException e = assertThrows(RegexSyntaxException.class, () -> RegexParser.parse(pattern));
        assertEquals(index, e.index());
        assertEquals(pattern, e.pattern());
        assertTrue(e.getMessage().contains("at index " + index), e.getMessage());
        assertTrue(e.getMessage().contains("\"" + pattern + "\""), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertInstanceOf(GrammarException.class, e);
    }

    static Stream<Arguments> anchorErrors() {
        return Stream.of(
                Arguments.of("^a|b$", 0, "one alternative"),
                Arguments.of("a|b$", 3, "one alternative"),
                Arguments.of("a^", 1, "first ('^') or last ('$')"),
                Arguments.of("a$b", 1, "first ('^') or last ('$')"),
                Arguments.of("(a$)", 2, "first ('^') or last ('$')"),
                Arguments.of("^^a", 1, "first ('^') or last ('$')"),
                Arguments.of("^*a", 1, "nothing to repeat"));
    }

    @ParameterizedTest(name = "{0} fails at index {1}")
    @MethodSource("anchorErrors")
    void misplacedAnchorsAreRefusedEvenWhenAnchorsAreAllowed(String pattern, int index, String reason) {
        RegexSyntaxException e = assertThrows(RegexSyntaxException.class, () -> RegexParser.parseAnchored(pattern));
        assertEquals(index, e.index());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void parseAnchoredReportsLeadingAndTrailingAnchors() {
        AnchoredRegex both = RegexParser.parseAnchored("^ab+$");
        assertTrue(both.anchoredStart());
        assertTrue(both.anchoredEnd());
        assertEquals(RegexParser.parse("ab+"), both.regex());

        AnchoredRegex none = RegexParser.parseAnchored("ab");
        assertFalse(none.anchoredStart());
        assertFalse(none.anchoredEnd());

        AnchoredRegex start = RegexParser.parseAnchored("^(a|b)");
        assertTrue(start.anchoredStart());
        assertFalse(start.anchoredEnd());

        AnchoredRegex escaped = RegexParser.parseAnchored("\\^a\\$");
        assertFalse(escaped.anchoredStart());
        assertFalse(escaped.anchoredEnd());
        assertEquals(Regex.literal("^a$"), escaped.regex());

        AnchoredRegex inClass = RegexParser.parseAnchored("[$^]");
        assertFalse(inClass.anchoredStart());
        assertEquals(Regex.chars(CodePointSet.ofCodePoints("$^")), inClass.regex());

        AnchoredRegex bare = RegexParser.parseAnchored("^$");
        assertTrue(bare.anchoredStart() && bare.anchoredEnd());
        assertEquals(Regex.empty(), bare.regex());
    }

    @Test
    void escapesDenoteTheirCodePoints() {
        assertEquals(Regex.chars(CodePointSet.digits()), RegexParser.parse("\\d"));
        assertEquals(Regex.chars(CodePointSet.digits().complement()), RegexParser.parse("\\D"));
        assertEquals(Regex.chars(CodePointSet.ecmaWhitespace()), RegexParser.parse("\\s"));
        assertEquals(Regex.chars(CodePointSet.anyButLineTerminators()), RegexParser.parse("."));
        assertEquals(Regex.literal("A\n\r\t\f\u000B\u0000/\\.-*"), RegexParser.parse("\\x41\\n\\r\\t\\f\\v\\0\\/\\\\\\.\\-\\*"));
        assertEquals(Regex.literal("\u00e9\uD83D\uDE00"), RegexParser.parse("\\u00E9\\u{1F600}"));
        assertEquals(Regex.literal("\uD83D\uDE00"), RegexParser.parse("\\uD83D\\uDE00"));
        assertEquals(Regex.literal("\u0001"), RegexParser.parse("\\u{000001}"));
        assertEquals(Regex.literal("\n\n"), RegexParser.parse("\\cJ\\cj"));
        assertEquals(Regex.literal("\"'#"), RegexParser.parse("\\\"\\'\\#"));
        assertEquals(Regex.literal("\b"), RegexParser.parse("[\\b]"));
        assertEquals(Regex.literal("]}"), RegexParser.parse("]}"));
        assertEquals(Regex.literal("a{,2}"), RegexParser.parse("a{,2}"));
    }

    @Test
    void classesAndProperties() {
        assertEquals(Regex.nothing(), RegexParser.parse("[]"));
        assertEquals(Regex.any(), RegexParser.parse("[^]"));
        assertEquals(Regex.chars(CodePointSet.ofCodePoints("-az")), RegexParser.parse("[-az]"));
        assertEquals(Regex.chars(CodePointSet.ofCodePoints("-az")), RegexParser.parse("[az-]"));
        assertEquals(Regex.chars(CodePointSet.ofCodePoints("[a")), RegexParser.parse("[[a]"));
        assertEquals(Regex.chars(CodePointSet.ofRanges('0', '9', '_', '_', '-', '-')), RegexParser.parse("[\\d_-]"));
        assertEquals(Regex.chars(CodePointSet.of(0, 0xFFFF)), RegexParser.parse("[\\u0000-\\uFFFF]"));
        assertEquals(Regex.chars(CodePointSet.of(0x1F600, 0x1F64F)),
                RegexParser.parse("[\\uD83D\\uDE00-\\uD83D\\uDE4F]"));
        // surrogate range endpoints are allowed; the surrogates themselves are dropped
        assertEquals(Regex.nothing(), RegexParser.parse("[\\uD800-\\uDFFF]"));
        CodePointSet letters = UnicodeProperties.lookup("L").orElseThrow();
        assertEquals(Regex.chars(letters), RegexParser.parse("\\p{L}"));
        assertEquals(Regex.chars(letters), RegexParser.parse("\\p{Letter}"));
        assertEquals(Regex.chars(letters), RegexParser.parse("\\p{gc=L}"));
        assertEquals(Regex.chars(letters.complement()), RegexParser.parse("\\P{L}"));
        assertEquals(Regex.chars(letters.complement()), RegexParser.parse("[^\\p{L}]"));
        for (String name : new String[] {"L", "Lu", "Ll", "Lt", "Lm", "Lo", "N", "Nd", "Nl", "No", "P", "S", "Z",
            "M", "C", "Cc", "Cf", "Co", "Cn", "Sc", "Pd", "Zs", "Any", "ASCII", "Assigned", "Alphabetic",
            "White_Space", "Uppercase", "Lowercase", "Script=Latin", "sc=Grek"}) {
            assertFalse(RegexParser.parse("\\p{" + name + "}") instanceof Regex.Nothing, name);
        }
        assertTrue(UnicodeProperties.lookup("Lu").orElseThrow().contains('A'));
        assertFalse(UnicodeProperties.lookup("Lu").orElseThrow().contains('a'));
        assertTrue(UnicodeProperties.lookup("Nd").orElseThrow().contains(0x0663));
        assertTrue(UnicodeProperties.lookup("sc=Greek").orElseThrow().contains(0x03A9));
        assertTrue(UnicodeProperties.lookup("Cs").orElseThrow().isEmpty());
    }

    @Test
    void groupsQuantifiersAndLaziness() {
        Regex ab = Regex.literal("ab");
        assertEquals(Regex.star(ab), RegexParser.parse("(ab)*"));
        assertEquals(Regex.star(ab), RegexParser.parse("(?:ab)*?"));
        assertEquals(Regex.star(ab), RegexParser.parse("(?<pair>ab)*"));
        assertEquals(Regex.plus(Regex.literal("a")), RegexParser.parse("a+?"));
        assertEquals(Regex.optional(Regex.literal("a")), RegexParser.parse("a??"));
        assertEquals(Regex.repeat(Regex.literal("a"), 2, 2), RegexParser.parse("a{2}?"));
        assertEquals(Regex.repeat(Regex.literal("a"), 2, -1), RegexParser.parse("a{2,}"));
        assertEquals(Regex.repeat(Regex.literal("a"), 2, 5), RegexParser.parse("a{2,5}"));
        assertEquals(Regex.literal("b"), RegexParser.parse("a{0}b"));
        assertEquals(Regex.alt(Regex.literal("a"), Regex.empty()), RegexParser.parse("a|"));
        assertEquals(Regex.empty(), RegexParser.parse(""));
        assertEquals(Regex.empty(), RegexParser.parse("()"));
    }

    @Test
    void caseInsensitiveFoldsLiteralsAndClassesBeforeNegation() {
        assertEquals(Regex.chars(CodePointSet.ofCodePoints("aA")), RegexParser.parse("a", true));
        assertEquals(Regex.chars(CodePointSet.ofCodePoints("aA").complement()), RegexParser.parse("[^a]", true));
        ByteDfa dfa = ByteDfa.compile(RegexParser.parse("h\u00e9llo [x-z]+", true));
        assertTrue(dfa.matches("H\u00c9LLO XyZ".getBytes(StandardCharsets.UTF_8)));
        assertFalse(dfa.matches("HELLO XYZ".getBytes(StandardCharsets.UTF_8)));
        assertTrue(RegexParser.parseAnchored("^A$", true).anchoredEnd());
    }

    @Test
    void printsReadablePatterns() {
        assertEquals("a|bc*", RegexParser.parse("a|bc*").toString());
        assertEquals("(?:ab)*", RegexParser.parse("(ab)*").toString());
        assertEquals("(?:a|b)+c{2,3}", RegexParser.parse("(a|b)+c{2,3}").toString());
        assertEquals("[^\\n]", RegexParser.parse("[^\\n]").toString());
        assertEquals("\\d{1,20}", RegexParser.parse("[0-9]{1,20}").toString());
        assertEquals("\\.\\*\\\\", RegexParser.parse("\\.\\*\\\\").toString());
        assertEquals("(?:a*)*", Regex.star(Regex.star(Regex.literal("a"))).toString());
        assertEquals("\\u{1F600}?", RegexParser.parse("\\u{1F600}?").toString().replace("\uD83D\uDE00", "\\u{1F600}"));
        assertEquals("(?:)", Regex.empty().toString());
        assertEquals("[]", Regex.nothing().toString());
    }

    @Test
    void factoriesSimplifyWithoutChangingTheLanguage() {
        Regex a = Regex.literal("a");
        assertEquals(Regex.nothing(), Regex.seq(a, Regex.nothing()));
        assertEquals(a, Regex.seq(Regex.empty(), a, Regex.empty()));
        assertEquals(a, Regex.alt(Regex.nothing(), a));
        assertEquals(Regex.nothing(), Regex.alt());
        assertEquals(Regex.empty(), Regex.seq());
        assertEquals(Regex.empty(), Regex.star(Regex.nothing()));
        assertEquals(Regex.nothing(), Regex.plus(Regex.nothing()));
        assertEquals(a, Regex.repeat(a, 1, 1));
        assertEquals(Regex.literal("abc"), Regex.seq(Regex.literal("a"), Regex.seq(Regex.literal("b"), Regex.literal("c"))));
        assertThrows(IllegalArgumentException.class, () -> Regex.repeat(a, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> Regex.repeat(a, -1, 2));
        assertThrows(IllegalArgumentException.class, () -> Regex.literal("x\uD800"));
        assertTrue(Regex.star(a).matchesEmpty());
        assertFalse(Regex.seq(a, Regex.star(a)).matchesEmpty());
    }
}
