package dev.stencil.grammars;

import dev.stencil.automata.ir.Expr;
import dev.stencil.automata.ir.Grammar;
import dev.stencil.automata.ir.Lexeme;
import dev.stencil.automata.regex.CodePointSet;
import dev.stencil.automata.regex.Regex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads llama.cpp's GBNF format into the grammar IR: rules {@code name ::= ...}, quoted literals,
 * character classes ({@code [a-z]}, {@code [^"\\]}) with backslash x/u/U hex escapes
 * escapes, {@code .}, groups, {@code | * + ?}, {@code {m}}, {@code {m,}}, {@code {m,n}} and
 * {@code #} comments. The start rule is {@code root}. As in llama.cpp, a newline ends a rule except
 * inside parentheses, right after {@code ::=} and right after {@code |}.
 *
 * <p>GBNF terminals are characters, while the IR's terminals are lexemes lexed by maximal munch.
 * The translation keeps the character-level language exactly by making the set of lexemes
 * prefix-free: every character class is one single-character lexeme, and every literal is one
 * lexeme unless some proper prefix of it is also a lexeme (then maximal munch could swallow a
 * boundary the grammar needs, e.g. {@code "a" [b] "x" | "ab" "y"} on {@code abx}), in which case
 * that literal is split into single characters. With a prefix-free lexeme set every string has at
 * most one split into lexemes and maximal munch finds it. Compile the result with
 * {@code lexAllLexemes = false}: terminals are parser-level, as GBNF means them.
 *
 * <p>That plain translation puts a lexeme boundary at almost every byte, which makes masks slow.
 * By default {@link #read(String, String)} therefore merges regular sub-expressions into single
 * lexemes wherever maximal munch provably keeps the language ({@link GbnfLexemeMerger}).
 */
public final class GbnfGrammarReader {
    /** GBNF's fixed start rule. */
    public static final String START = "root";

    private final String src;
    private final String file;
    private int pos;

    // --- a small syntax tree, so that literal splitting can look at the whole grammar first ---
    sealed interface Node permits Lit, Cls, RuleRef, SeqN, AltN, RepN {
    }

    record Lit(String text) implements Node {
    }

    record Cls(CodePointSet set) implements Node {
    }

    record RuleRef(String name, int at) implements Node {
    }

    record SeqN(List<Node> parts) implements Node {
    }

    record AltN(List<Node> alternatives) implements Node {
    }

    record RepN(Node body, int min, int max) implements Node {
    }

    private GbnfGrammarReader(String src, String file) {
        this.src = src;
        this.file = file;
    }

    /** Reads a GBNF file; errors name the file, line and column. */
    public static Grammar read(Path path) {
        try {
            return read(Files.readString(path, StandardCharsets.UTF_8), path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read GBNF grammar " + path, e);
        }
    }

    /**
     * Reads GBNF text.
     *
     * @param fileName used in error messages and as the grammar's name
     * @throws GrammarSyntaxException with {@code file:line:column} on malformed input, undefined
     *     rules, a rule defined twice or a missing {@code root}
     */
    public static Grammar read(String text, String fileName) {
        return read(text, fileName, true);
    }

    /**
     * Reads GBNF text, optionally without merging regular sub-expressions into larger lexemes
     * (see {@link GbnfLexemeMerger}); both forms accept exactly the same strings, the merged one
     * just has far fewer lexeme boundaries, which is what makes masks fast.
     *
     * @param mergeLexemes false for the plain translation: one lexeme per class and per literal
     */
    public static Grammar read(String text, String fileName, boolean mergeLexemes) {
        return new GbnfGrammarReader(text, fileName).parseGrammar(mergeLexemes);
    }

    private Grammar parseGrammar(boolean mergeLexemes) {
        Map<String, Node> rules = new LinkedHashMap<>();
        List<RuleRef> refs = new ArrayList<>();
        skipSpace(true);
        while (pos < src.length()) {
            int nameAt = pos;
            String name = parseName();
            skipSpace(false);
            if (!src.startsWith("::=", pos)) {
                throw error(pos, "expected '::=' after rule name '" + name + "'");
            }
            pos += 3;
            skipSpace(true);
            Node body = parseAlternatives(false, refs);
            if (pos < src.length() && src.charAt(pos) != '\n' && src.charAt(pos) != '\r') {
                throw error(pos, "expected a newline or the end of the grammar after rule '" + name + "', found '"
                        + describe(pos) + "'");
            }
            if (rules.putIfAbsent(name, body) != null) {
                throw error(nameAt, "rule '" + name + "' is defined twice");
            }
            skipSpace(true);
        }
        for (RuleRef r : refs) {
            if (!rules.containsKey(r.name())) {
                throw error(r.at(), "rule '" + r.name() + "' is not defined");
            }
        }
        if (!rules.containsKey(START)) {
            throw new GrammarSyntaxException(file, 0, 0, "GBNF grammar has no '" + START + "' rule (the start rule)");
        }
        if (mergeLexemes) {
            return GbnfLexemeMerger.translate(file, rules);
        }
        Set<String> whole = wholeLiterals(rules.values());
        Grammar.Builder b = Grammar.builder(file);
        rules.forEach((name, body) -> b.rule(name, toExpr(body, whole)));
        return b.start(START).build();
    }

    // ---------------------------------------------------------------- syntax

    private Node parseAlternatives(boolean nested, List<RuleRef> refs) {
        List<Node> alts = new ArrayList<>();
        alts.add(parseSequence(nested, refs));
        while (pos < src.length() && src.charAt(pos) == '|') {
            pos++;
            skipSpace(true);
            alts.add(parseSequence(nested, refs));
        }
        return alts.size() == 1 ? alts.get(0) : new AltN(alts);
    }

    private Node parseSequence(boolean nested, List<RuleRef> refs) {
        List<Node> parts = new ArrayList<>();
        while (pos < src.length()) {
            char c = src.charAt(pos);
            Node item;
            if (c == '"') {
                item = parseLiteral();
            } else if (c == '[') {
                item = parseClass();
            } else if (c == '.') {
                pos++;
                item = new Cls(CodePointSet.any());
            } else if (c == '(') {
                int open = pos++;
                skipSpace(true);
                item = parseAlternatives(true, refs);
                if (pos >= src.length() || src.charAt(pos) != ')') {
                    throw error(open, "unclosed '(': expected ')'");
                }
                pos++;
            } else if (isNameChar(c)) {
                int at = pos;
                RuleRef r = new RuleRef(parseName(), at);
                refs.add(r);
                item = r;
            } else if (c == '|' || c == ')' || c == '\n' || c == '\r') {
                break;
            } else if (c == '*' || c == '+' || c == '?' || c == '{') {
                throw error(pos, "'" + c + "' has nothing to repeat");
            } else {
                throw error(pos, "unexpected '" + describe(pos) + "'");
            }
            skipSpace(nested);
            item = parsePostfix(item, nested);
            parts.add(item);
        }
        return parts.size() == 1 ? parts.get(0) : new SeqN(parts);
    }

    private Node parsePostfix(Node item, boolean nested) {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '*') {
                item = new RepN(item, 0, -1);
            } else if (c == '+') {
                item = new RepN(item, 1, -1);
            } else if (c == '?') {
                item = new RepN(item, 0, 1);
            } else if (c == '{') {
                int open = pos++;
                skipSpace(nested);
                int min = parseInt();
                int max = min;
                skipSpace(nested);
                if (pos < src.length() && src.charAt(pos) == ',') {
                    pos++;
                    skipSpace(nested);
                    max = pos < src.length() && Character.isDigit(src.charAt(pos)) ? parseInt() : -1;
                    skipSpace(nested);
                }
                if (pos >= src.length() || src.charAt(pos) != '}') {
                    throw error(open, "malformed repetition: expected '{m}', '{m,}' or '{m,n}'");
                }
                if (max != -1 && max < min) {
                    throw error(open, "repetition {" + min + "," + max + "} has its maximum below its minimum");
                }
                item = new RepN(item, min, max);
            } else {
                break;
            }
            pos++;
            skipSpace(nested);
        }
        return item;
    }

    private int parseInt() {
        int start = pos;
        while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw error(pos, "expected a number in the repetition");
        }
        try {
            return Integer.parseInt(src.substring(start, pos));
        } catch (NumberFormatException e) {
            throw error(start, "repetition count too large");
        }
    }

    private Node parseLiteral() {
        int open = pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= src.length() || src.charAt(pos) == '\n') {
                throw error(open, "unterminated string literal");
            }
            if (src.charAt(pos) == '"') {
                pos++;
                return new Lit(sb.toString());
            }
            sb.appendCodePoint(parseChar());
        }
    }

    private Node parseClass() {
        int open = pos++;
        boolean negated = pos < src.length() && src.charAt(pos) == '^';
        if (negated) {
            pos++;
        }
        CodePointSet.Builder set = new CodePointSet.Builder();
        while (true) {
            if (pos >= src.length() || src.charAt(pos) == '\n') {
                throw error(open, "unterminated character class");
            }
            if (src.charAt(pos) == ']') {
                pos++;
                break;
            }
            int lo = parseChar();
            int hi = lo;
            if (pos + 1 < src.length() && src.charAt(pos) == '-' && src.charAt(pos + 1) != ']' && src.charAt(pos + 1) != '\n') {
                int dash = pos++;
                hi = parseChar();
                if (hi < lo) {
                    throw error(dash, "character range is out of order");
                }
            }
            set.add(lo, hi);
        }
        CodePointSet s = set.build();
        return new Cls(negated ? s.complement() : s);
    }

    /** One possibly escaped character of a literal or class. */
    private int parseChar() {
        int cp = src.codePointAt(pos);
        if (cp != '\\') {
            pos += Character.charCount(cp);
            return cp;
        }
        int esc = pos;
        if (pos + 1 >= src.length()) {
            throw error(esc, "incomplete escape sequence");
        }
        char c = src.charAt(pos + 1);
        pos += 2;
        return switch (c) {
            case 'x' -> hex(esc, 2);
            case 'u' -> hex(esc, 4);
            case 'U' -> hex(esc, 8);
            case 't' -> '\t';
            case 'r' -> '\r';
            case 'n' -> '\n';
            case '\\', '"', '[', ']', '-', '^', '/', '\'' -> c;
            default -> throw error(esc, "unknown escape sequence '\\" + c + "'");
        };
    }

    private int hex(int esc, int digits) {
        if (pos + digits > src.length()) {
            throw error(esc, "expected " + digits + " hex digits in the escape");
        }
        int v = 0;
        for (int i = 0; i < digits; i++) {
            int d = Character.digit(src.charAt(pos + i), 16);
            if (d < 0) {
                throw error(pos + i, "expected " + digits + " hex digits in the escape");
            }
            v = v * 16 + d;
        }
        pos += digits;
        if (v > CodePointSet.MAX_CODE_POINT) {
            throw error(esc, "code point U+" + Integer.toHexString(v).toUpperCase() + " is beyond U+10FFFF");
        }
        return v;
    }

    private String parseName() {
        int start = pos;
        while (pos < src.length() && isNameChar(src.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw error(pos, "expected a rule name, found '" + describe(pos) + "'");
        }
        return src.substring(start, pos);
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    /** Skips blanks and comments; newlines too when {@code newlines}. */
    private void skipSpace(boolean newlines) {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == ' ' || c == '\t' || (newlines && (c == '\n' || c == '\r'))) {
                pos++;
            } else if (c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n' && src.charAt(pos) != '\r') {
                    pos++;
                }
            } else {
                break;
            }
        }
    }

    private String describe(int at) {
        if (at >= src.length()) {
            return "end of input";
        }
        int cp = src.codePointAt(at);
        return cp == '\n' ? "\\n" : new String(Character.toChars(cp));
    }

    private GrammarSyntaxException error(int at, String message) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < at && i < src.length(); i++) {
            if (src.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new GrammarSyntaxException(file, line, col, message);
    }

    // ---------------------------------------------------------------- lexemes

    /**
     * The literals that may stay one lexeme: those with no proper prefix that is itself a lexeme.
     * Splitting a literal adds its characters as lexemes, which can make further literals
     * conflict, so this runs to a fixed point.
     */
    static Set<String> wholeLiterals(Iterable<Node> bodies) {
        Set<String> literals = new HashSet<>();
        CodePointSet.Builder singles = new CodePointSet.Builder();
        for (Node n : bodies) {
            collect(n, literals, singles);
        }
        CodePointSet single = singles.build();
        Set<String> whole = new HashSet<>();
        for (String l : literals) {
            if (l.codePointCount(0, l.length()) > 1) {
                whole.add(l);
            } else {
                single = single.union(CodePointSet.single(l.codePointAt(0)));
            }
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (String l : List.copyOf(whole)) {
                if (hasLexemePrefix(l, whole, single)) {
                    whole.remove(l);
                    single = single.union(CodePointSet.ofCodePoints(l));
                    changed = true;
                }
            }
        }
        return whole;
    }

    private static boolean hasLexemePrefix(String l, Set<String> whole, CodePointSet single) {
        if (single.contains(l.codePointAt(0))) {
            return true;
        }
        for (int i = Character.charCount(l.codePointAt(0)); i < l.length(); i += Character.charCount(l.codePointAt(i))) {
            if (whole.contains(l.substring(0, i))) {
                return true;
            }
        }
        return false;
    }

    private static void collect(Node n, Set<String> literals, CodePointSet.Builder singles) {
        if (n instanceof Lit l) {
            if (!l.text().isEmpty()) {
                literals.add(l.text());
            }
        } else if (n instanceof Cls c) {
            singles.addAll(c.set());
        } else if (n instanceof SeqN s) {
            s.parts().forEach(p -> collect(p, literals, singles));
        } else if (n instanceof AltN a) {
            a.alternatives().forEach(p -> collect(p, literals, singles));
        } else if (n instanceof RepN r) {
            collect(r.body(), literals, singles);
        }
    }

    private static Expr toExpr(Node n, Set<String> whole) {
        if (n instanceof Lit l) {
            return literal(l.text(), whole);
        } else if (n instanceof Cls c) {
            return Expr.lex(charClass(c.set()));
        } else if (n instanceof RuleRef r) {
            return Expr.ref(r.name());
        } else if (n instanceof SeqN s) {
            return new Expr.Seq(s.parts().stream().map(p -> toExpr(p, whole)).toList());
        } else if (n instanceof AltN a) {
            return new Expr.Alt(a.alternatives().stream().map(p -> toExpr(p, whole)).toList());
        }
        RepN r = (RepN) n;
        return Expr.repeat(toExpr(r.body(), whole), r.min(), r.max());
    }

    static Expr literal(String text, Set<String> whole) {
        if (text.isEmpty()) {
            return Expr.empty();
        }
        if (whole.contains(text) || text.codePointCount(0, text.length()) == 1) {
            return Expr.lit(text);
        }
        return new Expr.Seq(text.codePoints().mapToObj(cp -> Expr.lit(new String(Character.toChars(cp)))).toList());
    }

    /** One lexeme per distinct class; a one-character class is the same lexeme as that literal. */
    static Lexeme charClass(CodePointSet set) {
        if (set.size() == 1) {
            return Lexeme.literal(new String(Character.toChars(set.rangeLo(0))));
        }
        StringBuilder name = new StringBuilder("[");
        for (int i = 0; i < set.rangeCount(); i++) {
            name.append(i == 0 ? "" : ",").append(Integer.toHexString(set.rangeLo(i)));
            if (set.rangeHi(i) != set.rangeLo(i)) {
                name.append('-').append(Integer.toHexString(set.rangeHi(i)));
            }
        }
        return Lexeme.of(name.append(']').toString(), Regex.chars(set));
    }
}
