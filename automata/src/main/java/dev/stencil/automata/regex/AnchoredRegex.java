package dev.stencil.automata.regex;

import java.util.Objects;

/**
 * Result of {@link RegexParser#parseAnchored(String)}: the pattern's language without its anchors,
 * and whether a leading {@code ^} and a trailing {@code $} were present. A caller that gives the
 * pattern search semantics (JSON Schema's {@code pattern}) wraps the missing sides in {@code [^]*}.
 */
public record AnchoredRegex(Regex regex, boolean anchoredStart, boolean anchoredEnd) {
    /** Rejects a null regex. */
    public AnchoredRegex {
        Objects.requireNonNull(regex, "regex");
    }
}
