package dev.stencil.decoder;

/**
 * Where the time of one generation went.
 *
 * @param prefillNanos the prompt's forward pass
 * @param decodeNanos every later step: forward passes, masks, processors and token choice
 * @param maskNanos time spent computing grammar masks (part of {@code decodeNanos}, and of the
 *     first mask after the prefill)
 * @param masks number of masks computed
 * @param forwardPasses number of model forward passes, the prefill included
 * @param forcedTokens tokens appended without sampling because the grammar forced their bytes
 *     (jump-forward); they share forward passes with the token before them
 */
public record Timings(long prefillNanos, long decodeNanos, long maskNanos, int masks, int forwardPasses, int forcedTokens) {
    /** Timings of a run without forced tokens. */
    public Timings(long prefillNanos, long decodeNanos, long maskNanos, int masks, int forwardPasses) {
        this(prefillNanos, decodeNanos, maskNanos, masks, forwardPasses, 0);
    }

    public long totalNanos() {
        return prefillNanos + decodeNanos;
    }

    /** Generated tokens per second of total time (prefill included). */
    public double tokensPerSecond(int generatedTokens) {
        long t = totalNanos();
        return t == 0 ? 0 : generatedTokens * 1e9 / t;
    }

    /** Mean time of one mask in microseconds, 0 without masks. */
    public double meanMaskMicros() {
        return masks == 0 ? 0 : maskNanos / 1e3 / masks;
    }
}
