package dev.stencil.decoder;

/**
 * Nucleus sampling: keeps the smallest set of most likely tokens whose probabilities add up to at
 * least {@code p} (always at least one token).
 */
public final class TopP implements LogitsProcessor {
    private final double p;
    private final RankedLogits ranked = new RankedLogits();

    public TopP(double p) {
        if (!(p > 0 && p <= 1)) {
            throw new DecoderException("top-p must be in (0, 1], got " + p);
        }
        this.p = p;
    }

    @Override
    public void process(float[] logits) {
        if (p >= 1) {
            return;
        }
        int n = ranked.rank(logits);
        if (n == 0) {
            return;
        }
        double max = logits[ranked.token(0)];
        double total = 0;
        for (int r = 0; r < n; r++) {
            total += Math.exp(logits[ranked.token(r)] - max);
        }
        double target = p * total;
        double cumulative = 0;
        int keep = n;
        for (int r = 0; r < n; r++) {
            cumulative += Math.exp(logits[ranked.token(r)] - max);
            if (cumulative >= target) {
                keep = r + 1;
                break;
            }
        }
        for (int r = keep; r < n; r++) {
            logits[ranked.token(r)] = Float.NEGATIVE_INFINITY;
        }
    }
}
