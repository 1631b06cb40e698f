package dev.stencil.decoder;

/**
 * Min-p sampling: drops tokens whose probability is below {@code minP} times the most likely
 * token's probability, i.e. whose logit is more than {@code -ln(minP)} below the maximum.
 */
public final class MinP implements LogitsProcessor {
    private final float margin;

    public MinP(double minP) {
        if (!(minP > 0 && minP <= 1)) {
            throw new DecoderException("min-p must be in (0, 1], got " + minP);
        }
        this.margin = (float) -Math.log(minP);
    }

    @Override
    public void process(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        float floor = max - margin;
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] < floor) {
                logits[i] = Float.NEGATIVE_INFINITY;
            }
        }
    }
}
