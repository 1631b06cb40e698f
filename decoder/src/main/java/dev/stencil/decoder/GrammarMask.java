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
