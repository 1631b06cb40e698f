package dev.stencil.automata.regex;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Parses ECMAScript-style regular expressions (the dialect of JSON Schema's {@code pattern}) into
 * {@link Regex} trees. The syntax is that of ECMA-262 with the {@code u} flag, with a few Annex B
 * leniencies that real-world schemas rely on.
 *
 * <p>Supported: literals; {@code .}; escapes {@code \d \D \w \W \s \S \n \r \t \f \v \0 \cX \xHH}
 * <code>&#92;uHHHH &#92;u{H..}</code> (a <code>&#92;uHHHH&#92;uHHHH</code> surrogate pair denotes one code
 * point); identity escapes
 * of any character that is not an ASCII letter, digit or underscore (so {@code \/ \\ \. \- \"});
 * {@code \p{..}}/{@code \P{..}} for the properties {@link UnicodeProperties} knows; classes
 * {@code [..]} and {@code [^..]} with ranges and escapes ({@code \b} is backspace inside a class;
 * {@code []} matches nothing and {@code [^]} any code point); groups {@code (..)}, {@code (?:..)},
 * {@code (?<name>..)}; alternation; quantifiers {@code * + ? {n} {n,} {n,m}} and their lazy forms,
 * which denote the same language. A {@code {} that does not start a well-formed quantifier, and a
 * lone {@code ]} or {@code }}, are literals (Annex B).
 *
 * <p>Rejected with {@link RegexSyntaxException}, because a full-match byte automaton cannot express
 * them: back-references ({@code \1}, {@code \k<name>}), look-ahead and look-behind, word boundaries
 * ({@code \b \B}), inline modifiers ({@code (?i)}), octal escapes, and anchors. {@link #parse} rejects
 * every anchor; {@link #parseAnchored} accepts a {@code ^} at the very start and a {@code $} at the very
 * end (when they apply to the whole pattern) and reports them.
 *
 * <p>Case-insensitive parsing replaces every literal code point, class range and class escape by
 * its closure under {@link CodePointSet#withCaseVariants()} (before a class is negated, as ECMAScript
 * does). Multi-character foldings such as ß/SS are not applied; {@code .} is not affected.
 *
 * <p>Lone surrogates cannot occur in UTF-8, so a surrogate literal or escape that is not half of a
 * pair is an error, except as a class range endpoint, where the surrogates inside the range are
 * simply dropped (<code>[&#92;u0000-&#92;uFFFF]</code> is the BMP without surrogates).
 */
public final class RegexParser {
    private final String pattern;
    private final boolean caseInsensitive;
    private final boolean anchorsAllowed;
    private final Set<String> groupNames = new HashSet<>();
    private int pos;
    private int depth;
    private boolean anchoredStart;
    private boolean anchoredEnd;
    private int firstAnchorIndex = -1;

    private RegexParser(String pattern, boolean caseInsensitive, boolean anchorsAllowed) {
        this.pattern = pattern;
        this.caseInsensitive = caseInsensitive;
        this.anchorsAllowed = anchorsAllowed;
    }

    /**
     * Parses {@code pattern}; any anchor is an error.
     *
     * @throws RegexSyntaxException if the pattern is malformed or uses an unsupported construct
     */
    public static Regex parse(String pattern) {
        return parse(pattern, false);
    }

    /**
     * Parses {@code pattern}, optionally case-insensitively; any anchor is an error.
     *
     * @throws RegexSyntaxException if the pattern is malformed or uses an unsupported construct
     */
    public static Regex parse(String pattern, boolean caseInsensitive) {
        return new RegexParser(pattern, caseInsensitive, false).parseWhole().regex();
    }

    /**
     * Parses {@code pattern}, accepting a {@code ^} as its first character and a {@code $} as its last
     * and reporting whether they were there. Anchors anywhere else, or anchors in a pattern whose
     * top level is an alternation (in {@code ^a|b} the anchor binds to {@code a} only), are errors.
     *
     * @throws RegexSyntaxException if the pattern is malformed or uses an unsupported construct
     */
    public static AnchoredRegex parseAnchored(String pattern) {
        return parseAnchored(pattern, false);
    }

    /** {@link #parseAnchored(String)}, optionally case-insensitive. */
    public static AnchoredRegex parseAnchored(String pattern, boolean caseInsensitive) {
        return new RegexParser(pattern, caseInsensitive, true).parseWhole();
    }

    private AnchoredRegex parseWhole() {
        List<Regex> alternatives = parseAlternatives();
        if (pos < pattern.length()) {
            // parseAlternatives stops only at the end or at a ')' with nothing open
            throw error(pos, "unmatched ')': no group is open here");
        }
        if (alternatives.size() > 1 && firstAnchorIndex >= 0) {
            throw error(firstAnchorIndex, "the anchor binds only to one alternative of the top-level '|', which a "
                    + "full-match lexeme cannot express; group the alternatives, e.g. ^(?:a|b)$");
        }
        return new AnchoredRegex(Regex.alt(alternatives), anchoredStart, anchoredEnd);
    }

    /** Disjunction: alternatives separated by '|', up to the end or an unconsumed ')'. */
    private List<Regex> parseAlternatives() {
        List<Regex> alternatives = new ArrayList<>();
        while (true) {
            List<Regex> items = new ArrayList<>();
            while (pos < pattern.length() && peek() != '|' && peek() != ')') {
                items.add(parseTerm());
            }
            alternatives.add(Regex.seq(items));
            if (pos < pattern.length() && peek() == '|') {
                pos++;
            } else {
                return alternatives;
            }
        }
    }

    private Regex parseAlternativesAsRegex() {
        return Regex.alt(parseAlternatives());
    }

    /** An atom and its optional quantifier. */
    private Regex parseTerm() {
        int c = peek();
        if (c == '^' || c == '$') {
            parseAnchor();
            // an anchor is not quantifiable: a following quantifier reports "nothing to repeat"
            return Regex.empty();
        }
        Regex atom = parseAtom();
        int quantifierStart = pos;
        int[] bounds = parseQuantifier();
        if (bounds == null) {
            return atom;
        }
        if (pos < pattern.length() && peek() == '?') {
            pos++; // lazy: same language
        }
        if (pos < pattern.length() && isQuantifierAt(pos)) {
            throw error(pos, "nothing to repeat: a quantifier cannot follow the quantifier at index "
                    + quantifierStart + " (possessive and stacked quantifiers are not supported)");
        }
        return Regex.repeat(atom, bounds[0], bounds[1]);
    }

    private void parseAnchor() {
        int c = peek();
        String what = c == '^' ? "start anchor '^'" : "end anchor '$'";
        if (!anchorsAllowed) {
            throw error(pos, "unsupported " + what + ": a lexeme always matches the whole input, so anchors cannot "
                    + "be expressed (RegexParser.parseAnchored accepts a leading ^ and a trailing $)");
        }
        if (c == '^' && pos == 0) {
            anchoredStart = true;
        } else if (c == '$' && pos == pattern.length() - 1 && depth == 0) {
            anchoredEnd = true;
        } else {
            throw error(pos, "unsupported " + what + ": anchors are only accepted as the first ('^') or last ('$') "
                    + "character of the pattern");
        }
        if (firstAnchorIndex < 0) {
            firstAnchorIndex = pos;
        }
        pos++;
    }

    private Regex parseAtom() {
        int start = pos;
        int c = peek();
        switch (c) {
            case '.':
                pos++;
                return Regex.chars(CodePointSet.anyButLineTerminators());
            case '(':
                return parseGroup();
            case '[':
                return Regex.chars(parseClass());
            case '\\':
                return parseEscapeAtom();
            case '*':
            case '+':
            case '?':
                throw error(start, "nothing to repeat: quantifier '" + (char) c + "' has no preceding atom");
            case '{':
                if (isQuantifierAt(start)) {
                    throw error(start, "nothing to repeat: quantifier '{' has no preceding atom");
                }
                pos++;
                return literal('{');
            default:
                int cp = pattern.codePointAt(pos);
                if (isSurrogate(cp)) {
                    throw error(start, "lone surrogate U+" + hex(cp) + " in the pattern cannot be matched in UTF-8");
                }
                pos += Character.charCount(cp);
                return literal(cp);
        }
    }

    private Regex literal(int cp) {
        CodePointSet set = CodePointSet.single(cp);
        return Regex.chars(caseInsensitive ? set.withCaseVariants() : set);
    }

    private Regex parseGroup() {
        int open = pos;
        pos++;
        if (lookingAt("?:")) {
            pos += 2;
        } else if (lookingAt("?=")) {
            throw error(open, "lookahead '(?=' is not supported: it cannot be expressed in a byte automaton");
        } else if (lookingAt("?!")) {
            throw error(open, "negative lookahead '(?!' is not supported: it cannot be expressed in a byte automaton");
        } else if (lookingAt("?<=")) {
            throw error(open, "lookbehind '(?<=' is not supported: it cannot be expressed in a byte automaton");
        } else if (lookingAt("?<!")) {
            throw error(open, "negative lookbehind '(?<!' is not supported: it cannot be expressed in a byte automaton");
        } else if (lookingAt("?<")) {
            pos += 2;
            parseGroupName(open);
        } else if (lookingAt("?")) {
            throw error(open, "unsupported group syntax '(?" + (pos + 1 < pattern.length()
                    ? new String(Character.toChars(pattern.codePointAt(pos + 1))) : "")
                    + "': only (...), (?:...) and (?<name>...) are supported (no inline modifiers like (?i))");
        }
        depth++;
        Regex inner = parseAlternativesAsRegex();
        depth--;
        if (pos >= pattern.length()) {
            throw error(open, "the group opened here is never closed: expected ')' before the end of the pattern");
        }
        pos++; // ')'
        return inner;
    }

    private void parseGroupName(int open) {
        int nameStart = pos;
        while (pos < pattern.length() && peek() != '>') {
            int cp = pattern.codePointAt(pos);
            boolean ok = pos == nameStart ? isIdentifierStart(cp) : isIdentifierPart(cp);
            if (!ok) {
                throw error(pos, "invalid character in group name: expected an identifier followed by '>'");
            }
            pos += Character.charCount(cp);
        }
        if (pos >= pattern.length()) {
            throw error(open, "unterminated group name: expected '>'");
        }
        if (pos == nameStart) {
            throw error(pos, "empty group name: expected an identifier");
        }
        String name = pattern.substring(nameStart, pos);
        if (!groupNames.add(name)) {
            throw error(nameStart, "duplicate group name '" + name + "'");
        }
        pos++; // '>'
    }

    private static boolean isIdentifierStart(int cp) {
        return cp == '$' || cp == '_' || Character.isLetter(cp) || Character.getType(cp) == Character.LETTER_NUMBER;
    }

    private static boolean isIdentifierPart(int cp) {
        return isIdentifierStart(cp) || Character.isDigit(cp) || cp == 0x200C || cp == 0x200D
                || Character.getType(cp) == Character.NON_SPACING_MARK
                || Character.getType(cp) == Character.COMBINING_SPACING_MARK
                || Character.getType(cp) == Character.CONNECTOR_PUNCTUATION;
    }

    /** Parses a quantifier at pos if there is one; returns {min, max} or null (leaving pos alone). */
    private int[] parseQuantifier() {
        if (pos >= pattern.length()) {
            return null;
        }
        switch (peek()) {
            case '*':
                pos++;
                return new int[] {0, Regex.UNBOUNDED};
            case '+':
                pos++;
                return new int[] {1, Regex.UNBOUNDED};
            case '?':
                pos++;
                return new int[] {0, 1};
            case '{':
                return parseBraces();
            default:
                return null;
        }
    }

    private boolean isQuantifierAt(int index) {
        char c = pattern.charAt(index);
        if (c == '*' || c == '+' || c == '?') {
            return true;
        }
        return c == '{' && scanBraces(index) > 0;
    }

    /** Length of a well-formed {n}, {n,} or {n,m} at index, or 0 if there is none (then '{' is a literal). */
    private int scanBraces(int index) {
        int i = index + 1;
        int digits = 0;
        while (i < pattern.length() && isDigit(pattern.charAt(i))) {
            i++;
            digits++;
        }
        if (digits == 0 || i >= pattern.length()) {
            return 0;
        }
        if (pattern.charAt(i) == ',') {
            i++;
            while (i < pattern.length() && isDigit(pattern.charAt(i))) {
                i++;
            }
        }
        return i < pattern.length() && pattern.charAt(i) == '}' ? i + 1 - index : 0;
    }

    private int[] parseBraces() {
        int open = pos;
        int length = scanBraces(open);
        if (length == 0) {
            return null;
        }
        String body = pattern.substring(open + 1, open + length - 1);
        int comma = body.indexOf(',');
        int min;
        int max;
        if (comma < 0) {
            min = parseCount(body, open);
            max = min;
        } else {
            min = parseCount(body.substring(0, comma), open);
            max = comma == body.length() - 1 ? Regex.UNBOUNDED : parseCount(body.substring(comma + 1), open);
            if (max != Regex.UNBOUNDED && max < min) {
                throw error(open, "numbers out of order in quantifier {" + body + "}: the maximum is below the minimum");
            }
        }
        pos = open + length;
        return new int[] {min, max};
    }

    private int parseCount(String digits, int open) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw error(open, "repetition count " + digits + " is too large");
        }
    }

    private Regex parseEscapeAtom() {
        int start = pos;
        ClassAtom atom = parseEscape(false);
        if (atom.set != null) {
            return Regex.chars(atom.set);
        }
        if (isSurrogate(atom.codePoint)) {
            throw error(start, "lone surrogate escape U+" + hex(atom.codePoint) + " cannot be matched in UTF-8 "
                    + "(write astral characters as \\u{...} or as a surrogate pair)");
        }
        return literal(atom.codePoint);
    }

    /** Either a set (class escape) or a single code point (possibly a lone surrogate, checked by the caller). */
    private static final class ClassAtom {
        final CodePointSet set;
        final int codePoint;

        ClassAtom(CodePointSet set, int codePoint) {
            this.set = set;
            this.codePoint = codePoint;
        }

        static ClassAtom of(int cp) {
            return new ClassAtom(null, cp);
        }

        static ClassAtom of(CodePointSet set) {
            return new ClassAtom(set, -1);
        }
    }

    /** Parses the escape at pos (a backslash); class escapes come back already case-closed. */
    private ClassAtom parseEscape(boolean inClass) {
        int start = pos;
        pos++;
        if (pos >= pattern.length()) {
            throw error(start, "the pattern ends with a lone backslash: expected an escaped character");
        }
        int c = pattern.codePointAt(pos);
        pos += Character.charCount(c);
        switch (c) {
            case 'd':
                return classEscape(CodePointSet.digits(), false);
            case 'D':
                return classEscape(CodePointSet.digits(), true);
            case 'w':
                return classEscape(CodePointSet.wordChars(), false);
            case 'W':
                return classEscape(CodePointSet.wordChars(), true);
            case 's':
                return classEscape(CodePointSet.ecmaWhitespace(), false);
            case 'S':
                return classEscape(CodePointSet.ecmaWhitespace(), true);
            case 'p':
            case 'P':
                return classEscape(parseProperty(start), c == 'P');
            case 'n':
                return ClassAtom.of('\n');
            case 'r':
                return ClassAtom.of('\r');
            case 't':
                return ClassAtom.of('\t');
            case 'f':
                return ClassAtom.of('\f');
            case 'v':
                return ClassAtom.of(0x0B);
            case 'b':
                if (inClass) {
                    return ClassAtom.of(0x08);
                }
                throw error(start, "word boundary '\\b' is not supported: a lexeme cannot test its surroundings");
            case 'B':
                throw error(start, "non-word-boundary '\\B' is not supported: a lexeme cannot test its surroundings");
            case '0':
                if (pos < pattern.length() && isDigit(peek())) {
                    throw error(start, "octal escapes are not supported; use \\xHH or \\uHHHH");
                }
                return ClassAtom.of(0);
            case 'x':
                return ClassAtom.of(parseHex(start, 2, "\\x must be followed by exactly two hex digits"));
            case 'u':
                return ClassAtom.of(parseUnicodeEscape(start));
            case 'c':
                if (pos < pattern.length() && isAsciiLetter(peek())) {
                    return ClassAtom.of(pattern.charAt(pos++) % 32);
                }
                throw error(start, "\\c must be followed by an ASCII letter");
            case 'k':
                if (pos < pattern.length() && peek() == '<') {
                    throw error(start, "named backreference '\\k<...>' is not supported: it is not a regular language");
                }
                throw error(start, "unknown escape '\\k'");
            default:
                if (c >= '1' && c <= '9') {
                    throw error(start, "backreference '\\" + (char) c + "' is not supported: it is not a regular language");
                }
                if (c == '_' || (c < 0x80 && Character.isLetterOrDigit(c))) {
                    throw error(start, "unknown escape '\\" + (char) c + "'");
                }
                if (isSurrogate(c)) {
                    throw error(start, "lone surrogate U+" + hex(c) + " in the pattern cannot be matched in UTF-8");
                }
                // identity escape: \. \/ \\ \- \" and any other non-word character stands for itself
                return ClassAtom.of(c);
        }
    }

    private ClassAtom classEscape(CodePointSet set, boolean negated) {
        CodePointSet positive = caseInsensitive ? set.withCaseVariants() : set;
        return ClassAtom.of(negated ? positive.complement() : positive);
    }

    private CodePointSet parseProperty(int start) {
        if (pos >= pattern.length() || peek() != '{') {
            throw error(start, "expected '{' after \\p or \\P, as in \\p{L}");
        }
        int close = pattern.indexOf('}', pos);
        if (close < 0) {
            throw error(start, "unterminated Unicode property escape: expected '}'");
        }
        String name = pattern.substring(pos + 1, close);
        Optional<CodePointSet> set = UnicodeProperties.lookup(name);
        if (set.isEmpty()) {
            throw error(start, "unknown or unsupported Unicode property '" + name + "' (supported: General_Category "
                    + "values such as L, Lu, Nd, P; Script=/sc=; Any, ASCII, Assigned, Alphabetic, White_Space, "
                    + "Uppercase, Lowercase)");
        }
        pos = close + 1;
        return set.get();
    }

    private int parseUnicodeEscape(int start) {
        if (pos < pattern.length() && peek() == '{') {
            int close = pattern.indexOf('}', pos);
            String digits = close < 0 ? "" : pattern.substring(pos + 1, close);
            if (digits.isEmpty() || !digits.chars().allMatch(RegexParser::isHexDigit)) {
                throw error(start, "\\u{...} must contain one or more hex digits and a closing '}'");
            }
            // leading zeros are allowed, so accumulate the value and stop as soon as it is too big
            int value = 0;
            for (int i = 0; i < digits.length(); i++) {
                value = value * 16 + Character.digit(digits.charAt(i), 16);
                if (value > CodePointSet.MAX_CODE_POINT) {
                    throw error(start, "\\u{" + digits + "} is beyond the last code point U+10FFFF");
                }
            }
            pos = close + 1;
            return value;
        }
        int unit = parseHex(start, 4, "\\u must be followed by four hex digits or by {hex digits}");
        // a high surrogate escape followed by a low surrogate escape is one astral code point
        if (Character.isHighSurrogate((char) unit) && lookingAt("\\u") && pos + 6 <= pattern.length()
                && pattern.substring(pos + 2, pos + 6).chars().allMatch(RegexParser::isHexDigit)) {
            int low = Integer.parseInt(pattern.substring(pos + 2, pos + 6), 16);
            if (Character.isLowSurrogate((char) low)) {
                pos += 6;
                return Character.toCodePoint((char) unit, (char) low);
            }
        }
        return unit;
    }

    private int parseHex(int start, int count, String message) {
        if (pos + count > pattern.length()) {
            throw error(start, message);
        }
        String digits = pattern.substring(pos, pos + count);
        if (!digits.chars().allMatch(RegexParser::isHexDigit)) {
            throw error(start, message);
        }
        pos += count;
        return Integer.parseInt(digits, 16);
    }

    /** A bracketed class; returns the set it denotes (negation and case closure applied). */
    private CodePointSet parseClass() {
        int open = pos;
        pos++;
        boolean negated = false;
        if (pos < pattern.length() && peek() == '^') {
            negated = true;
            pos++;
        }
        CodePointSet.Builder members = new CodePointSet.Builder();
        while (true) {
            if (pos >= pattern.length()) {
                throw error(open, "the character class opened here is never closed: expected ']'");
            }
            if (peek() == ']') {
                pos++;
                break;
            }
            int atomStart = pos;
            ClassAtom from = parseClassAtom();
            boolean range = pos + 1 < pattern.length() && peek() == '-' && pattern.charAt(pos + 1) != ']';
            if (!range) {
                addSingle(members, from, atomStart);
                continue;
            }
            pos++; // '-'
            int toStart = pos;
            ClassAtom to = parseClassAtom();
            if (from.set != null || to.set != null) {
                throw error(from.set != null ? atomStart : toStart,
                        "a class escape like \\d cannot be a range endpoint; escape the '-' to mean a literal dash");
            }
            if (from.codePoint > to.codePoint) {
                throw error(atomStart, "range out of order in character class: U+" + hex(from.codePoint)
                        + " > U+" + hex(to.codePoint));
            }
            // surrogates inside a range are dropped by the builder
            members.add(from.codePoint, to.codePoint);
        }
        CodePointSet set = members.build();
        if (caseInsensitive) {
            set = set.withCaseVariants();
        }
        return negated ? set.complement() : set;
    }

    private void addSingle(CodePointSet.Builder members, ClassAtom atom, int atomStart) {
        if (atom.set != null) {
            members.addAll(atom.set);
        } else if (isSurrogate(atom.codePoint)) {
            throw error(atomStart, "lone surrogate U+" + hex(atom.codePoint) + " cannot be matched in UTF-8");
        } else {
            members.add(atom.codePoint, atom.codePoint);
        }
    }

    private ClassAtom parseClassAtom() {
        if (peek() == '\\') {
            return parseEscape(true);
        }
        int cp = pattern.codePointAt(pos);
        pos += Character.charCount(cp);
        return ClassAtom.of(cp);
    }

    private char peek() {
        return pattern.charAt(pos);
    }

    private boolean lookingAt(String s) {
        return pattern.startsWith(s, pos);
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHexDigit(int c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isAsciiLetter(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isSurrogate(int cp) {
        return cp >= CodePointSet.SURROGATE_MIN && cp <= CodePointSet.SURROGATE_MAX;
    }

    private static String hex(int cp) {
        return String.format("%04X", cp);
    }

    private RegexSyntaxException error(int index, String reason) {
        return new RegexSyntaxException(pattern, index, reason);
    }
}
