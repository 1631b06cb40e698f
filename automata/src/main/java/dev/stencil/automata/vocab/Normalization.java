package dev.stencil.automata.vocab;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code normalizer} of a tokenizer.json: the text rewriting done before pre-tokenization.
 * Supported: {@code NFC}, {@code NFD}, {@code NFKC}, {@code NFKD}, {@code Prepend},
 * {@code Replace} and {@code Sequence} of those.
 */
final class Normalization {
    private final List<UnaryOperator<String>> steps = new ArrayList<>();

    private Normalization() {
    }

    /** The normalizer described by {@code node} (the file's {@code normalizer} field), or null for none. */
    static Normalization of(TokenizerFile f, Object node) {
        if (node == null) {
            return null;
        }
        Normalization n = new Normalization();
        n.add(f, node, "normalizer");
        return n.steps.isEmpty() ? null : n;
    }

    String apply(String s) {
        for (UnaryOperator<String> step : steps) {
            s = step.apply(s);
        }
        return s;
    }

    private void add(TokenizerFile f, Object node, String field) {
        Map<String, Object> m = f.object(node, field);
        String type = f.text(m, "type", field, null);
        switch (type) {
            case "Sequence" -> {
                List<Object> list = f.list(m, "normalizers", field);
                for (int i = 0; i < list.size(); i++) {
                    add(f, list.get(i), field + ".normalizers[" + i + "]");
                }
            }
            // Text below U+0300 is already NFC (the first combining mark is U+0300), so the common
            // ASCII/Latin-1 case skips java.text.Normalizer; for the other forms only ASCII is.
            case "NFC" -> steps.add(s -> below(s, 0x300) ? s : Normalizer.normalize(s, Normalizer.Form.NFC));
            case "NFD" -> steps.add(s -> below(s, 0x80) ? s : Normalizer.normalize(s, Normalizer.Form.NFD));
            case "NFKC" -> steps.add(s -> below(s, 0x80) ? s : Normalizer.normalize(s, Normalizer.Form.NFKC));
            case "NFKD" -> steps.add(s -> below(s, 0x80) ? s : Normalizer.normalize(s, Normalizer.Form.NFKD));
            case "Prepend" -> {
                String prefix = f.text(m, "prepend", field, null);
                // Hugging Face prepends only to non-empty text.
                steps.add(s -> s.isEmpty() ? s : prefix.concat(s));
            }
            case "Replace" -> {
                Map<String, Object> pattern = f.object(m.get("pattern"), field + ".pattern");
                String content = f.text(m, "content", field, null);
                if (pattern.get("String") instanceof String from) {
                    steps.add(s -> s.replace(from, content));
                } else if (pattern.get("Regex") instanceof String regex) {
                    Pattern p = compile(f, regex, field + ".pattern.Regex");
                    String literal = Matcher.quoteReplacement(content);
                    steps.add(s -> p.matcher(s).replaceAll(literal));
                } else {
                    throw f.error(field + ".pattern", "expected {\"String\": ...} or {\"Regex\": ...}");
                }
            }
            default -> throw f.error(field + ".type", "unsupported normalizer type " + TokenizerFile.quote(type)
                    + " (understood: NFC, NFD, NFKC, NFKD, Prepend, Replace, Sequence)");
        }
    }

    private static boolean below(String s, int limit) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= limit) {
                return false;
            }
        }
        return true;
    }

    /**
     * Compiles a pattern from a tokenizer.json. Hugging Face uses Oniguruma, whose {@code \s},
     * {@code \w} and case-insensitivity are Unicode-aware; Java's are ASCII unless asked.
     */
    static Pattern compile(TokenizerFile f, String regex, String field) {
        try {
            return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
        } catch (PatternSyntaxException e) {
            throw f.error(field, "regular expression not understood by java.util.regex: " + e.getDescription()
                    + " near index " + e.getIndex());
        }
    }
}
