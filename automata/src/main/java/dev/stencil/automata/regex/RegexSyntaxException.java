package dev.stencil.automata.regex;

import dev.stencil.automata.GrammarException;

/**
 * A regular expression that {@link RegexParser} cannot read: malformed syntax, or a construct
 * (look-around, back-reference, word boundary, misplaced anchor, ...) that has no equivalent in a
 * full-match byte automaton. The message quotes the pattern, gives the 0-based UTF-16 index of the
 * offending character (the index {@link String#charAt} uses) and says what was expected or why
 * the construct is unsupported.
 */
public class RegexSyntaxException extends GrammarException {
    private final String pattern;
    private final int index;
    private final String reason;

    public RegexSyntaxException(String pattern, int index, String reason) {
        super("Invalid regex at index " + index + " in pattern \"" + pattern + "\": " + reason);
        this.pattern = pattern;
        this.index = index;
        this.reason = reason;
    }

    /** The whole pattern being parsed. */
    public String pattern() {
        return pattern;
    }

    /** 0-based UTF-16 index into {@link #pattern()} where the problem starts. */
    public int index() {
        return index;
    }

    /** What went wrong, without the pattern and position. */
    public String reason() {
        return reason;
    }
}
