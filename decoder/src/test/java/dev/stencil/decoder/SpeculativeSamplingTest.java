package dev.stencil.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The acceptance rule of sampled speculative decoding keeps the target's distribution: on a
 * constructed case (five tokens, one ruled out by the grammar in both models, a draft that
 * disagrees strongly with the target) the tokens that come out of draft-then-verify are counted
 * and compared with the target's distribution by a chi-square test. The same test rejects the
 * two classic mistakes (keeping every draft token; resampling from p instead of the residual),
 * so it can tell a right rule from a wrong one.
 */
class SpeculativeSamplingTest {
    private static final int N = 200_000;
    /** Chi-square critical value for 3 degrees of freedom at p = 0.001. */
    private static final double CRITICAL = 16.27;

    // logits after mask and temperature; token 4 is masked out (the grammar forbids it)
    private static final float[] TARGET = {2.0f, 0.5f, -1.0f, 1.0f, Float.NEGATIVE_INFINITY};
    private static final float[] DRAFT = {0.0f, 2.0f, 0.5f, -0.5f, Float.NEGATIVE_INFINITY};

    private enum Rule { STANDARD, KEEP_ALL, RESAMPLE_FROM_P }

    @Test
    void outputFollowsTheTargetDistribution() {
        double[] p = probs(TARGET);
        long[] counts = sample(Rule.STANDARD, 42);
        assertEquals(0, counts[4], "a token the grammar forbids came out");
        double chi = chiSquare(counts, p);
        assertTrue(chi < CRITICAL, "chi-square " + chi + " against the target's distribution");
    }

    @Test
    void theTestCatchesWrongRules() {
        double[] p = probs(TARGET);
        for (Rule wrong : new Rule[] {Rule.KEEP_ALL, Rule.RESAMPLE_FROM_P}) {
            double chi = chiSquare(sample(wrong, 42), p);
            assertTrue(chi > 10 * CRITICAL, wrong + ": chi-square only " + chi);
        }
    }

    @Test
    void identicalDistributionsKeepEveryDraftToken() {
        double[] p = probs(TARGET);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 1000; i++) {
            int d = SpeculativeSampling.draw(p, random);
            assertEquals(d, SpeculativeSampling.verify(p, p, d, random));
        }
    }

    private static long[] sample(Rule rule, long seed) {
        double[] p = probs(TARGET);
        double[] q = probs(DRAFT);
        SplittableRandom random = new SplittableRandom(seed);
        long[] counts = new long[p.length];
        for (int i = 0; i < N; i++) {
            int d = SpeculativeSampling.draw(q, random);
            int out = switch (rule) {
                case STANDARD -> {
                    int v = SpeculativeSampling.verify(p, q, d, random);
                    yield v >= 0 ? v : -v - 1;
                }
                case KEEP_ALL -> d;
                case RESAMPLE_FROM_P -> {
                    int v = SpeculativeSampling.verify(p, q, d, random);
                    yield v >= 0 ? v : SpeculativeSampling.draw(p, random);
                }
            };
            counts[out]++;
        }
        return counts;
    }

    private static double[] probs(float[] logits) {
        double[] p = new double[logits.length];
        assertTrue(SpeculativeSampling.softmax(logits, p));
        return p;
    }

    /** Pearson's statistic over the tokens with positive expected probability. */
    private static double chiSquare(long[] counts, double[] p) {
        double chi = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                double expected = p[i] * N;
                chi += (counts[i] - expected) * (counts[i] - expected) / expected;
            }
        }
        return chi;
    }
}
