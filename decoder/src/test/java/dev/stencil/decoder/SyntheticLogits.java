package dev.stencil.decoder;

import java.util.stream.IntStream;

/** Logits built from chosen probabilities, for the processor tests. */
final class SyntheticLogits {
    static final float NEG = Float.NEGATIVE_INFINITY;

    private SyntheticLogits() {
    }

    /** Logits whose softmax is exactly {@code probs} (a zero probability is a masked token). */
    static float[] logitsOf(double... probs) {
        float[] l = new float[probs.length];
        for (int i = 0; i < probs.length; i++) {
            l[i] = probs[i] == 0 ? NEG : (float) Math.log(probs[i]);
        }
        return l;
    }

    /** The ids still allowed (not masked to -infinity). */
    static int[] allowed(float[] logits) {
        return IntStream.range(0, logits.length).filter(i -> logits[i] != NEG).toArray();
    }
}
