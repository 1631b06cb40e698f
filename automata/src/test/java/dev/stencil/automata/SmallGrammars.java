package dev.stencil.automata;

import dev.stencil.automata.ir.Expr;
import dev.stencil.automata.ir.Grammar;
import dev.stencil.automata.ir.Lexeme;

/** Small grammars that exercise the parser's hard cases; shared by the oracle tests. */
final class SmallGrammars {
    private SmallGrammars() {
    }

    /** Left-recursive arithmetic with precedence, numbers, identifiers and optional spaces. */
    static Grammar arithmetic() {
        Grammar.Builder b = Grammar.builder("arithmetic");
        b.rule("expr", Expr.alt(Expr.seq(Expr.ref("expr"), Expr.alt(Expr.lit("+"), Expr.lit("-")), Expr.ref("term")), Expr.ref("term")));
        b.rule("term", Expr.alt(Expr.seq(Expr.ref("term"), Expr.alt(Expr.lit("*"), Expr.lit("/")), Expr.ref("factor")), Expr.ref("factor")));
        b.rule("factor", Expr.alt(
                Expr.lex(Lexeme.regex("NUM", "[0-9]+(\\.[0-9]+)?")),
                Expr.lex(Lexeme.regex("ID", "[a-z_][a-z0-9_]*")),
                Expr.seq(Expr.lit("("), Expr.ref("expr"), Expr.lit(")")),
                Expr.seq(Expr.lit("-"), Expr.ref("factor"))));
        b.ignorable(Lexeme.regex("WS", " +"), true);
        return b.build();
    }

    /** Ambiguous and nullable: several derivations of the same text stay alive together. */
    static Grammar ambiguous() {
        Grammar.Builder b = Grammar.builder("ambiguous");
        b.rule("s", Expr.plus(Expr.ref("part")));
        b.rule("part", Expr.alt(Expr.ref("a"), Expr.ref("b"), Expr.ref("c")));
        b.rule("a", Expr.seq(Expr.lit("x"), Expr.star(Expr.lit("y")), Expr.ref("maybe")));
        b.rule("b", Expr.seq(Expr.lit("x"), Expr.opt(Expr.lit("yy")), Expr.lit(";")));
        b.rule("c", Expr.seq(Expr.ref("maybe"), Expr.lex(Lexeme.regex("WORD", "[a-c]{2,4}")), Expr.ref("maybe")));
        b.rule("maybe", Expr.alt(Expr.empty(), Expr.lit("!"), Expr.seq(Expr.ref("maybe"), Expr.lit("?"))));
        return b.build();
    }

    /**
     * A regular-expression language shaped like ANTLR's PCRE grammar: one-character lexemes and
     * {@code element: atom quantifier?}, so after every atom an item waits for an optional
     * quantifier with its origin at the position before that atom.
     */
    static Grammar regexLike() {
        Grammar.Builder b = Grammar.builder("regexLike");
        b.rule("alternation", Expr.seq(Expr.ref("expr"), Expr.star(Expr.seq(Expr.lit("|"), Expr.opt(Expr.ref("expr"))))));
        b.rule("expr", Expr.plus(Expr.ref("element")));
        b.rule("element", Expr.seq(Expr.ref("atom"), Expr.opt(Expr.ref("quantifier"))));
        b.rule("atom", Expr.alt(
                Expr.lex(Lexeme.regex("CHAR", "[a-z0-9 ,]")),
                Expr.seq(Expr.lit("("), Expr.ref("alternation"), Expr.lit(")")),
                Expr.seq(Expr.lit("("), Expr.lit("?"), Expr.lit(":"), Expr.ref("alternation"), Expr.lit(")"))));
        b.rule("quantifier", Expr.seq(Expr.alt(Expr.lit("*"), Expr.lit("+"), Expr.lit("?")), Expr.opt(Expr.lit("?"))));
        return b.build();
    }

    /** Keywords against identifiers with ANTLR-style lexing (all lexemes in play, keywords win ties). */
    static Grammar keywords() {
        Lexeme kwIf = Lexeme.literal("if");
        Lexeme kwThen = Lexeme.literal("then");
        Lexeme id = Lexeme.regex("ID", "[a-z]+");
        Grammar.Builder b = Grammar.builder("keywords");
        b.rule("prog", Expr.plus(Expr.ref("stmt")));
        b.rule("stmt", Expr.alt(
                Expr.seq(Expr.lex(kwIf), Expr.lex(id), Expr.lex(kwThen), Expr.ref("stmt")),
                Expr.seq(Expr.lex(id), Expr.lit("="), Expr.lex(Lexeme.regex("INT", "[0-9]+")), Expr.lit(";"))));
        b.ignorable(Lexeme.regex("WS", "[ \\n]+"), true);
        b.ignorable(Lexeme.regex("COMMENT", "#[^\\n]*\\n"), true);
        b.priority(kwIf, -1);
        b.priority(kwThen, -1);
        return b.build();
    }

    /**
     * ANTLR's longest-match fallback, with ANTLR-style lexing: {@code '.'} against {@code '...'},
     * INT against FLOAT (whose {@code 1.} is no token), and {@code '/'} against a block comment
     * (skipped) that may run unclosed to the end. A lexeme that dies past an accept ends there.
     */
    static Grammar fallback() {
        Lexeme id = Lexeme.regex("ID", "[a-z]+");
        Lexeme integer = Lexeme.regex("INT", "[0-9]+");
        Lexeme real = Lexeme.regex("FLOAT", "[0-9]+\\.[0-9]+");
        Grammar.Builder b = Grammar.builder("fallback");
        b.rule("prog", Expr.plus(Expr.ref("stmt")));
        b.rule("stmt", Expr.seq(Expr.lex(id), Expr.star(Expr.seq(Expr.plus(Expr.lit(".")), Expr.lex(id))),
                Expr.lit("("), Expr.opt(Expr.ref("args")), Expr.lit(")"), Expr.lit(";")));
        b.rule("args", Expr.seq(Expr.ref("arg"), Expr.star(Expr.seq(Expr.lit(","), Expr.ref("arg")))));
        b.rule("arg", Expr.alt(Expr.seq(Expr.ref("arg"), Expr.alt(Expr.lit("/"), Expr.lit("*")), Expr.ref("atom")), Expr.ref("atom")));
        b.rule("atom", Expr.alt(Expr.lex(integer), Expr.lex(real), Expr.lex(id), Expr.lit("..."),
                Expr.seq(Expr.lit("*"), Expr.ref("atom"))));
        b.ignorable(Lexeme.regex("WS", " +"), true);
        b.ignorable(Lexeme.regex("COMMENT", "/\\*([^*]|\\*+[^*/])*\\*+/"), true);
        return b.build();
    }
}
