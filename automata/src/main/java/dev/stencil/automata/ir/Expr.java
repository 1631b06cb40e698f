package dev.stencil.automata.ir;

import java.util.List;

/**
 * Right-hand sides of grammar rules: the shapes every front end (JSON Schema, ANTLR, GBNF,
 * regex) produces. {@link BnfGrammar} lowers them to plain BNF productions for the parser.
 */
public sealed interface Expr {

    /** One lexeme. */
    record Terminal(Lexeme lexeme) implements Expr {
    }

    /** A reference to a named rule. */
    record Ref(String rule) implements Expr {
    }

    /** The parts in order; the empty sequence matches the empty string. */
    record Seq(List<Expr> parts) implements Expr {
        public Seq {
            parts = List.copyOf(parts);
        }
    }

    /** Any one of the alternatives; at least one. */
    record Alt(List<Expr> alternatives) implements Expr {
        public Alt {
            alternatives = List.copyOf(alternatives);
            if (alternatives.isEmpty()) {
                throw new IllegalArgumentException("an alternation needs at least one alternative");
            }
        }
    }

    /** {@code body} repeated between {@code min} and {@code max} times; {@code max} = -1 for unbounded. */
    record Repeat(Expr body, int min, int max) implements Expr {
        public Repeat {
            if (min < 0 || (max != -1 && max < min)) {
                throw new IllegalArgumentException("bad repetition bounds {" + min + "," + max + "}");
            }
        }
    }

    static Expr lit(String text) {
        return new Terminal(Lexeme.literal(text));
    }

    static Expr lex(Lexeme lexeme) {
        return new Terminal(lexeme);
    }

    static Expr ref(String rule) {
        return new Ref(rule);
    }

    static Expr seq(Expr... parts) {
        return new Seq(List.of(parts));
    }

    static Expr alt(Expr... alternatives) {
        return new Alt(List.of(alternatives));
    }

    static Expr empty() {
        return new Seq(List.of());
    }

    static Expr star(Expr body) {
        return new Repeat(body, 0, -1);
    }

    static Expr plus(Expr body) {
        return new Repeat(body, 1, -1);
    }

    static Expr opt(Expr body) {
        return new Repeat(body, 0, 1);
    }

    static Expr repeat(Expr body, int min, int max) {
        return new Repeat(body, min, max);
    }
}
