package dev.stencil.grammars;

import dev.stencil.automata.ir.Grammar;
import dev.stencil.automata.regex.CodePointSet;
import dev.stencil.grammars.GbnfGrammarReader.AltN;
import dev.stencil.grammars.GbnfGrammarReader.Cls;
import dev.stencil.grammars.GbnfGrammarReader.Lit;
import dev.stencil.grammars.GbnfGrammarReader.Node;
import dev.stencil.grammars.GbnfGrammarReader.RepN;
import dev.stencil.grammars.GbnfGrammarReader.RuleRef;
import dev.stencil.grammars.GbnfGrammarReader.SeqN;
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
 * Reads the W3C-style EBNF of the XML specification (section 6, "Notation",
 * https://www.w3.org/TR/xml/#sec-notation) into the grammar IR.
 *
 * <p>Accepted: rules {@code symbol ::= expression}, optionally numbered {@code [12]} as in the
 * specifications; {@code #xN}; {@code [a-zA-Z]}, {@code [#xN-#xN]}, {@code [abc]},
 * {@code [#xN#xN]} and their {@code [^...]} complements; {@code "string"} and {@code 'string'};
 * {@code (expression)}; postfix {@code ? + *}; {@code A - B}; concatenation; {@code A | B};
 * {@code /* ... *}{@code /} comments. A rule ends where the next {@code symbol ::=} begins.
 *
 * <p>Like GBNF, the terminals are characters, so the rules go through the same translation
 * ({@link GbnfLexemeMerger}): exact, with regular parts merged into lexemes. {@code A - B} is
 * compiled when both sides stand for single characters (e.g. {@code Char - '-'},
 * {@code [^<&] - ']'}), which covers the specifications' character exclusions; a difference of
 * longer strings is a compile error naming its position, never an approximation. The
 * well-formedness and validity annotations {@code [ wfc: ... ]} and {@code [ vc: ... ]} are not
 * grammar: each one is listed in {@link Result#warnings()} (the language then is a superset of
 * what the annotation demands), or rejected in strict mode.
 */
public final class EbnfGrammarReader {
    private final String src;
    private final String file;
    private final boolean strict;
    private final List<String> warnings = new ArrayList<>();
    private int pos;

    /**
     * @param grammar the IR; its start rule is the chosen one
     * @param warnings one line per ignored constraint annotation, {@code file:line:column: ...}
     */
    public record Result(Grammar grammar, List<String> warnings) {
        public Result {
            warnings = List.copyOf(warnings);
        }
    }

    private EbnfGrammarReader(String src, String file, boolean strict) {
        this.src = src;
        this.file = file;
        this.strict = strict;
    }

    /** Reads an EBNF file; {@code start} null for the first rule. */
    public static Result read(Path path, String start, boolean strict) {
        try {
            return read(Files.readString(path, StandardCharsets.UTF_8), path.getFileName().toString(), start, strict);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read EBNF grammar " + path, e);
        }
    }

    /**
     * Reads EBNF text.
     *
     * @param start the start rule, or null for the first rule
     * @param strict reject constraint annotations instead of listing them as warnings
     * @throws GrammarSyntaxException with {@code file:line:column} on malformed input, undefined or
     *     twice-defined rules, or a difference that is not between single characters
     */
    public static Result read(String text, String fileName, String start, boolean strict) {
        return new EbnfGrammarReader(text, fileName, strict).parseGrammar(start);
    }

    private Result parseGrammar(String start) {
        // Pass 1 only learns which rules are plain character sets, so that a difference may refer
        // to one defined further down ('Char - ...' before 'Char ::= ...'); pass 2 is the real one.
        firstPass = true;
        parseRules(new LinkedHashMap<>(), new ArrayList<>());
        firstPass = false;
        pos = 0;
        warnings.clear();
        annotated.clear();
        Map<String, Integer> definedAt = new LinkedHashMap<>();
        List<RuleRef> refs = new ArrayList<>();
        Map<String, Node> rules = parseRules(definedAt, refs);
        return finish(rules, definedAt, refs, start);
    }

    private boolean firstPass;
    /** Whether the rule being parsed has a difference (pass 1 cannot know such a rule's characters). */
    private boolean sawDifference;

    private Map<String, Node> parseRules(Map<String, Integer> definedAt, List<RuleRef> refs) {
        Map<String, Node> rules = new LinkedHashMap<>();
        skipSpace();
        while (pos < src.length()) {
            skipRuleNumber();
            int nameAt = pos;
            if (pos >= src.length() || !isNameStart(src.charAt(pos))) {
                throw error(pos, "expected a rule name, found '" + describe(pos) + "'");
            }
            String name = parseName();
            skipSpace();
            if (!src.startsWith("::=", pos)) {
                throw error(pos, "expected '::=' after rule name '" + name + "'");
            }
            pos += 3;
            skipSpace();
            sawDifference = false;
            Node body = parseAlternatives(refs);
            if (definedAt.putIfAbsent(name, nameAt) != null) {
                throw error(nameAt, "rule '" + name + "' is defined twice");
            }
            rules.put(name, body);
            if (!firstPass || !sawDifference) {
                definedSoFar.put(name, body);
            }
        }
        return rules;
    }

    private Result finish(Map<String, Node> rules, Map<String, Integer> definedAt, List<RuleRef> refs, String start) {
        if (rules.isEmpty()) {
            throw new GrammarSyntaxException(file, 0, 0, "the EBNF grammar has no rules");
        }
        for (RuleRef r : refs) {
            if (!rules.containsKey(r.name())) {
                throw error(r.at(), "rule '" + r.name() + "' is not defined");
            }
        }
        String first = rules.keySet().iterator().next();
        String chosen = start != null ? start : first;
        if (!rules.containsKey(chosen)) {
            throw new GrammarSyntaxException(file, 0, 0, "start rule '" + chosen + "' is not defined");
        }
        // the shared translation starts at GBNF's 'root': name the chosen rule so
        if (!chosen.equals(GbnfGrammarReader.START)) {
            if (rules.containsKey(GbnfGrammarReader.START)) {
                throw error(definedAt.get(GbnfGrammarReader.START), "a rule named '" + GbnfGrammarReader.START
                        + "' that is not the start rule is not supported");
            }
            Map<String, Node> withRoot = new LinkedHashMap<>();
            withRoot.put(GbnfGrammarReader.START, new RuleRef(chosen, 0));
            withRoot.putAll(rules);
            rules = withRoot;
        }
        return new Result(GbnfLexemeMerger.translate(file, rules), warnings);
    }

    // ---------------------------------------------------------------- syntax

    /** {@code A | B}: lowest precedence. */
    private Node parseAlternatives(List<RuleRef> refs) {
        List<Node> alts = new ArrayList<>();
        alts.add(parseSequence(refs));
        while (pos < src.length() && src.charAt(pos) == '|') {
            pos++;
            skipSpace();
            alts.add(parseSequence(refs));
        }
        return alts.size() == 1 ? alts.get(0) : new AltN(alts);
    }

    /** Concatenation of differences; stops before '|', ')' or the next rule. */
    private Node parseSequence(List<RuleRef> refs) {
        List<Node> parts = new ArrayList<>();
        while (pos < src.length() && !atSequenceEnd()) {
            parts.add(parseDifference(refs));
        }
        if (parts.isEmpty()) {
            throw error(pos, "expected an expression, found '" + describe(pos) + "'");
        }
        return parts.size() == 1 ? parts.get(0) : new SeqN(parts);
    }

    private boolean atSequenceEnd() {
        char c = src.charAt(pos);
        return c == '|' || c == ')' || atRuleStart();
    }

    /** {@code A - B}: binds tighter than concatenation; both sides must be single characters. */
    private Node parseDifference(List<RuleRef> refs) {
        int at = pos;
        Node left = parsePostfix(refs);
        while (pos < src.length() && src.charAt(pos) == '-') {
            int minusAt = pos++;
            skipSpace();
            Node right = parsePostfix(refs);
            sawDifference = true;
            if (firstPass) {
                continue; // characters of differences are resolved in pass 2
            }
            CodePointSet l = singleCharacters(left, new HashSet<>());
            CodePointSet r = singleCharacters(right, new HashSet<>());
            if (l == null || r == null) {
                throw error(minusAt, "'A - B' is supported only where both sides match single characters"
                        + " (here the " + (l == null ? "left" : "right") + " side does not); a difference of longer"
                        + " strings is not compiled (the grammar would otherwise accept too much)");
            }
            left = new Cls(l.minus(r));
        }
        return left;
    }

    private Node parsePostfix(List<RuleRef> refs) {
        Node item = parsePrimary(refs);
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '*') {
                item = new RepN(item, 0, -1);
            } else if (c == '+') {
                item = new RepN(item, 1, -1);
            } else if (c == '?') {
                item = new RepN(item, 0, 1);
            } else {
                break;
            }
            pos++;
            skipSpace();
        }
        return item;
    }

    private Node parsePrimary(List<RuleRef> refs) {
        char c = src.charAt(pos);
        Node item;
        if (c == '"' || c == '\'') {
            item = parseLiteral(c);
        } else if (c == '[') {
            item = parseClass();
        } else if (src.startsWith("#x", pos)) {
            item = new Lit(new String(Character.toChars(parseHexChar())));
        } else if (c == '(') {
            int open = pos++;
            skipSpace();
            item = parseAlternatives(refs);
            if (pos >= src.length() || src.charAt(pos) != ')') {
                throw error(open, "unclosed '(': expected ')'");
            }
            pos++;
        } else if (isNameStart(c)) {
            int at = pos;
            RuleRef r = new RuleRef(parseName(), at);
            refs.add(r);
            item = r;
        } else if (c == '*' || c == '+' || c == '?') {
            throw error(pos, "'" + c + "' has nothing to repeat");
        } else {
            throw error(pos, "unexpected '" + describe(pos) + "'");
        }
        skipSpace();
        return item;
    }

    private Node parseLiteral(char quote) {
        int open = pos++;
        int end = src.indexOf(quote, pos);
        int newline = src.indexOf('\n', pos);
        if (end < 0 || (newline >= 0 && newline < end)) {
            throw error(open, "unterminated string literal");
        }
        String text = src.substring(pos, end);
        pos = end + 1;
        if (text.isEmpty()) {
            throw error(open, "empty string literal");
        }
        return new Lit(text);
    }

    /** {@code [...]} and {@code [^...]}: characters, {@code #xN}, ranges of either. */
    private Node parseClass() {
        int open = pos++;
        boolean negated = pos < src.length() && src.charAt(pos) == '^';
        if (negated) {
            pos++;
        }
        CodePointSet.Builder set = new CodePointSet.Builder();
        boolean any = false;
        while (true) {
            if (pos >= src.length() || src.charAt(pos) == '\n') {
                throw error(open, "unterminated character class");
            }
            if (src.charAt(pos) == ']' && any) {
                pos++;
                break;
            }
            int lo = classChar();
            int hi = lo;
            if (pos + 1 < src.length() && src.charAt(pos) == '-' && src.charAt(pos + 1) != ']') {
                int dash = pos++;
                hi = classChar();
                if (hi < lo) {
                    throw error(dash, "character range is out of order");
                }
            }
            set.add(lo, hi);
            any = true;
        }
        CodePointSet s = set.build();
        return new Cls(negated ? s.complement() : s);
    }

    private int classChar() {
        if (src.startsWith("#x", pos)) {
            return parseHexChar();
        }
        int cp = src.codePointAt(pos);
        pos += Character.charCount(cp);
        return cp;
    }

    private int parseHexChar() {
        int at = pos;
        pos += 2;
        int start = pos;
        while (pos < src.length() && Character.digit(src.charAt(pos), 16) >= 0) {
            pos++;
        }
        if (start == pos || pos - start > 6) {
            throw error(at, "malformed '#x' character: expected 1 to 6 hex digits");
        }
        int cp = Integer.parseInt(src.substring(start, pos), 16);
        if (cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)) {
            throw error(at, "'#x" + src.substring(start, pos) + "' is not a Unicode scalar value");
        }
        return cp;
    }

    /** The characters {@code n} stands for if it matches exactly one character, else null. */
    private CodePointSet singleCharacters(Node n, Set<String> visiting) {
        if (n instanceof Cls c) {
            return c.set();
        }
        if (n instanceof Lit l) {
            return l.text().codePointCount(0, l.text().length()) == 1 ? CodePointSet.single(l.text().codePointAt(0)) : null;
        }
        if (n instanceof AltN a) {
            CodePointSet all = CodePointSet.empty();
            for (Node alt : a.alternatives()) {
                CodePointSet s = singleCharacters(alt, visiting);
                if (s == null) {
                    return null;
                }
                all = all.union(s);
            }
            return all;
        }
        if (n instanceof SeqN s && s.parts().size() == 1) {
            return singleCharacters(s.parts().get(0), visiting);
        }
        if (n instanceof RuleRef r) {
            // a reference to a rule defined earlier as a character set (e.g. Char): resolve it
            Node body = definedSoFar.get(r.name());
            if (body == null || !visiting.add(r.name())) {
                return null;
            }
            return singleCharacters(body, visiting);
        }
        return null;
    }

    /** Rules parsed so far, for resolving {@code Char - ...} where Char is a character-set rule. */
    private final Map<String, Node> definedSoFar = new LinkedHashMap<>();

    // ---------------------------------------------------------------- lexical helpers

    /** Whether a new rule ({@code [N]}? name {@code ::=}) starts at {@code pos}. */
    private boolean atRuleStart() {
        int p = pos;
        if (p < src.length() && src.charAt(p) == '[') {
            int q = p + 1;
            while (q < src.length() && Character.isDigit(src.charAt(q))) {
                q++;
            }
            if (q == p + 1 || q >= src.length() || src.charAt(q) != ']') {
                return false;
            }
            p = skipSpaceFrom(q + 1);
        }
        if (p >= src.length() || !isNameStart(src.charAt(p))) {
            return false;
        }
        while (p < src.length() && isNameChar(src.charAt(p))) {
            p++;
        }
        p = skipSpaceFrom(p);
        return src.startsWith("::=", p);
    }

    private void skipRuleNumber() {
        if (pos < src.length() && src.charAt(pos) == '[') {
            int q = pos + 1;
            while (q < src.length() && Character.isDigit(src.charAt(q))) {
                q++;
            }
            if (q > pos + 1 && q < src.length() && src.charAt(q) == ']') {
                pos = q + 1;
                skipSpace();
            }
        }
    }

    private String parseName() {
        int start = pos;
        while (pos < src.length() && isNameChar(src.charAt(pos))) {
            pos++;
        }
        return src.substring(start, pos);
    }

    private static boolean isNameStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isNameChar(char c) {
        // no '-': it is the difference operator
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /** Skips whitespace, comments and constraint annotations ({@code [ wfc: ... ]}, {@code [ vc: ... ]}). */
    private void skipSpace() {
        pos = skipSpaceFrom(pos);
    }

    private int skipSpaceFrom(int p) {
        while (p < src.length()) {
            char c = src.charAt(p);
            if (Character.isWhitespace(c)) {
                p++;
            } else if (src.startsWith("/*", p)) {
                int end = src.indexOf("*/", p + 2);
                if (end < 0) {
                    throw error(p, "unterminated comment");
                }
                p = end + 2;
            } else if (c == '[' && isAnnotation(p)) {
                int end = src.indexOf(']', p);
                if (end < 0) {
                    throw error(p, "unterminated constraint annotation");
                }
                String text = src.substring(p, end + 1).replaceAll("\\s+", " ");
                if (!firstPass && annotated.add(p)) {
                    int[] lc = lineCol(p);
                    if (strict) {
                        throw error(p, "strict mode: cannot honour constraint " + text
                                + "; without it the language would be a superset");
                    }
                    warnings.add(file + ":" + lc[0] + ":" + lc[1] + ": ignored constraint " + text);
                }
                p = end + 1;
            } else {
                break;
            }
        }
        return p;
    }

    private final Set<Integer> annotated = new HashSet<>();

    private boolean isAnnotation(int p) {
        int q = p + 1;
        while (q < src.length() && src.charAt(q) == ' ') {
            q++;
        }
        return src.startsWith("wfc:", q) || src.startsWith("vc:", q) || src.startsWith("WFC:", q) || src.startsWith("VC:", q);
    }

    private String describe(int at) {
        if (at >= src.length()) {
            return "end of input";
        }
        int cp = src.codePointAt(at);
        return cp == '\n' ? "\\n" : new String(Character.toChars(cp));
    }

    private int[] lineCol(int at) {
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
        return new int[] {line, col};
    }

    private GrammarSyntaxException error(int at, String message) {
        int[] lc = lineCol(at);
        return new GrammarSyntaxException(file, lc[0], lc[1], message);
    }
}
