package dev.stencil.decoder;

/**
 * The finite logits of one step sorted from most to least likely, in a reusable primitive buffer:
 * each entry packs an order-preserving int image of the logit with the token id, so one
 * {@code Arrays.sort(long[])} ranks them with no boxing and no per-step allocation.
 */
final class RankedLogits {
    private long[] keys = new long[0];
    private int size;

    /** Ranks the finite entries of {@code logits}; returns how many there are. */
    int rank(float[] logits) {
        if (keys.length < logits.length) {
            keys = new long[logits.length];
        }
        int n = 0;
        for (int i = 0; i < logits.length; i++) {
            float v = logits[i];
            if (v != Float.NEGATIVE_INFINITY && !Float.isNaN(v)) {
                int bits = Float.floatToIntBits(v);
                // flip the magnitude bits of negatives so that int order equals float order
                int sortable = bits ^ ((bits >> 31) & 0x7fffffff);
                // ascending sort of (−value, id): highest logit first, ties by lowest id
                keys[n++] = ((long) ~sortable << 32) | (i & 0xffffffffL);
            }
        }
        java.util.Arrays.sort(keys, 0, n);
        size = n;
        return n;
    }

    int size() {
        return size;
    }

    /** Token id of rank {@code r} (0 = most likely). */
    int token(int r) {
        return (int) keys[r];
    }
}
