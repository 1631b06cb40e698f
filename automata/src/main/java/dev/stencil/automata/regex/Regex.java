package dev.stencil.automata.regex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A regular expression over Unicode code points: an immutable syntax tree whose language is a set
 * of strings of scalar values. Matching is always a full match; anchors, look-around and
 * back-references are deliberately not representable, so every {@code Regex} denotes a regular
 * language that {@link ByteDfa#compile} can turn into a byte automaton.
 *
 * <p>Build nodes through the static factories, which flatten nested sequences and alternations and
 * apply language-preserving simplifications (ε and ∅ absorption, trivial repetition counts). The
 * node records themselves are public so that consumers can pattern-match on the tree; their
 * constructors validate but do not simplify. Equality is structural.
 *
 * <p>{@code toString()} prints a pattern in the syntax {@link RegexParser#parse(String)} reads and
 * that denotes the same language, for use in error messages.
 */
public sealed interface Regex permits Regex.Empty, Regex.Nothing, Regex.Chars, Regex.Seq, Regex.Alt, Regex.Repeat {

    /** Matches only the empty string. */
    record Empty() implements Regex {
        @Override
        public String toString() {
            return RegexPrinter.print(this);
        }
    }

    /** Matches no string at all. */
    record Nothing() implements Regex {
        @Override
        public String toString() {
            return RegexPrinter.print(this);
        }
    }

    /** Matches any single code point of {@code set}. */
    record Chars(CodePointSet set) implements Regex {
        public Chars {
            Objects.requireNonNull(set, "set");
        }

        @Override
        public String toString() {
            return RegexPrinter.print(this);
        }
    }

    /** Matches the concatenation of its items, in order. */
    record Seq(List<Regex> items) implements Regex {
        public Seq {
            items = List.copyOf(items);
        }

        @Override
        public String toString() {
            return RegexPrinter.print(this);
        }
    }

    /** Matches what any one of its alternatives matches. */
    record Alt(List<Regex> alternatives) implements Regex {
        public Alt {
            alternatives = List.copyOf(alternatives);
        }

        @Override
        public String toString() {
            return RegexPrinter.print(this);
        }
    }

    /** Matches between {@code min} and {@code max} concatenated matches of {@code body}; max -1 is unbounded. */
    record Repeat(Regex body, int min, int max) implements Regex {
        public Repeat {
            Objects.requireNonNull(body, "body");
            if (min < 0 || (max != UNBOUNDED && max < min)) {
                throw new IllegalArgumentException("invalid repetition {" + min + "," + max + "}");
            }
        }

        @Override
        public String toString() {
            return RegexPrinter.print(this);
        }
    }

    /** The {@code max} of an unbounded {@link Repeat}. */
    int UNBOUNDED = -1;

    /** ε: the language containing only the empty string. */
    static Regex empty() {
        return new Empty();
    }

    /** ∅: the empty language. */
    static Regex nothing() {
        return new Nothing();
    }

    /**
     * The code points of {@code s}, in order.
     *
     * @throws IllegalArgumentException if {@code s} contains a lone surrogate, which no UTF-8 string can match
     */
    static Regex literal(String s) {
        List<Regex> items = new ArrayList<>();
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (cp >= CodePointSet.SURROGATE_MIN && cp <= CodePointSet.SURROGATE_MAX) {
                throw new IllegalArgumentException("literal contains a lone surrogate at index " + i);
            }
            items.add(new Chars(CodePointSet.single(cp)));
            i += Character.charCount(cp);
        }
        return seq(items);
    }

    /** One code point from {@code set}; an empty set gives {@link #nothing()}. */
    static Regex chars(CodePointSet set) {
        return set.isEmpty() ? nothing() : new Chars(set);
    }

    /** Any single scalar value. */
    static Regex any() {
        return new Chars(CodePointSet.any());
    }

    /** Concatenation. */
    static Regex seq(Regex... items) {
        return seq(Arrays.asList(items));
    }

    /** Concatenation; nested sequences are flattened, ε items dropped, and any ∅ item makes the whole ∅. */
    static Regex seq(List<Regex> items) {
        List<Regex> flat = new ArrayList<>();
        for (Regex r : items) {
            Objects.requireNonNull(r, "seq item");
            if (r instanceof Nothing) {
                return nothing();
            } else if (r instanceof Seq s) {
                flat.addAll(s.items());
            } else if (!(r instanceof Empty)) {
                flat.add(r);
            }
        }
        if (flat.isEmpty()) {
            return empty();
        }
        return flat.size() == 1 ? flat.get(0) : new Seq(flat);
    }

    /** Alternation. */
    static Regex alt(Regex... alternatives) {
        return alt(Arrays.asList(alternatives));
    }

    /** Alternation; nested alternations are flattened and ∅ alternatives dropped. */
    static Regex alt(List<Regex> alternatives) {
        List<Regex> flat = new ArrayList<>();
        for (Regex r : alternatives) {
            Objects.requireNonNull(r, "alt alternative");
            if (r instanceof Alt a) {
                flat.addAll(a.alternatives());
            } else if (!(r instanceof Nothing)) {
                flat.add(r);
            }
        }
        if (flat.isEmpty()) {
            return nothing();
        }
        return flat.size() == 1 ? flat.get(0) : new Alt(flat);
    }

    /**
     * {@code min} to {@code max} repetitions of {@code r}; {@code max == -1} means unbounded.
     *
     * @throws IllegalArgumentException if {@code min < 0} or {@code max} is neither -1 nor {@code >= min}
     */
    static Regex repeat(Regex r, int min, int max) {
        Objects.requireNonNull(r, "r");
        if (min < 0 || (max != UNBOUNDED && max < min)) {
            throw new IllegalArgumentException("invalid repetition {" + min + "," + max + "}");
        }
        if (max == 0 || r instanceof Empty) {
            return empty();
        }
        if (r instanceof Nothing) {
            return min == 0 ? empty() : nothing();
        }
        if (min == 1 && max == 1) {
            return r;
        }
        return new Repeat(r, min, max);
    }

    /** Zero or more. */
    static Regex star(Regex r) {
        return repeat(r, 0, UNBOUNDED);
    }

    /** One or more. */
    static Regex plus(Regex r) {
        return repeat(r, 1, UNBOUNDED);
    }

    /** Zero or one. */
    static Regex optional(Regex r) {
        return repeat(r, 0, 1);
    }

    /** Whether the empty string is in the language. */
    default boolean matchesEmpty() {
        if (this instanceof Empty) {
            return true;
        } else if (this instanceof Nothing || this instanceof Chars) {
            return false;
        } else if (this instanceof Seq s) {
            return s.items().stream().allMatch(Regex::matchesEmpty);
        } else if (this instanceof Alt a) {
            return a.alternatives().stream().anyMatch(Regex::matchesEmpty);
        } else {
            Repeat rep = (Repeat) this;
            return rep.min() == 0 || rep.body().matchesEmpty();
        }
    }
}
