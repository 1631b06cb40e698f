package dev.stencil.grammars.corpus;

import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.Matcher;
import dev.stencil.automata.vocab.BpeTokenizer;
import java.nio.charset.StandardCharsets;

/**
 * Feeds one input to a compiled grammar the way a model would produce it: tokenized with the real
 * tokenizer, one token at a time, computing the mask before every step (so the mask time is the
 * time a decoder would pay) and checking that each token is in the mask it was offered.
 */
public final class TokenFeed {

    /**
     * Outcome of one input.
     *
     * @param accepted every token was accepted and the grammar may end there (stop token allowed)
     * @param tokens tokens in the input
     * @param blockedToken index of the first rejected token, or -1
     * @param blockedByte byte offset where the first rejected token starts, or the input length
     *     when all tokens passed but the input may not end there; -1 when accepted
     * @param maskNanos time of each mask computed, in nanoseconds
     * @param maskDisagreements steps where {@code accept} and the mask bit disagreed (an engine bug)
     */
    public record Result(boolean accepted, int tokens, int blockedToken, int blockedByte, long[] maskNanos,
                         int maskDisagreements) {
    }

    private TokenFeed() {
    }

    /** Feeds {@code text} (UTF-8) to a fresh matcher of {@code cg}. */
    public static Result feed(CompiledGrammar cg, BpeTokenizer tokenizer, String text) {
        int[] ids = tokenizer.encode(text);
        Matcher m = cg.newMatcher();
        long[] mask = m.newMask();
        long[] times = new long[ids.length + 1];
        int disagreements = 0;
        int offset = 0;
        for (int i = 0; i < ids.length; i++) {
            long t0 = System.nanoTime();
            m.fillNextTokenMask(mask);
            times[i] = System.nanoTime() - t0;
            int id = ids[i];
            boolean inMask = (mask[id >>> 6] & (1L << id)) != 0;
            boolean ok = m.accept(id);
            if (ok != inMask) {
                disagreements++;
            }
            if (!ok) {
                return new Result(false, ids.length, i, offset, java.util.Arrays.copyOf(times, i + 1), disagreements);
            }
            offset += cg.vocabulary().tokenBytes(id).length;
        }
        long t0 = System.nanoTime();
        m.fillNextTokenMask(mask);
        times[ids.length] = System.nanoTime() - t0;
        int eos = cg.vocabulary().eosTokenId();
        boolean canEnd = m.isAccepting();
        if (eos >= 0 && ((mask[eos >>> 6] & (1L << eos)) != 0) != canEnd) {
            disagreements++;
        }
        return new Result(canEnd, ids.length, canEnd ? -1 : ids.length, canEnd ? -1 : text.getBytes(StandardCharsets.UTF_8).length,
                times, disagreements);
    }
}
