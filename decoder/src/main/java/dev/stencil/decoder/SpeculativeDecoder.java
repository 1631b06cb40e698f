package dev.stencil.decoder;

import dev.stencil.automata.Matcher;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * Greedy speculative decoding under a grammar: a small draft model proposes up to k tokens under
 * its own forked {@link Matcher}; the target scores the pending tokens and the whole proposal in
 * one forward pass; each proposed token is kept while it equals the target's masked argmax at its
 * position, and the first disagreement is replaced by the target's own choice (the grammar mask is
 * applied at every position, so that token is always legal). Rejected tokens are rolled back in
 * both caches. The output is the target's greedy output, token for token.
 *
 * <p>k adapts: one more after a fully accepted proposal, one less after a rejection (1..{@link
 * #MAX_K}). Whether to speculate at all is decided by measurement: the time per emitted token of
 * speculative rounds and of plain one-token rounds is tracked (moving averages), the cheaper mode
 * is used, and the other one is re-tried every {@link #EXPLORE_EVERY} rounds, so a draft that
 * does not pay for itself is mostly switched off (see {@link #speculateNow}).
 */
final class SpeculativeDecoder {
    static final int MAX_K = 8;
    static final int EXPLORE_EVERY = 16;
    private static final double EMA = 0.25;

    /** What the loop produced. */
    record Outcome(int[] tokens, FinishReason finishReason, Timings timings, Speculation speculation) {
    }

    private final OnnxCausalLm target;
    private final OnnxCausalLm draft;
    private final int eosTokenId;
    private final int maxPositions;

    SpeculativeDecoder(OnnxCausalLm target, OnnxCausalLm draft, int eosTokenId, int maxPositions) {
        if (draft.shape().vocabSize() != target.shape().vocabSize()) {
            throw new DecoderException("the draft model's logits are " + draft.shape().vocabSize()
                    + " wide but the target's are " + target.shape().vocabSize() + ": they must share a vocabulary");
        }
        this.target = target;
        this.draft = draft;
        this.eosTokenId = eosTokenId;
        this.maxPositions = maxPositions;
    }

    Outcome decode(int[] prompt, Matcher matcher, int maxTokens, int initialK, IntConsumer onToken) {
        return decode(prompt, matcher, null, maxTokens, initialK, onToken);
    }

    /**
     * @param keywords must-exclude/must-include state after the prompt, or null: the draft proposes
     *     under a fork of it (dropped with the proposal), the target's choices advance it, so
     *     rejected tokens never reach it and nothing needs rolling back
     */
    Outcome decode(int[] prompt, Matcher matcher, KeywordConstraint keywords, int maxTokens, int initialK, IntConsumer onToken) {
        if (prompt.length == 0) {
            throw new DecoderException("the prompt is empty: the model needs at least one token to condition on");
        }
        int room = maxPositions - prompt.length;
        if (room <= 0) {
            throw new DecoderException("the prompt has " + prompt.length + " tokens, leaving no room within the model's "
                    + maxPositions + " positions");
        }
        int limit = Math.min(maxTokens, room);
        int vocab = target.shape().vocabSize();
        int k = Math.max(1, Math.min(MAX_K, initialK));
        // seq = prompt + output; each cache holds a prefix of it (plus, transiently, proposals)
        int[] seq = Arrays.copyOf(prompt, prompt.length + limit + 1);
        int len = prompt.length;
        int[] proposal = new int[MAX_K];
        float[] logits = new float[vocab];
        long[] mask = new long[(vocab + 63) >>> 6];
        long maskNanos = 0;
        int masks = 0;
        int proposed = 0;
        int acceptedTotal = 0;
        int targetPasses = 0;
        int draftPasses = 0;
        FinishReason finish = FinishReason.LENGTH;
        double specCost = Double.NaN; // moving averages of nanoseconds per emitted token
        double plainCost = Double.NaN;
        int round = 0;
        long t0 = System.nanoTime();
        long prefillNanos = -1;
        try (KvCache tc = target.newCache(1); KvCache dc = draft.newCache(1)) {
            outer:
            while (len - prompt.length < limit) {
                long roundStart = System.nanoTime();
                int lenBefore = len;
                int generated = len - prompt.length;
                boolean speculate = speculateNow(round++, specCost, plainCost);
                // at most limit - generated new tokens this round: m accepted proposals + 1 target token
                int m = speculate ? Math.min(k, limit - generated - 1) : 0;
                // propose under a fork of the grammar state
                int pm = 0;
                int draftFed = 0;
                if (m > 0) {
                    Matcher dm = matcher.fork();
                    KeywordConstraint dk = keywords == null ? null : keywords.fork();
                    draft.forward(dc, new int[][] {Arrays.copyOfRange(seq, dc.columns(), len)});
                    draftPasses++;
                    while (pm < m) {
                        dc.logits(0, -1, logits);
                        long s = System.nanoTime();
                        dm.fillNextTokenMask(mask);
                        maskNanos += System.nanoTime() - s;
                        masks++;
                        GrammarMask.apply(mask, logits);
                        if (dk != null) {
                            dk.process(logits);
                        }
                        int d = TokenSelector.argmax(logits);
                        if (d < 0 || !dm.accept(d)) {
                            break;
                        }
                        if (dk != null && d != eosTokenId) {
                            dk.accept(d);
                        }
                        proposal[pm++] = d;
                        if (d == eosTokenId || pm == m) {
                            break;
                        }
                        draft.forward(dc, new int[][] {{d}});
                        draftPasses++;
                        draftFed++;
                    }
                }
                proposed += pm;
                // verify: pending tokens of seq plus the proposal (a trailing stop token is never fed)
                int fed = pm > 0 && proposal[pm - 1] == eosTokenId ? pm - 1 : pm;
                int pending = len - tc.columns();
                int[] chunk = new int[pending + fed];
                System.arraycopy(seq, tc.columns(), chunk, 0, pending);
                System.arraycopy(proposal, 0, chunk, pending, fed);
                int base = tc.columns();
                target.forward(tc, new int[][] {chunk});
                targetPasses++;
                if (prefillNanos < 0) {
                    prefillNanos = System.nanoTime() - t0;
                }
                int accepted = 0;
                for (int j = 0; j <= pm; j++) {
                    // row pending-1+j predicts the token after seq[..len) + proposal[..j)
                    int row = pending - 1 + j;
                    if (row >= chunk.length) {
                        break; // the proposal ended with the stop token, which was accepted below
                    }
                    tc.logits(0, row, logits);
                    long s = System.nanoTime();
                    matcher.fillNextTokenMask(mask);
                    maskNanos += System.nanoTime() - s;
                    masks++;
                    GrammarMask.apply(mask, logits);
                    if (keywords != null) {
                        keywords.process(logits);
                    }
                    int t = TokenSelector.argmax(logits);
                    if (t < 0 && keywords != null && !keywords.complete()) {
                        finish = FinishReason.MISSING_KEYWORDS;
                        acceptedTotal += accepted;
                        break outer;
                    }
                    if (t < 0) {
                        throw new DecoderException("no token is allowed after " + (len - prompt.length)
                                + " generated tokens: the grammar has no continuation the model's vocabulary can express");
                    }
                    if (!matcher.accept(t)) {
                        throw new DecoderException("token " + t + " was chosen but the grammar rejects it");
                    }
                    if (keywords != null && t != eosTokenId) {
                        keywords.accept(t);
                    }
                    boolean agrees = j < pm && proposal[j] == t;
                    if (agrees) {
                        accepted++;
                    }
                    if (t == eosTokenId) {
                        finish = FinishReason.STOP;
                        acceptedTotal += accepted;
                        break outer;
                    }
                    seq[len++] = t;
                    if (onToken != null) {
                        onToken.accept(t);
                    }
                    if (!agrees || len - prompt.length == limit) {
                        break;
                    }
                }
                acceptedTotal += accepted;
                // keep only what both caches computed for tokens that are now in seq
                // (the draft was fed seq[..base + pending) before proposing, then draftFed proposals)
                tc.truncate(base + pending + accepted);
                dc.truncate(Math.min(dc.columns(), base + pending + Math.min(draftFed, accepted)));
                if (m > 0) {
                    k = accepted == pm && pm == m ? Math.min(MAX_K, k + 1) : Math.max(1, k - 1);
                }
                if (round != 1 && round != 4) { // rounds 0 and 3 (counted before the increment) carry prefills
                    double cost = (System.nanoTime() - roundStart) / (double) Math.max(1, len - lenBefore);
                    if (m > 0) {
                        specCost = Double.isNaN(specCost) ? cost : specCost + EMA * (cost - specCost);
                    } else {
                        plainCost = Double.isNaN(plainCost) ? cost : plainCost + EMA * (cost - plainCost);
                    }
                }
            }
            long total = System.nanoTime() - t0;
            if (Double.isNaN(specCost) || (!Double.isNaN(plainCost) && plainCost < specCost)) {
                k = 0; // report that speculation ended switched off
            }
            long prefill = Math.max(0, prefillNanos);
            Timings timings = new Timings(prefill, total - prefill, maskNanos, masks, targetPasses + draftPasses);
            return new Outcome(Arrays.copyOfRange(seq, prompt.length, len), finish, timings,
                    new Speculation(proposed, acceptedTotal, targetPasses, draftPasses, k));
        }
    }

    /**
     * Speculate this round? Round 0 is the prompt's prefill (plain); rounds 1-2 measure plain
     * steps; rounds 3-4 speculate (3 includes the draft's prefill and is not measured); from then
     * on the cheaper mode per emitted token wins, and the other is re-tried every {@link
     * #EXPLORE_EVERY} rounds.
     */
    static boolean speculateNow(int round, double specCost, double plainCost) {
        if (round < 3) {
            return false;
        }
        if (round <= 4 || Double.isNaN(specCost)) {
            return true;
        }
        if (Double.isNaN(plainCost)) {
            return false;
        }
        boolean explore = round % EXPLORE_EVERY == 0;
        return (specCost <= plainCost) != explore;
    }
}
