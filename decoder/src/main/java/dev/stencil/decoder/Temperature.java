package dev.stencil.decoder;

/** Divides logits by a temperature: above 1 flattens the distribution, below 1 sharpens it. */
public final class Temperature implements LogitsProcessor {
    private final float inverse;

    public Temperature(double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new DecoderException("temperature must be a positive finite number (0 means greedy and uses no Temperature stage), got " + temperature);
        }
        this.inverse = (float) (1.0 / temperature);
    }

    @Override
    public void process(float[] logits) {
        if (inverse == 1f) {
            return;
        }
        for (int i = 0; i < logits.length; i++) {
            logits[i] *= inverse;
        }
    }
}
