package dev.stencil.automata.ir;

import dev.stencil.automata.GrammarException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The grammar IR: named rules over {@link Expr}, a start rule, and the lexemes that may appear
 * between any two lexemes ("ignorable": whitespace, comments).
 *
 * <p>Lexing is maximal munch over the lexemes the parser allows at that point (plus the
 * ignorables): a lexeme ends only when the next byte cannot extend it. When several lexemes end
 * at the same byte, those with the lowest {@linkplain Builder#priority priority number} win (ANTLR's
 * "first rule wins"); lexemes of equal priority are all passed to the parser, which keeps every
 * reading alive.
 *
 * <p>Instances are immutable; build them with {@link #builder(String)}.
 */
public final class Grammar {
    private final String name;
    private final Map<String, Expr> rules;
    private final String start;
    private final List<Ignorable> ignorables;
    private final Map<Lexeme, Integer> priorities;

    /** A lexeme allowed between any two lexemes; {@code repeatable} false allows at most one in a row. */
    public record Ignorable(Lexeme lexeme, boolean repeatable) {
    }

    private Grammar(Builder b) {
        this.name = b.name;
        this.rules = Collections.unmodifiableMap(new LinkedHashMap<>(b.rules));
        this.start = b.start != null ? b.start : b.rules.keySet().stream().findFirst()
                .orElseThrow(() -> new GrammarException("grammar '" + b.name + "' has no rules"));
        this.ignorables = List.copyOf(b.ignorables);
        this.priorities = Collections.unmodifiableMap(new LinkedHashMap<>(b.priorities));
        if (!rules.containsKey(start)) {
            throw new GrammarException("grammar '" + name + "': start rule '" + start + "' is not defined");
        }
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public Map<String, Expr> rules() {
        return rules;
    }

    public String start() {
        return start;
    }

    public List<Ignorable> ignorables() {
        return ignorables;
    }

    /** Priority of a lexeme at ties: lower wins; lexemes not listed have priority 0. */
    public int priority(Lexeme lexeme) {
        return priorities.getOrDefault(lexeme, 0);
    }

    /** Builds a {@link Grammar}; rules keep the order they were added in. */
    public static final class Builder {
        private final String name;
        private final Map<String, Expr> rules = new LinkedHashMap<>();
        private final List<Ignorable> ignorables = new ArrayList<>();
        private final Map<Lexeme, Integer> priorities = new LinkedHashMap<>();
        private String start;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name);
        }

        public Builder rule(String ruleName, Expr body) {
            if (rules.putIfAbsent(ruleName, Objects.requireNonNull(body)) != null) {
                throw new GrammarException("grammar '" + name + "': rule '" + ruleName + "' is defined twice");
            }
            return this;
        }

        public Builder start(String ruleName) {
            this.start = ruleName;
            return this;
        }

        public Builder ignorable(Lexeme lexeme, boolean repeatable) {
            ignorables.add(new Ignorable(lexeme, repeatable));
            return this;
        }

        public Builder priority(Lexeme lexeme, int priority) {
            priorities.put(lexeme, priority);
            return this;
        }

        public Grammar build() {
            return new Grammar(this);
        }
    }
}
