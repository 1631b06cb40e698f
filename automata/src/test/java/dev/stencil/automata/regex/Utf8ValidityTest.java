package dev.stencil.automata.regex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The byte automata never accept ill-formed UTF-8: stray continuation bytes, overlong forms,
 * encoded surrogates, code points above U+10FFFF, truncated sequences. The oracle is the JDK's
 * strict decoder; {@code [^]*} must also coincide exactly with a validator written by hand from
 * the Unicode Standard's table of well-formed byte sequences.
 */
class Utf8ValidityTest {
    private static final ByteDfa ANY_STRING = ByteDfa.compile(RegexParser.parse("[^]*"));
    private static final ByteDfa DOT_STAR = ByteDfa.compile(RegexParser.parse(".*"));
    private static final ByteDfa NOT_QUOTE = ByteDfa.compile(RegexParser.parse("[^\"\\\\\\x00-\\x1f]*"));

    /** Byte snippets: valid encodings of every length plus the classic malformations. */
    private static final List<byte[]> SNIPPETS = List.of(
            bytes(0x61), bytes(0x0A), bytes(0x7F), bytes(0x22),
            bytes(0xC3, 0xA9), bytes(0xDF, 0xBF), bytes(0xE0, 0xA0, 0x80), bytes(0xE2, 0x82, 0xAC),
            bytes(0xED, 0x9F, 0xBF), bytes(0xEE, 0x80, 0x80), bytes(0xEF, 0xBF, 0xBF),
            bytes(0xF0, 0x90, 0x80, 0x80), bytes(0xF0, 0x9F, 0x98, 0x80), bytes(0xF4, 0x8F, 0xBF, 0xBF),
            bytes(0xE2, 0x80, 0xA8),
            // malformed:
            bytes(0x80), bytes(0xBF), bytes(0xC0, 0x80), bytes(0xC1, 0xBF), bytes(0xE0, 0x80, 0x80),
            bytes(0xE0, 0x9F, 0xBF), bytes(0xED, 0xA0, 0x80), bytes(0xED, 0xBF, 0xBF),
            bytes(0xF0, 0x80, 0x80, 0x80), bytes(0xF0, 0x8F, 0xBF, 0xBF), bytes(0xF4, 0x90, 0x80, 0x80),
            bytes(0xF5, 0x80, 0x80, 0x80), bytes(0xF8, 0x88, 0x80, 0x80, 0x80), bytes(0xFE), bytes(0xFF),
            bytes(0xC3), bytes(0xE2, 0x82), bytes(0xF0, 0x9F, 0x98));

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Provide
    Arbitrary<byte[]> mixedBytes() {
        Arbitrary<byte[]> snippet = Arbitraries.of(SNIPPETS);
        Arbitrary<byte[]> randomByte = Arbitraries.integers().between(0, 255).map(Utf8ValidityTest::bytes);
        return Arbitraries.oneOf(snippet, snippet, randomByte).list().ofMaxSize(8).map(parts -> {
            List<Byte> all = new ArrayList<>();
            for (byte[] part : parts) {
                for (byte b : part) {
                    all.add(b);
                }
            }
            byte[] out = new byte[all.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = all.get(i);
            }
            return out;
        });
    }

    @Property(tries = 5000)
    void anyStringAcceptsExactlyWellFormedUtf8(@ForAll("mixedBytes") byte[] bytes) {
        assertEquals(DfaTestSupport.isValidUtf8(bytes), ANY_STRING.matches(bytes), () -> DfaTestSupport.hex(bytes));
    }

    @Property(tries = 5000)
    void dotStarAcceptsWellFormedUtf8WithoutLineTerminators(@ForAll("mixedBytes") byte[] bytes) {
        boolean expected = DfaTestSupport.isValidUtf8(bytes)
                && new String(bytes, StandardCharsets.UTF_8).codePoints()
                        .noneMatch(cp -> cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029);
        assertEquals(expected, DOT_STAR.matches(bytes), () -> DfaTestSupport.hex(bytes));
    }

    @Property(tries = 3000)
    void negatedClassesRejectIllFormedUtf8(@ForAll("mixedBytes") byte[] bytes) {
        if (!DfaTestSupport.isValidUtf8(bytes)) {
            assertFalse(NOT_QUOTE.matches(bytes), () -> DfaTestSupport.hex(bytes));
        }
    }

    @Property(tries = 2000)
    void arbitraryBytesAreAcceptedOnlyIfWellFormed(@ForAll byte[] bytes) {
        if (ANY_STRING.matches(bytes)) {
            assertTrue(DfaTestSupport.isValidUtf8(bytes), () -> DfaTestSupport.hex(bytes));
        }
    }

    @Example
    void anyStringIsTheHandWrittenValidator() {
        assertEquals(DfaTestSupport.utf8Validator(), ANY_STRING);
        assertEquals(8, ANY_STRING.stateCount());
    }

    @Example
    void classicMalformationsAreRefusedAtTheOffendingByte() {
        // the mask engine needs the refusal at the first impossible byte, not only at the end
        int[][] cases = {{0xC0}, {0xC1}, {0x80}, {0xF5}, {0xFF}, {0xED, 0xA0}, {0xE0, 0x80}, {0xF0, 0x80},
            {0xF4, 0x90}};
        for (int[] c : cases) {
            int state = ANY_STRING.start();
            for (int i = 0; i < c.length - 1; i++) {
                state = ANY_STRING.next(state, c[i]);
            }
            assertTrue(state >= 0);
            assertEquals(-1, ANY_STRING.next(state, c[c.length - 1]), java.util.Arrays.toString(c));
        }
    }

    @Example
    void everyScalarValueIsAcceptedBySingleCharacterClasses() {
        ByteDfa any = ByteDfa.compile(Regex.any());
        ByteDfa dot = ByteDfa.compile(RegexParser.parse("."));
        for (int cp = 0; cp <= CodePointSet.MAX_CODE_POINT; cp++) {
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                continue;
            }
            byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            assertTrue(any.matches(utf8));
            boolean terminator = cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029;
            assertEquals(!terminator, dot.matches(utf8));
        }
    }

    @Property(tries = 25)
    void singleSetAutomataAcceptExactlyTheSetsEncodings(@ForAll("codePointSets") CodePointSet set) {
        ByteDfa dfa = ByteDfa.compile(Regex.chars(set));
        for (int cp = 0; cp <= CodePointSet.MAX_CODE_POINT; cp++) {
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                continue;
            }
            byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            if (dfa.matches(utf8) != set.contains(cp)) {
                throw new AssertionError(String.format("U+%04X in %s", cp, set));
            }
        }
        // the empty set is the one automaton allowed a non-live state: its lone start state
        assertTrue(set.isEmpty() ? dfa.isEmptyLanguage() : DfaTestSupport.allStatesLive(dfa));
        assertEquals(dfa, dfa.intersect(DfaTestSupport.utf8Validator()));
    }

    @Provide
    Arbitrary<CodePointSet> codePointSets() {
        return CodePointSetTest.sets();
    }
}
