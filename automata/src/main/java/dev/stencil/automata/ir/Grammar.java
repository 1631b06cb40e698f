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
    private final List<String> modes;
    private final Map<Lexeme, Integer> lexemeModes;
    private final Map<Lexeme, List<ModeCommand>> modeCommands;
    private final java.util.Set<Lexeme> endOnly;

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
        this.modes = List.copyOf(b.modes);
        this.lexemeModes = Collections.unmodifiableMap(new LinkedHashMap<>(b.lexemeModes));
        this.modeCommands = Collections.unmodifiableMap(new LinkedHashMap<>(b.modeCommands));
        this.endOnly = Collections.unmodifiableSet(new java.util.LinkedHashSet<>(b.endOnly));
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

    /**
     * Lexer modes by id; mode 0 is the default mode the lexer starts in. A grammar without
     * modes has exactly one. Only ANTLR-style lexing (every lexeme of the current mode competes)
     * supports more than one.
     */
    public List<String> modes() {
        return modes;
    }

    /** The mode whose boundaries {@code lexeme} competes at (0 unless set). */
    public int mode(Lexeme lexeme) {
        return lexemeModes.getOrDefault(lexeme, 0);
    }

    /** The mode commands run, in order, when {@code lexeme} ends (empty unless set). */
    public List<ModeCommand> modeCommands(Lexeme lexeme) {
        return modeCommands.getOrDefault(lexeme, List.of());
    }

    /**
     * Whether {@code lexeme} may end only at the end of the input (an ANTLR lexer rule ending in
     * {@code EOF}). At the end of the input such lexemes take precedence over the others, as in
     * ANTLR, whose lexer takes the match made on the {@code EOF} symbol last.
     */
    public boolean isEndOnly(Lexeme lexeme) {
        return endOnly.contains(lexeme);
    }

    /** Builds a {@link Grammar}; rules keep the order they were added in. */
    public static final class Builder {
        private final String name;
        private final Map<String, Expr> rules = new LinkedHashMap<>();
        private final List<Ignorable> ignorables = new ArrayList<>();
        private final Map<Lexeme, Integer> priorities = new LinkedHashMap<>();
        private final List<String> modes = new ArrayList<>(List.of("DEFAULT_MODE"));
        private final Map<Lexeme, Integer> lexemeModes = new LinkedHashMap<>();
        private final Map<Lexeme, List<ModeCommand>> modeCommands = new LinkedHashMap<>();
        private final java.util.Set<Lexeme> endOnly = new java.util.LinkedHashSet<>();
        private String start;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name);
        }

        /** The id of mode {@code modeName}, added if new (the default mode is 0, "DEFAULT_MODE"). */
        public int mode(String modeName) {
            int i = modes.indexOf(modeName);
            if (i >= 0) {
                return i;
            }
            modes.add(modeName);
            return modes.size() - 1;
        }

        /** Puts {@code lexeme} in mode {@code modeId} (see {@link #mode(String)}). */
        public Builder lexemeMode(Lexeme lexeme, int modeId) {
            if (modeId < 0 || modeId >= modes.size()) {
                throw new GrammarException("grammar '" + name + "': lexeme " + lexeme + " is put in unknown mode " + modeId);
            }
            Integer old = lexemeModes.putIfAbsent(lexeme, modeId);
            if (old != null && old != modeId) {
                throw new GrammarException("grammar '" + name + "': lexeme " + lexeme + " is put in two modes");
            }
            return this;
        }

        /** The mode commands {@code lexeme} runs when it ends. */
        public Builder modeCommands(Lexeme lexeme, List<ModeCommand> commands) {
            for (ModeCommand c : commands) {
                if (c.kind() != ModeCommand.Kind.POP && (c.mode() < 0 || c.mode() >= modes.size())) {
                    throw new GrammarException("grammar '" + name + "': lexeme " + lexeme + " switches to unknown mode " + c.mode());
                }
            }
            modeCommands.put(lexeme, List.copyOf(commands));
            return this;
        }

        /** Marks {@code lexeme} as one that may end only at the end of the input. */
        public Builder endOnly(Lexeme lexeme) {
            endOnly.add(lexeme);
            return this;
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
