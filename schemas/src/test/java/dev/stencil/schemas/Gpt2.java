package dev.stencil.schemas;

import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.Matcher;
import dev.stencil.automata.mask.VocabularyIndex;
import dev.stencil.automata.vocab.BpeTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The GPT-2 tokenizer from stencil-automata's resources, and feeding text to a matcher token by token. */
final class Gpt2 {
    private static BpeTokenizer tokenizer;
    private static VocabularyIndex index;

    private Gpt2() {
    }

    static synchronized BpeTokenizer tokenizer() {
        if (tokenizer == null) {
            try {
                Path dir = Files.createTempDirectory("stencil-schemas-tok");
                for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
                    try (InputStream in = Gpt2.class.getResourceAsStream("/dev/stencil/tokenizers/gpt2/" + f)) {
                        if (in == null) {
                            throw new IllegalStateException("missing resource " + f);
                        }
                        Files.copy(in, dir.resolve(f));
                    }
                }
                tokenizer = BpeTokenizer.load(dir.resolve("tokenizer.json"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tokenizer;
    }

    static synchronized VocabularyIndex index() {
        if (index == null) {
            index = VocabularyIndex.build(tokenizer().vocabulary());
        }
        return index;
    }

    /**
     * Feeds the GPT-2 tokens of {@code text} one by one, each checked against the mask first, then
     * the stop token. True when every step was allowed.
     */
    static boolean accepts(CompiledGrammar g, String text) {
        Matcher m = g.newMatcher();
        long[] mask = m.newMask();
        for (int t : tokenizer().encode(text)) {
            m.fillNextTokenMask(mask);
            boolean inMask = (mask[t >>> 6] & (1L << (t & 63))) != 0;
            boolean accepted = m.accept(t);
            if (inMask != accepted) {
                throw new AssertionError("mask and accept disagree on token " + t + " of " + text);
            }
            if (!accepted) {
                return false;
            }
        }
        int eos = tokenizer().vocabulary().eosTokenId();
        m.fillNextTokenMask(mask);
        boolean eosInMask = (mask[eos >>> 6] & (1L << (eos & 63))) != 0;
        boolean end = m.accept(eos);
        if (eosInMask != end) {
            throw new AssertionError("mask and accept disagree on the stop token after " + text);
        }
        return end;
    }
}
