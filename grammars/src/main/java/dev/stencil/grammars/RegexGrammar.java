package dev.stencil.grammars;

import dev.stencil.automata.ir.Expr;
import dev.stencil.automata.ir.Grammar;
import dev.stencil.automata.ir.Lexeme;
import dev.stencil.automata.regex.AnchoredRegex;
import dev.stencil.automata.regex.RegexParser;

/**
 * The regex front end: the whole output must match a regular expression in the ECMA-262 dialect
 * that JSON Schema's {@code pattern} uses. Unlike {@code pattern}, a regex constraint has
 * full-match semantics (the output is exactly one match), so a leading {@code ^} and a trailing
 * {@code $} are accepted and change nothing. The grammar is one rule holding one lexeme; a
 * pattern that matches the empty string is rejected because a lexeme must consume input.
 */
public final class RegexGrammar {
    /** The name of the single rule. */
    public static final String RULE = "regex";

    private RegexGrammar() {
    }

    /**
     * Builds the grammar for {@code pattern}.
     *
     * @throws dev.stencil.automata.regex.RegexSyntaxException with the index of the offending
     *     character on malformed or unsupported syntax (look-around, back-references, ...)
     * @throws dev.stencil.automata.GrammarException if the pattern matches the empty string
     */
    public static Grammar of(String pattern, boolean caseInsensitive) {
        AnchoredRegex parsed = RegexParser.parseAnchored(pattern, caseInsensitive);
        Lexeme lexeme = Lexeme.of("/" + pattern + "/" + (caseInsensitive ? "i" : ""), parsed.regex());
        if (lexeme.compile().acceptsEmpty()) {
            throw new dev.stencil.automata.GrammarException("regex /" + pattern
                    + "/ matches the empty string; a regex constraint must require at least one character "
                    + "(make the whole output optional outside the constraint instead)");
        }
        return Grammar.builder("regex /" + pattern + "/").rule(RULE, Expr.lex(lexeme)).start(RULE).build();
    }

    /** {@link #of(String, boolean)}, case-sensitive. */
    public static Grammar of(String pattern) {
        return of(pattern, false);
    }
}
