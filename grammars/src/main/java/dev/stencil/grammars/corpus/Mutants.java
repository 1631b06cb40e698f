package dev.stencil.grammars.corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded mutations of example inputs for the oracle comparison: truncations, character
 * insertions, deletions and swaps, and swaps of two whitespace-separated words ("token
 * shuffles"). Mutations work on code points so every mutant is valid UTF-8 text, which is what both
 * ANTLR's interpreter and a tokenizer read.
 */
public final class Mutants {
    // characters an insertion draws from besides the input's own: structure that grammars care about
    private static final String NOISE = " \n\t{}[]()<>\"',.:;=+-*/\\#@!?&|0123456789aZ_";

    private Mutants() {
    }

    /** {@code count} mutants of {@code bases} (chosen round-robin), reproducible from {@code seed}. */
    public static List<String> of(List<String> bases, int count, long seed) {
        List<String> out = new ArrayList<>();
        if (bases.isEmpty()) {
            return out;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            out.add(mutate(bases.get(i % bases.size()), rnd));
        }
        return out;
    }

    static String mutate(String s, SplittableRandom rnd) {
        int[] cps = s.codePoints().toArray();
        int n = cps.length;
        StringBuilder sb = new StringBuilder();
        switch (rnd.nextInt(5)) {
            case 0 -> { // truncation
                int cut = n == 0 ? 0 : rnd.nextInt(n);
                sb.append(new String(cps, 0, cut));
            }
            case 1 -> { // insertion
                int at = rnd.nextInt(n + 1);
                int cp = n > 0 && rnd.nextBoolean() ? cps[rnd.nextInt(n)] : NOISE.charAt(rnd.nextInt(NOISE.length()));
                sb.append(new String(cps, 0, at)).appendCodePoint(cp).append(new String(cps, at, n - at));
            }
            case 2 -> { // deletion
                if (n == 0) {
                    return s;
                }
                int at = rnd.nextInt(n);
                sb.append(new String(cps, 0, at)).append(new String(cps, at + 1, n - at - 1));
            }
            case 3 -> { // swap of two adjacent characters
                if (n < 2) {
                    return s + " ";
                }
                int at = rnd.nextInt(n - 1);
                int t = cps[at];
                cps[at] = cps[at + 1];
                cps[at + 1] = t;
                sb.append(new String(cps, 0, n));
            }
            default -> { // swap two words
                String[] parts = s.split("(?<=\\s)|(?=\\s)");
                List<Integer> words = new ArrayList<>();
                for (int i = 0; i < parts.length; i++) {
                    if (!parts[i].isBlank()) {
                        words.add(i);
                    }
                }
                if (words.size() < 2) {
                    return s.isEmpty() ? "x" : s.substring(0, s.length() - 1);
                }
                int a = words.get(rnd.nextInt(words.size()));
                int b = words.get(rnd.nextInt(words.size()));
                String t = parts[a];
                parts[a] = parts[b];
                parts[b] = t;
                for (String p : parts) {
                    sb.append(p);
                }
            }
        }
        return sb.toString();
    }
}
