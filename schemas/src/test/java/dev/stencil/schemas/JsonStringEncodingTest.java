package dev.stencil.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.regex.ByteDfa;
import dev.stencil.automata.regex.Regex;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The directly written literal automaton against the regex route it replaces. */
class JsonStringEncodingTest {
    private static ByteDfa viaRegex(String value) {
        return ByteDfa.compile(JsonStringEncoding.quoted(Regex.literal(value)));
    }

    @Test
    void directLiteralAutomatonEqualsTheRegexOne() {
        // minimal automata are canonically numbered, so equal objects mean equal languages
        String[] values = {"", "a", "name", "\"", "\\", "/", "a\nb\t\r\b\f", "\u0000\u001f", "é", "€uro",
            "日本", "😀", "x😀y\u007f", "Ab9/\"\\ \u00a0\uffff", "dup dup dup"};
        for (String v : values) {
            assertEquals(viaRegex(v), JsonStringEncoding.quotedLiteral(v), () -> "literal " + v);
        }
        Random random = new Random(7);
        int[] pool = {'a', 'Z', '0', '"', '\\', '/', '\n', 0x1f, 0x7f, 0xe9, 0x20ac, 0xfffd, 0x1f600, 0x10ffff};
        for (int n = 0; n < 200; n++) {
            StringBuilder sb = new StringBuilder();
            for (int k = random.nextInt(6); k > 0; k--) {
                sb.appendCodePoint(pool[random.nextInt(pool.length)]);
            }
            String v = sb.toString();
            assertEquals(viaRegex(v), JsonStringEncoding.quotedLiteral(v), () -> "literal " + v);
        }
    }

    @Test
    void directLiteralSetAutomatonEqualsTheRegexOne() {
        Random random = new Random(11);
        int[] pool = {'a', 'b', '"', '\\', '\n', 0xe9, 0xe8, 0x20ac, 0x20ad, 0x1f600, 0x1f601, 0x1f680, 0x10ffff};
        for (int n = 0; n < 150; n++) {
            java.util.List<String> values = new java.util.ArrayList<>();
            java.util.List<Regex> alts = new java.util.ArrayList<>();
            for (int m = 1 + random.nextInt(6); m > 0; m--) {
                StringBuilder sb = new StringBuilder();
                for (int k = random.nextInt(4); k > 0; k--) {
                    sb.appendCodePoint(pool[random.nextInt(pool.length)]);
                }
                values.add(sb.toString());
                alts.add(Regex.literal(sb.toString()));
            }
            assertEquals(ByteDfa.compile(JsonStringEncoding.quoted(Regex.alt(alts))),
                    JsonStringEncoding.quotedLiterals(values), () -> "literals " + values);
        }
    }

    @Test
    void spellingsOfOneValue() {
        ByteDfa d = JsonStringEncoding.quotedLiteral("é/\"");
        for (String spelled : new String[] {"\"é/\\\"\"", "\"\\u00e9\\/\\u0022\"", "\"\\u00E9\\u002F\\\"\""}) {
            assertTrue(d.matches(spelled.getBytes(StandardCharsets.UTF_8)), spelled);
        }
        assertTrue(!d.matches("\"é/\"\"".getBytes(StandardCharsets.UTF_8)));
        assertTrue(!d.matches("\"\\u00e\"".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void longValuesAndLoneSurrogatesAreLeftToTheRegexRoute() {
        assertNull(JsonStringEncoding.quotedLiteral("x".repeat(JsonStringEncoding.MAX_DIRECT_LITERAL + 1)));
        assertNull(JsonStringEncoding.quotedLiterals(java.util.List.of()));
        assertThrows(IllegalArgumentException.class, () -> JsonStringEncoding.quotedLiteral("a\ud800"));
    }
}
