package dev.stencil.decoder;

import dev.stencil.automata.Matcher;

/**
 * Rules out every token the grammar does not allow next: asks the sequence's {@link Matcher} for
 * its packed bitmask and sets the logits of cleared bits (and of ids past the vocabulary) to
 * negative infinity. Also times the mask computation, the figure the overhead bars are about.
 */
public final class GrammarMask implements LogitsProcessor {
    private final Matcher matcher;
    private final long[] mask;
    private long maskNanos;
    private int masks;

    /** @param logitsWidth the model's vocabulary width (the mask covers every logit) */
    public GrammarMask(Matcher matcher, int logitsWidth) {
        this.matcher = matcher;
        this.mask = new long[(logitsWidth + 63) >>> 6];
    }

    @Override
    public void process(float[] logits) {
        long t0 = System.nanoTime();
        matcher.fillNextTokenMask(mask);
        maskNanos += System.nanoTime() - t0;
        masks++;
        apply(mask, logits);
    }

    /**
     * Greedy choice under the grammar in one step: computes the mask and returns the allowed token
     * with the largest logit (ties to the lowest id; -1 when no allowed logit exceeds negative
     * infinity), the same token as {@link #process} followed by {@link TokenSelector#argmax}. It
     * reads each logit once and writes none: at a 128k vocabulary, writing negative infinity into
     * the disallowed logits costs about as much as the argmax itself.
     */
    public int argmax(float[] logits) {
        long t0 = System.nanoTime();
        matcher.fillNextTokenMask(mask);
        maskNanos += System.nanoTime() - t0;
        masks++;
        return maskedArgmax(mask, logits);
    }

    /** The index of the largest logit whose bit is set in {@code mask}, or -1 (see {@link #argmax}). */
    static int maskedArgmax(long[] mask, float[] logits) {
        int n = logits.length;
        int best = -1;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int w = 0; w < mask.length; w++) {
            long word = mask[w];
            if (word == 0L) {
                continue;
            }
            int base = w << 6;
            if (word == -1L) {
                int end = Math.min(n, base + 64);
                for (int i = base; i < end; i++) {
                    if (logits[i] > bestValue) {
                        bestValue = logits[i];
                        best = i;
                    }
                }
                continue;
            }
            while (word != 0L) {
                int i = base + Long.numberOfTrailingZeros(word);
                word &= word - 1; // clear the lowest set bit: ids come in ascending order
                if (i >= n) {
                    break;
                }
                if (logits[i] > bestValue) {
                    bestValue = logits[i];
                    best = i;
                }
            }
        }
        return best;
    }

    /** Sets the logits of tokens whose bit is clear to negative infinity. */
    static void apply(long[] mask, float[] logits) {
        int n = logits.length;
        for (int w = 0; w < mask.length; w++) {
            long word = mask[w];
            if (word == -1L) {
                continue;
            }
            int base = w << 6;
            int end = Math.min(n, base + 64);
            if (word == 0L) {
                for (int i = base; i < end; i++) {
                    logits[i] = Float.NEGATIVE_INFINITY;
                }
                continue;
            }
            for (int i = base; i < end; i++) {
                if ((word & (1L << (i - base))) == 0) {
                    logits[i] = Float.NEGATIVE_INFINITY;
                }
            }
        }
    }

    /** Total time spent computing masks. */
    public long maskNanos() {
        return maskNanos;
    }

    /** Number of masks computed. */
    public int maskCount() {
        return masks;
    }
}
