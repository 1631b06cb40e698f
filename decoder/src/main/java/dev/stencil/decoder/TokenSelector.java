package dev.stencil.decoder;

import java.util.SplittableRandom;

/**
 * Picks the next token from processed logits. {@link #greedy()} takes the most likely token;
 * {@link #sampling(long)} draws from the softmax with a seeded generator, so the same seed gives
 * the same tokens. Instances belong to one generation.
 */
public interface TokenSelector {
    /** The chosen token id, or -1 when every logit is negative infinity (nothing allowed). */
    int select(float[] logits);

    /** The greedy selector (one instance, so decoding loops can recognise it and fuse it with the mask). */
    TokenSelector GREEDY = TokenSelector::argmax;

    /** The most likely token; ties go to the lowest id. */
    static TokenSelector greedy() {
        return GREEDY;
    }

    /** Draws from softmax(logits) with a generator seeded by {@code seed}. */
    static TokenSelector sampling(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return logits -> {
            int best = argmax(logits);
            if (best < 0) {
                return -1;
            }
            double max = logits[best];
            double total = 0;
            for (float v : logits) {
                if (v != Float.NEGATIVE_INFINITY) {
                    total += Math.exp(v - max);
                }
            }
            double u = random.nextDouble() * total;
            double cumulative = 0;
            int last = best;
            for (int i = 0; i < logits.length; i++) {
                float v = logits[i];
                if (v != Float.NEGATIVE_INFINITY) {
                    cumulative += Math.exp(v - max);
                    last = i;
                    if (u < cumulative) {
                        return i;
                    }
                }
            }
            return last; // rounding left u at the very top: the last allowed token
        };
    }

    /** Index of the largest logit, or -1 if all are negative infinity or NaN. */
    static int argmax(float[] logits) {
        int best = -1;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] > bestValue) {
                bestValue = logits[i];
                best = i;
            }
        }
        return best;
    }
}
