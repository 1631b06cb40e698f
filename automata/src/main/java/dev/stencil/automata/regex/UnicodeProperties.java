package dev.stencil.automata.regex;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * Code point sets for the Unicode properties that {@code \p{...}} may name, derived from the
 * running JDK's {@link Character} data (Java 17 ships Unicode 13.0).
 *
 * <p>Accepted names: General_Category values by short or long name ({@code L}, {@code Lu},
 * {@code Letter}, {@code Uppercase_Letter}, ... including {@code LC}/{@code Cased_Letter}), optionally
 * prefixed {@code gc=} or {@code General_Category=}; scripts as {@code sc=Name} or {@code Script=Name}
 * (any name or alias {@link Character.UnicodeScript#forName} knows); and the binary properties
 * {@code Any}, {@code ASCII}, {@code Assigned}, {@code Alphabetic}, {@code White_Space},
 * {@code Uppercase}, {@code Lowercase}. Tables are computed lazily on first use and cached.
 */
public final class UnicodeProperties {
    private UnicodeProperties() {
    }

    /** General_Category name (short and long forms) to the Character.getType codes it covers. */
    private static final Map<String, int[]> CATEGORIES = new HashMap<>();

    static {
        category(new int[] {Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
            Character.MODIFIER_LETTER, Character.OTHER_LETTER}, "L", "Letter");
        category(new int[] {Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER},
                "LC", "Cased_Letter");
        category(new int[] {Character.UPPERCASE_LETTER}, "Lu", "Uppercase_Letter");
        category(new int[] {Character.LOWERCASE_LETTER}, "Ll", "Lowercase_Letter");
        category(new int[] {Character.TITLECASE_LETTER}, "Lt", "Titlecase_Letter");
        category(new int[] {Character.MODIFIER_LETTER}, "Lm", "Modifier_Letter");
        category(new int[] {Character.OTHER_LETTER}, "Lo", "Other_Letter");
        category(new int[] {Character.NON_SPACING_MARK, Character.COMBINING_SPACING_MARK, Character.ENCLOSING_MARK},
                "M", "Mark", "Combining_Mark");
        category(new int[] {Character.NON_SPACING_MARK}, "Mn", "Nonspacing_Mark");
        category(new int[] {Character.COMBINING_SPACING_MARK}, "Mc", "Spacing_Mark");
        category(new int[] {Character.ENCLOSING_MARK}, "Me", "Enclosing_Mark");
        category(new int[] {Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER},
                "N", "Number");
        category(new int[] {Character.DECIMAL_DIGIT_NUMBER}, "Nd", "Decimal_Number", "digit");
        category(new int[] {Character.LETTER_NUMBER}, "Nl", "Letter_Number");
        category(new int[] {Character.OTHER_NUMBER}, "No", "Other_Number");
        category(new int[] {Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION,
            Character.START_PUNCTUATION, Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
            Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION}, "P", "Punctuation", "punct");
        category(new int[] {Character.CONNECTOR_PUNCTUATION}, "Pc", "Connector_Punctuation");
        category(new int[] {Character.DASH_PUNCTUATION}, "Pd", "Dash_Punctuation");
        category(new int[] {Character.START_PUNCTUATION}, "Ps", "Open_Punctuation");
        category(new int[] {Character.END_PUNCTUATION}, "Pe", "Close_Punctuation");
        category(new int[] {Character.INITIAL_QUOTE_PUNCTUATION}, "Pi", "Initial_Punctuation");
        category(new int[] {Character.FINAL_QUOTE_PUNCTUATION}, "Pf", "Final_Punctuation");
        category(new int[] {Character.OTHER_PUNCTUATION}, "Po", "Other_Punctuation");
        category(new int[] {Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
            Character.OTHER_SYMBOL}, "S", "Symbol");
        category(new int[] {Character.MATH_SYMBOL}, "Sm", "Math_Symbol");
        category(new int[] {Character.CURRENCY_SYMBOL}, "Sc", "Currency_Symbol");
        category(new int[] {Character.MODIFIER_SYMBOL}, "Sk", "Modifier_Symbol");
        category(new int[] {Character.OTHER_SYMBOL}, "So", "Other_Symbol");
        category(new int[] {Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR},
                "Z", "Separator");
        category(new int[] {Character.SPACE_SEPARATOR}, "Zs", "Space_Separator");
        category(new int[] {Character.LINE_SEPARATOR}, "Zl", "Line_Separator");
        category(new int[] {Character.PARAGRAPH_SEPARATOR}, "Zp", "Paragraph_Separator");
        // Cs is listed for completeness: surrogates have no UTF-8 encoding, so it is the empty set
        category(new int[] {Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
            Character.UNASSIGNED}, "C", "Other");
        category(new int[] {Character.CONTROL}, "Cc", "Control", "cntrl");
        category(new int[] {Character.FORMAT}, "Cf", "Format");
        category(new int[] {Character.SURROGATE}, "Cs", "Surrogate");
        category(new int[] {Character.PRIVATE_USE}, "Co", "Private_Use");
        category(new int[] {Character.UNASSIGNED}, "Cn", "Unassigned");
    }

    private static void category(int[] types, String... names) {
        for (String name : names) {
            CATEGORIES.put(name, types);
        }
    }

    private static final Map<String, CodePointSet> CACHE = new ConcurrentHashMap<>();

    /** Per Character.getType code, the set of code points of that type; built on first use. */
    private static final class TypeTable {
        static final CodePointSet[] BY_TYPE = build();

        private static CodePointSet[] build() {
            CodePointSet.Builder[] builders = new CodePointSet.Builder[32];
            for (int i = 0; i < builders.length; i++) {
                builders[i] = new CodePointSet.Builder();
            }
            // one pass, emitting maximal runs of equal type
            int runStart = 0;
            int runType = Character.getType(0);
            for (int cp = 1; cp <= CodePointSet.MAX_CODE_POINT + 1; cp++) {
                int type = cp <= CodePointSet.MAX_CODE_POINT ? Character.getType(cp) : -1;
                if (type != runType) {
                    builders[runType].add(runStart, cp - 1);
                    runStart = cp;
                    runType = type;
                }
            }
            CodePointSet[] out = new CodePointSet[builders.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = builders[i].build();
            }
            return out;
        }
    }

    /**
     * The set a property name denotes, as written between the braces of {@code \p{...}}; empty if
     * the name is not supported.
     */
    public static Optional<CodePointSet> lookup(String name) {
        int eq = name.indexOf('=');
        if (eq >= 0) {
            String key = name.substring(0, eq);
            String value = name.substring(eq + 1);
            if (key.equals("gc") || key.equals("General_Category")) {
                return generalCategory(value);
            }
            if (key.equals("sc") || key.equals("Script")) {
                return script(value);
            }
            return Optional.empty();
        }
        Optional<CodePointSet> gc = generalCategory(name);
        if (gc.isPresent()) {
            return gc;
        }
        return binary(name);
    }

    /** The set of a General_Category value ({@code Lu}, {@code Letter}, ...). */
    public static Optional<CodePointSet> generalCategory(String value) {
        int[] types = CATEGORIES.get(value);
        if (types == null) {
            return Optional.empty();
        }
        return Optional.of(CACHE.computeIfAbsent("gc=" + value, k -> {
            CodePointSet.Builder b = new CodePointSet.Builder();
            for (int t : types) {
                b.addAll(TypeTable.BY_TYPE[t]);
            }
            return b.build();
        }));
    }

    private static Optional<CodePointSet> script(String value) {
        Character.UnicodeScript script;
        try {
            script = Character.UnicodeScript.forName(value);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.of(CACHE.computeIfAbsent("sc=" + script.name(),
                k -> collect(cp -> Character.UnicodeScript.of(cp) == script)));
    }

    private static Optional<CodePointSet> binary(String name) {
        IntPredicate predicate;
        switch (name) {
            case "Any":
                return Optional.of(CodePointSet.any());
            case "ASCII":
                return Optional.of(CodePointSet.of(0, 0x7F));
            case "Assigned":
                return Optional.of(generalCategory("Cn").orElseThrow().complement());
            case "Alphabetic":
            case "Alpha":
                predicate = Character::isAlphabetic;
                break;
            case "White_Space":
            case "space":
                predicate = UnicodeProperties::isUnicodeWhiteSpace;
                break;
            case "Uppercase":
            case "Upper":
                predicate = Character::isUpperCase;
                break;
            case "Lowercase":
            case "Lower":
                predicate = Character::isLowerCase;
                break;
            default:
                return Optional.empty();
        }
        return Optional.of(CACHE.computeIfAbsent("binary=" + name,
                k -> collect(predicate)));
    }

    /** Unicode White_Space (PropList.txt); Character.isWhitespace differs (it excludes no-break spaces). */
    private static boolean isUnicodeWhiteSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }

    private static CodePointSet collect(IntPredicate predicate) {
        CodePointSet.Builder b = new CodePointSet.Builder();
        int runStart = -1;
        for (int cp = 0; cp <= CodePointSet.MAX_CODE_POINT + 1; cp++) {
            boolean in = cp <= CodePointSet.MAX_CODE_POINT && predicate.test(cp);
            if (in && runStart < 0) {
                runStart = cp;
            } else if (!in && runStart >= 0) {
                b.add(runStart, cp - 1);
                runStart = -1;
            }
        }
        return b.build();
    }
}
