package dev.stencil.automata.ir;

import dev.stencil.automata.regex.ByteDfa;
import dev.stencil.automata.regex.Regex;
import dev.stencil.automata.regex.RegexParser;
import java.util.Objects;

/**
 * A terminal of the grammar IR: a regular language over bytes that the lexer recognises as one
 * unit. The parser only ever sees whole lexemes, which is what lets most vocabulary tokens be
 * decided by the lexer alone (see {@code dev.stencil.automata.mask}).
 *
 * <p>Two lexemes with the same {@link #key()} are the same terminal: literal {@code ","} used in
 * a hundred rules is one lexeme. A lexeme must not match the empty string.
 */
public final class Lexeme {
    private final String name;
    private final Regex regex;
    private final ByteDfa dfa;
    private final String key;

    private Lexeme(String name, Regex regex, ByteDfa dfa, String key) {
        this.name = Objects.requireNonNull(name);
        this.regex = regex;
        this.dfa = dfa;
        this.key = key;
    }

    private Lexeme(String name, Regex regex, String key) {
        this(name, Objects.requireNonNull(regex), null, key);
    }

    /**
     * A lexeme given directly as a byte DFA, for languages built with DFA operations (e.g. a
     * pattern intersected with a length bound). The name identifies it, as with {@link #of}.
     */
    public static Lexeme ofDfa(String name, ByteDfa dfa) {
        return new Lexeme(name, null, Objects.requireNonNull(dfa), "D" + name);
    }

    private static final Lexeme END_OF_INPUT = new Lexeme("EOF", Regex.nothing(), "$EOF");

    /**
     * The end of the input as a terminal (ANTLR's {@code EOF} in a parser rule): the lexer never
     * produces it; the parser takes it, as often as asked, only once the input has ended. So
     * {@code eol : NEWLINE | EOF} matches nothing in the middle of the input.
     */
    public static Lexeme endOfInput() {
        return END_OF_INPUT;
    }

    /** The exact text {@code text}, named by its quoted form. */
    public static Lexeme literal(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("a literal lexeme must not be empty");
        }
        return new Lexeme(quote(text), Regex.literal(text), "L" + text);
    }

    /** A lexeme given by a regular expression in Stencil's ECMA-262 dialect. */
    public static Lexeme regex(String name, String pattern) {
        return new Lexeme(name, RegexParser.parse(pattern), "R" + pattern);
    }

    /**
     * A lexeme given by an already-built regex. The name identifies it: the caller must not use the
     * same name for two different languages.
     */
    public static Lexeme of(String name, Regex regex) {
        return new Lexeme(name, regex, "N" + name);
    }

    public String name() {
        return name;
    }

    /** The regex, or null for a lexeme given as a DFA. */
    public Regex regex() {
        return regex;
    }

    /** The byte automaton of this lexeme (compiled from the regex unless given directly). */
    public ByteDfa compile() {
        return dfa != null ? dfa : ByteDfa.compile(regex);
    }

    /** Identity of the terminal: equal keys mean the same language. */
    public String key() {
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lexeme l && l.key.equals(key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }

    static String quote(String text) {
        StringBuilder sb = new StringBuilder("\"");
        text.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (cp < 0x20) {
                        sb.append(String.format("\\u%04x", cp));
                    } else {
                        sb.appendCodePoint(cp);
                    }
                }
            }
        });
        return sb.append('"').toString();
    }
}
