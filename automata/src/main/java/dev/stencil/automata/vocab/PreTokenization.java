package dev.stencil.automata.vocab;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code pre_tokenizer} of a tokenizer.json: how normalized text is cut into the words
 * that BPE encodes one by one. Supported: {@code Split} with behavior {@code Isolated},
 * {@code ByteLevel} (optionally with GPT-2's split regex) and {@code Sequence} of those, where a
 * {@code ByteLevel} step comes last. Words are returned as [start, end) character ranges into
 * the text, so no substrings are made.
 */
final class PreTokenization {
    /** The split GPT-2's {@code ByteLevel} pre-tokenizer applies when {@code use_regex} is true. */
    static final String GPT2_PATTERN =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private final List<Pattern> splits = new ArrayList<>();
    private boolean byteLevel;
    private boolean prefixSpace;
    private int steps;

    private PreTokenization() {
    }

    static PreTokenization of(TokenizerFile f, Object node) {
        PreTokenization p = new PreTokenization();
        if (node != null) {
            p.add(f, node, "pre_tokenizer");
        }
        return p;
    }

    /** True when the words are byte-level mapped (a {@code ByteLevel} step is present). */
    boolean byteLevel() {
        return byteLevel;
    }

    /** True when a space is put in front of text that does not start with one. */
    boolean prefixSpace() {
        return prefixSpace;
    }

    private void add(TokenizerFile f, Object node, String field) {
        Map<String, Object> m = f.object(node, field);
        String type = f.text(m, "type", field, null);
        if (byteLevel) {
            // Later steps would see byte-level characters; no known file does this.
            throw f.error(field, "a pre-tokenizer after ByteLevel is not supported");
        }
        switch (type) {
            case "Sequence" -> {
                List<Object> list = f.list(m, "pretokenizers", field);
                for (int i = 0; i < list.size(); i++) {
                    add(f, list.get(i), field + ".pretokenizers[" + i + "]");
                }
            }
            case "Split" -> {
                Map<String, Object> pattern = f.object(m.get("pattern"), field + ".pattern");
                Pattern p;
                if (pattern.get("Regex") instanceof String regex) {
                    p = Normalization.compile(f, regex, field + ".pattern.Regex");
                } else if (pattern.get("String") instanceof String literal) {
                    p = Pattern.compile(Pattern.quote(literal));
                } else {
                    throw f.error(field + ".pattern", "expected {\"Regex\": ...} or {\"String\": ...}");
                }
                String behavior = f.text(m, "behavior", field, null);
                if (!behavior.equals("Isolated")) {
                    throw f.error(field + ".behavior", "unsupported split behavior " + TokenizerFile.quote(behavior)
                            + " (understood: Isolated)");
                }
                if (f.flag(m, "invert", field, false)) {
                    throw f.error(field + ".invert", "inverted splits are not supported");
                }
                splits.add(p);
                steps++;
            }
            case "ByteLevel" -> {
                // Hugging Face adds the space to each piece that reaches this step; supported only
                // where that is the whole text, i.e. when ByteLevel is the first step.
                if (f.flag(m, "add_prefix_space", field, true)) {
                    if (steps > 0) {
                        throw f.error(field + ".add_prefix_space", "supported only when ByteLevel is the first pre-tokenizer");
                    }
                    prefixSpace = true;
                }
                if (f.flag(m, "use_regex", field, true)) {
                    splits.add(Pattern.compile(GPT2_PATTERN, Pattern.UNICODE_CHARACTER_CLASS));
                }
                byteLevel = true;
                steps++;
            }
            default -> throw f.error(field + ".type", "unsupported pre-tokenizer type " + TokenizerFile.quote(type)
                    + " (understood: Split, ByteLevel, Sequence)");
        }
    }

    /**
     * Cuts {@code text} into words and appends their [start, end) ranges to {@code out} (cleared
     * first). {@code tmp} is a scratch list. Each split step cuts every current word into its
     * matches and the gaps between them (Hugging Face's "Isolated" behaviour); lookarounds see
     * only the word being cut, as in Hugging Face where each word is a separate string.
     */
    void split(String text, IntList out, IntList tmp) {
        out.clear();
        if (text.isEmpty()) {
            return;
        }
        out.add(0, text.length());
        for (Pattern pattern : splits) {
            tmp.clear();
            Matcher m = pattern.matcher(text);
            for (int w = 0; w < out.size(); w += 2) {
                int start = out.get(w);
                int end = out.get(w + 1);
                m.region(start, end);
                int pos = start;
                while (m.find()) {
                    int ms = m.start();
                    int me = m.end();
                    if (me == ms) {
                        continue; // an empty match cuts nothing
                    }
                    if (ms > pos) {
                        tmp.add(pos, ms);
                    }
                    tmp.add(ms, me);
                    pos = me;
                }
                if (pos < end) {
                    tmp.add(pos, end);
                }
            }
            // swap: the cut words become the input of the next step
            out.clear();
            for (int i = 0; i < tmp.size(); i += 2) {
                out.add(tmp.get(i), tmp.get(i + 1));
            }
        }
    }
}
