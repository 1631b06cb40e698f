package dev.stencil.automata.json;

import dev.stencil.automata.ir.Expr;
import dev.stencil.automata.ir.Grammar;
import dev.stencil.automata.ir.Lexeme;

/**
 * The built-in grammar of any JSON value (RFC 8259): objects, arrays, strings with every escape
 * and any UTF-8 text except unescaped control characters, numbers, {@code true}, {@code false},
 * {@code null}, with whitespace per a {@link Whitespace} policy.
 */
public final class JsonGrammar {
    /** A JSON string: any scalar value but '"', '\\' and C0 controls, or an escape. */
    public static final String STRING_PATTERN =
            "\"([^\"\\\\\\x00-\\x1F]|\\\\([\"\\\\/bfnrt]|u[0-9a-fA-F]{4}))*\"";
    /** A JSON number. */
    public static final String NUMBER_PATTERN = "-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?";

    private JsonGrammar() {
    }

    public static Lexeme stringLexeme() {
        return Lexeme.regex("STRING", STRING_PATTERN);
    }

    public static Lexeme numberLexeme() {
        return Lexeme.regex("NUMBER", NUMBER_PATTERN);
    }

    /** The whitespace lexeme of a policy, or null for compact and spaced (no free whitespace). */
    public static Lexeme whitespaceLexeme(Whitespace ws) {
        return switch (ws.kind()) {
            case COMPACT, SPACED -> null;
            case ANY -> Lexeme.regex("WS", "[ \\t\\n\\r]+");
            case FLEXIBLE -> Lexeme.regex("WS", "[ \\t\\n\\r]{1," + ws.maxRun() + "}");
        };
    }

    /** Any JSON value. */
    public static Grammar grammar(Whitespace ws) {
        return grammar(ws, false);
    }

    /**
     * A JSON value; with {@code containerRoot} only an object or an array at the top level (the
     * shape of XGrammar's built-in JSON grammar, used to compare masks with it).
     */
    public static Grammar grammar(Whitespace ws, boolean containerRoot) {
        Grammar.Builder b = Grammar.builder("json(" + ws + (containerRoot ? ", container root" : "") + ")");
        if (containerRoot) {
            b.rule("root", Expr.alt(Expr.ref("object"), Expr.ref("array")));
        }
        Expr value = Expr.ref("value");
        b.rule("value", Expr.alt(
                Expr.ref("object"),
                Expr.ref("array"),
                Expr.lex(stringLexeme()),
                Expr.lex(numberLexeme()),
                Expr.lit("true"),
                Expr.lit("false"),
                Expr.lit("null")));
        b.rule("object", Expr.alt(
                Expr.seq(Expr.lit("{"), Expr.lit("}")),
                Expr.seq(Expr.lit("{"), Expr.ref("members"), Expr.lit("}"))));
        // Lists are written left-recursively on purpose: the parser state after the first member
        // is then the same as after every later one, which keeps the mask cache small.
        b.rule("members", Expr.alt(
                Expr.ref("member"),
                Expr.seq(Expr.ref("members"), Expr.lit(ws.comma()), Expr.ref("member"))));
        b.rule("member", Expr.seq(Expr.lex(stringLexeme()), Expr.lit(ws.colon()), value));
        b.rule("array", Expr.alt(
                Expr.seq(Expr.lit("["), Expr.lit("]")),
                Expr.seq(Expr.lit("["), Expr.ref("elements"), Expr.lit("]"))));
        b.rule("elements", Expr.alt(
                value,
                Expr.seq(Expr.ref("elements"), Expr.lit(ws.comma()), value)));
        Lexeme wsLexeme = whitespaceLexeme(ws);
        if (wsLexeme != null) {
            // A flexible run may not be followed by another run: that would lift the bound.
            b.ignorable(wsLexeme, ws.kind() == Whitespace.Kind.ANY);
        }
        String start = containerRoot ? "root" : "value";
        if (ws.kind() == Whitespace.Kind.SPACED) {
            b.rule("spaced_root", withLeadingSpace(Expr.ref(start)));
            start = "spaced_root";
        }
        return b.start(start).build();
    }

    /**
     * {@code " "? value}: the one space a spaced layout allows before the whole value, so a model
     * that answers {@code "A:"} with the token {@code " {"} keeps its natural first token.
     */
    public static Expr withLeadingSpace(Expr value) {
        return Expr.alt(value, Expr.seq(Expr.lit(" "), value));
    }
}
