package dev.stencil.automata.regex;

import java.util.List;

/**
 * Renders {@link Regex} trees and {@link CodePointSet}s back into the syntax {@link RegexParser}
 * reads. The output denotes the same language as the tree (so it round-trips through the parser)
 * and prefers short, readable forms ({@code \d}, {@code .}, {@code \p{L}}, negated classes) because
 * its main use is error messages.
 */
final class RegexPrinter {
    private RegexPrinter() {
    }

    /** Categories worth naming when a large set equals one of them (or its complement). */
    private static final List<String> NAMED_CATEGORIES = List.of(
            "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No",
            "P", "S", "Z", "C");

    /** Below this many ranges, a set is printed as a plain class rather than searched for a name. */
    private static final int NAMING_THRESHOLD = 8;

    static String print(Regex r) {
        StringBuilder sb = new StringBuilder();
        append(sb, r, Precedence.ALT);
        return sb.toString();
    }

    private enum Precedence { ALT, SEQ, ATOM }

    private static void append(StringBuilder sb, Regex r, Precedence context) {
        if (r instanceof Regex.Empty) {
            sb.append("(?:)");
        } else if (r instanceof Regex.Nothing) {
            sb.append("[]");
        } else if (r instanceof Regex.Chars c) {
            CodePointSet set = c.set();
            if (set.rangeCount() == 1 && set.rangeLo(0) == set.rangeHi(0)) {
                appendLiteral(sb, set.rangeLo(0), false);
            } else {
                sb.append(printSet(set));
            }
        } else if (r instanceof Regex.Seq s) {
            boolean wrap = context == Precedence.ATOM;
            sb.append(wrap ? "(?:" : "");
            for (Regex item : s.items()) {
                append(sb, item, Precedence.SEQ);
            }
            sb.append(wrap ? ")" : "");
        } else if (r instanceof Regex.Alt a) {
            boolean wrap = context != Precedence.ALT;
            sb.append(wrap ? "(?:" : "");
            for (int i = 0; i < a.alternatives().size(); i++) {
                sb.append(i > 0 ? "|" : "");
                append(sb, a.alternatives().get(i), Precedence.ALT);
            }
            sb.append(wrap ? ")" : "");
        } else {
            Regex.Repeat rep = (Regex.Repeat) r;
            // a quantified quantifier (a*)* must keep its group, or it would read as a syntax error
            boolean bodyIsAtom = rep.body() instanceof Regex.Chars || rep.body() instanceof Regex.Nothing
                    || rep.body() instanceof Regex.Empty;
            if (bodyIsAtom) {
                append(sb, rep.body(), Precedence.ATOM);
            } else {
                sb.append("(?:");
                append(sb, rep.body(), Precedence.ALT);
                sb.append(')');
            }
            appendQuantifier(sb, rep.min(), rep.max());
        }
    }

    private static void appendQuantifier(StringBuilder sb, int min, int max) {
        if (max == Regex.UNBOUNDED) {
            sb.append(min == 0 ? "*" : min == 1 ? "+" : "{" + min + ",}");
        } else if (min == 0 && max == 1) {
            sb.append('?');
        } else if (min == max) {
            sb.append('{').append(min).append('}');
        } else {
            sb.append('{').append(min).append(',').append(max).append('}');
        }
    }

    /** A set as one regex atom: a class escape, {@code .}, {@code \p{..}} or a bracketed class. */
    static String printSet(CodePointSet set) {
        if (set.equals(CodePointSet.any())) {
            return "[^]";
        } else if (set.equals(CodePointSet.anyButLineTerminators())) {
            return ".";
        }
        String named = namedEscape(set);
        if (named != null) {
            return named;
        }
        named = namedEscape(set.complement());
        if (named != null) {
            // \d -> \D, \p{L} -> \P{L}
            return "\\" + Character.toUpperCase(named.charAt(1)) + named.substring(2);
        }
        CodePointSet complement = set.complement();
        boolean negate = complement.rangeCount() < set.rangeCount();
        StringBuilder sb = new StringBuilder(negate ? "[^" : "[");
        CodePointSet shown = negate ? complement : set;
        for (int i = 0; i < shown.rangeCount(); i++) {
            int lo = shown.rangeLo(i);
            int hi = shown.rangeHi(i);
            appendLiteral(sb, lo, true);
            if (hi > lo) {
                // a two-element range reads better without the dash
                if (hi > lo + 1) {
                    sb.append('-');
                }
                appendLiteral(sb, hi, true);
            }
        }
        return sb.append(']').toString();
    }

    /** The lower-case escape ({@code \d}, {@code \p{Lu}}) naming exactly {@code set}, or null. */
    private static String namedEscape(CodePointSet set) {
        if (set.equals(CodePointSet.digits())) {
            return "\\d";
        } else if (set.equals(CodePointSet.wordChars())) {
            return "\\w";
        } else if (set.equals(CodePointSet.ecmaWhitespace())) {
            return "\\s";
        }
        if (set.rangeCount() >= NAMING_THRESHOLD) {
            for (String name : NAMED_CATEGORIES) {
                if (UnicodeProperties.generalCategory(name).orElseThrow().equals(set)) {
                    return "\\p{" + name + "}";
                }
            }
        }
        return null;
    }

    private static void appendLiteral(StringBuilder sb, int cp, boolean inClass) {
        String syntax = inClass ? "\\]-[^" : "\\^$.*+?()[]{}|/";
        if (cp < 0x80 && syntax.indexOf(cp) >= 0) {
            sb.append('\\').appendCodePoint(cp);
        } else if (cp == '\n') {
            sb.append("\\n");
        } else if (cp == '\r') {
            sb.append("\\r");
        } else if (cp == '\t') {
            sb.append("\\t");
        } else if (needsEscape(cp)) {
            if (cp <= 0xFF) {
                sb.append(String.format("\\x%02X", cp));
            } else if (cp <= 0xFFFF) {
                sb.append(String.format("\\u%04X", cp));
            } else {
                sb.append(String.format("\\u{%X}", cp));
            }
        } else {
            sb.appendCodePoint(cp);
        }
    }

    /** Invisible, combining or unassigned code points are written as escapes so messages stay legible. */
    private static boolean needsEscape(int cp) {
        if (cp == ' ') {
            return false;
        }
        switch (Character.getType(cp)) {
            case Character.CONTROL:
            case Character.FORMAT:
            case Character.PRIVATE_USE:
            case Character.UNASSIGNED:
            case Character.SPACE_SEPARATOR:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
            case Character.NON_SPACING_MARK:
            case Character.ENCLOSING_MARK:
            case Character.COMBINING_SPACING_MARK:
                return true;
            default:
                return false;
        }
    }
}
