package dev.stencil.decoder;

/** Keeps only the {@code k} most likely tokens (ties broken by lower id). */
public final class TopK implements LogitsProcessor {
    private final int k;
    private final RankedLogits ranked = new RankedLogits();

    public TopK(int k) {
        if (k < 1) {
            throw new DecoderException("top-k must be >= 1, got " + k);
        }
        this.k = k;
    }

    @Override
    public void process(float[] logits) {
        int n = ranked.rank(logits);
        for (int r = k; r < n; r++) {
            logits[ranked.token(r)] = Float.NEGATIVE_INFINITY;
        }
    }
}
