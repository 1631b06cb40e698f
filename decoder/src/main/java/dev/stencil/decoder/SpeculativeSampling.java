package dev.stencil.decoder;

import java.util.SplittableRandom;

/**
 * The acceptance rule of sampled speculative decoding (Leviathan et al. 2023, Chen et al. 2023),
 * applied to one position. The draft drew token {@code d} from its distribution {@code q}; the
 * target's distribution there is {@code p}. Keep {@code d} with probability {@code min(1,
 * p(d)/q(d))}; otherwise draw a replacement from {@code max(0, p - q)}, normalised. The token that
 * comes out is distributed exactly as {@code p}, whatever {@code q} is, so sampling with a draft
 * follows the same distribution as sampling without one.
 *
 * <p>Both distributions are the <em>masked, processed</em> ones (grammar mask, temperature, top-k
 * ...): a token the grammar rules out has probability 0 under both, so neither a kept draft
 * token nor a replacement can be illegal. Probabilities come from {@link #softmax}, which leaves
 * ruled-out tokens at exactly 0.
 */
final class SpeculativeSampling {
    private SpeculativeSampling() {
    }

    /**
     * Writes softmax(logits) into {@code probs} (negative infinity becomes exactly 0).
     *
     * @return false when every logit is negative infinity (no token allowed)
     */
    static boolean softmax(float[] logits, double[] probs) {
        int best = TokenSelector.argmax(logits);
        if (best < 0) {
            return false;
        }
        double max = logits[best];
        double total = 0;
        for (int i = 0; i < logits.length; i++) {
            float v = logits[i];
            double e = v == Float.NEGATIVE_INFINITY ? 0 : Math.exp(v - max);
            probs[i] = e;
            total += e;
        }
        double inv = 1 / total;
        for (int i = 0; i < logits.length; i++) {
            probs[i] *= inv;
        }
        return true;
    }

    /** Draws a token from {@code probs} (summing to 1). */
    static int draw(double[] probs, SplittableRandom random) {
        double u = random.nextDouble();
        double cumulative = 0;
        int last = -1;
        for (int i = 0; i < probs.length; i++) {
            if (probs[i] > 0) {
                cumulative += probs[i];
                last = i;
                if (u < cumulative) {
                    return i;
                }
            }
        }
        return last; // rounding left u at the very top
    }

    /**
     * Decides one position.
     *
     * @param p the target's distribution
     * @param q the draft's distribution, from which {@code draft} was drawn
     * @return {@code draft} when it is kept, otherwise {@code -(replacement + 1)} (always negative)
     */
    static int verify(double[] p, double[] q, int draft, SplittableRandom random) {
        double pd = p[draft];
        double qd = q[draft];
        // qd > 0 because draft was drawn from q; pd/qd >= 1 keeps it for sure
        if (pd >= qd || random.nextDouble() * qd < pd) {
            return draft;
        }
        // residual max(0, p - q): positive mass exists because p != q at draft (pd < qd)
        double total = 0;
        for (int i = 0; i < p.length; i++) {
            double r = p[i] - q[i];
            if (r > 0) {
                total += r;
            }
        }
        double u = random.nextDouble() * total;
        double cumulative = 0;
        int last = -1;
        for (int i = 0; i < p.length; i++) {
            double r = p[i] - q[i];
            if (r > 0) {
                cumulative += r;
                last = i;
                if (u < cumulative) {
                    return -(i + 1);
                }
            }
        }
        return -(last + 1);
    }
}
