package dev.stencil.automata.regex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.GrammarException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Minimality, trimming, canonical numbering and the flat table API of {@link ByteDfa}. */
class MinimalityTest {
    private static ByteDfa compile(String pattern) {
        return ByteDfa.compile(RegexParser.parse(pattern));
    }

    @Test
    void textbookExampleHasFourStates() {
        ByteDfa dfa = compile("(a|b)*abb");
        assertEquals(4, dfa.stateCount());
        assertTrue(DfaTestSupport.allStatesLive(dfa));
        assertTrue(dfa.matches("babb".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(dfa.matches("abba".getBytes(StandardCharsets.US_ASCII)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "(a|b)*; (a*b*)*; [ab]*",
        "a(ba)*; (ab)*a; a|a(ba)+",
        "x{2,4}; xx(xx?)?; xxx?x?",
        "[0-9]+; \\d\\d*; \\d{1,}",
        "\\p{L}|\\p{N}; [\\p{L}\\p{N}]; (?:\\p{Lu}|\\p{Ll}|\\p{Lt}|\\p{Lm}|\\p{Lo}|\\p{Nd}|\\p{Nl}|\\p{No})",
        "[^]; [\\s\\S]; [\\w\\W]",
        "(?:ab|ac); a[bc]; a(?:b|c)"})
    void equivalentPatternsGiveIdenticalAutomata(String first, String second, String third) {
        ByteDfa a = compile(first);
        ByteDfa b = compile(second);
        ByteDfa c = compile(third);
        assertEquals(a.stateCount(), b.stateCount());
        assertEquals(a, b);
        assertEquals(a, c);
        assertArrayEquals(a.transitionTable(), c.transitionTable());
        assertEquals(a.hashCode(), c.hashCode());
    }

    @Test
    void differentLanguagesAreNotEqual() {
        assertNotEquals(compile("a*"), compile("a+"));
        assertNotEquals(compile("[a-y]"), compile("[a-z]"));
    }

    @Test
    void emptyLanguageIsASingleNonAcceptingState() {
        for (ByteDfa dfa : new ByteDfa[] {ByteDfa.compile(Regex.nothing()), compile("[]"), compile("a[]b"),
            compile("[^\\s\\S]+")}) {
            assertTrue(dfa.isEmptyLanguage());
            assertEquals(1, dfa.stateCount());
            assertFalse(dfa.acceptsEmpty());
            for (int b = 0; b < 256; b++) {
                assertEquals(-1, dfa.next(dfa.start(), b));
            }
        }
        ByteDfa epsilon = ByteDfa.compile(Regex.empty());
        assertEquals(1, epsilon.stateCount());
        assertTrue(epsilon.acceptsEmpty());
        assertFalse(epsilon.isEmptyLanguage());
        assertTrue(epsilon.matches(new byte[0]));
    }

    @Test
    void flatTableMatchesNextAndIsACopy() {
        ByteDfa dfa = compile("\"([^\"\\\\\\x00-\\x1f]|\\\\([\"\\\\/bfnrt]|u[0-9a-fA-F]{4}))*\"");
        int[] table = dfa.transitionTable();
        assertEquals(dfa.stateCount() * 256, table.length);
        for (int s = 0; s < dfa.stateCount(); s++) {
            for (int b = 0; b < 256; b++) {
                assertEquals(table[s * 256 + b], dfa.next(s, b));
                assertEquals(table[s * 256 + b], dfa.next(s, (byte) b), "signed bytes are accepted too");
            }
        }
        table[0] = 12345;
        assertNotEquals(12345, dfa.transitionTable()[0]);
        assertEquals(0, dfa.start());
    }

    @Test
    void literalBytes() {
        byte[] bytes = {(byte) 0xFF, 0x00, 0x41};
        ByteDfa dfa = ByteDfa.literal(bytes);
        assertTrue(dfa.matches(bytes));
        assertFalse(dfa.matches(new byte[] {(byte) 0xFF, 0x00}));
        assertEquals(4, dfa.stateCount());
        byte[] utf8 = "h\u00e9\uD83D\uDE00".getBytes(StandardCharsets.UTF_8);
        assertEquals(ByteDfa.compile(Regex.literal("h\u00e9\uD83D\uDE00")), ByteDfa.literal(utf8));
        assertTrue(ByteDfa.literal(new byte[0]).acceptsEmpty());
    }

    @Test
    void countedRepetitionCompilesSmall() {
        // sanity, not a benchmark: these must compile promptly into small automata
        ByteDfa digits = compile("[0-9]{1,20}");
        assertEquals(21, digits.stateCount());
        ByteDfa stringBody = compile("[^\"\\\\\\x00-\\x1f]*");
        assertEquals(8, stringBody.stateCount(), "one accepting state plus the UTF-8 continuation states");
        ByteDfa hex = compile("[0-9a-f]{1,64}");
        assertEquals(65, hex.stateCount());
        ByteDfa dots = compile(".{0,1000}");
        // per remaining count: one state between characters and nine partial-UTF-8 states
        assertEquals(10 * 1000 + 1, dots.stateCount());
        assertTrue(dots.matches("x".repeat(1000).getBytes(StandardCharsets.UTF_8)));
        assertFalse(dots.matches("x".repeat(1001).getBytes(StandardCharsets.UTF_8)));
        assertTrue(dots.matches("\uD83D\uDE00".repeat(1000).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void blowUpIsReportedWithThePattern() {
        GrammarException tooManyDfaStates = assertThrows(GrammarException.class,
                () -> compile("\\p{L}{1,1000}"));
        assertTrue(tooManyDfaStates.getMessage().contains("\\p{L}{1,1000}"), tooManyDfaStates.getMessage());
        assertTrue(tooManyDfaStates.getMessage().contains("too large"), tooManyDfaStates.getMessage());

        GrammarException hugeCount = assertThrows(GrammarException.class, () -> compile("(?:ab){100000000}"));
        assertTrue(hugeCount.getMessage().contains("(?:ab){100000000}"), hugeCount.getMessage());

        GrammarException exponential = assertThrows(GrammarException.class,
                () -> compile("[ab]*a[ab]{20}"));
        assertTrue(exponential.getMessage().contains("100000 states"), exponential.getMessage());

        GrammarException smallCap = assertThrows(GrammarException.class,
                () -> ByteDfa.compile(RegexParser.parse("[0-9]{1,20}"), 10));
        assertTrue(smallCap.getMessage().contains("10 states"), smallCap.getMessage());
    }
}
