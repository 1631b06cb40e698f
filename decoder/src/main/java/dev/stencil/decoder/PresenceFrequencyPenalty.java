package dev.stencil.decoder;

import java.util.Arrays;

/**
 * OpenAI-style additive penalties: a token generated {@code c} times has {@code c * frequency +
 * (c > 0 ? presence : 0)} subtracted from its logit. Unlike {@link RepetitionPenalty} the change
 * does not depend on the logit's sign, and negative values encourage repetition. Only generated
 * tokens count (the embedded model's prompt lists keys its answer must repeat).
 */
public final class PresenceFrequencyPenalty implements LogitsProcessor {
    private final float presence;
    private final float frequency;
    private int[] counts = new int[0];
    private int[] distinct = new int[16];
    private int count;

    /** Both in [-2, 2] (the usual range); 0 turns a penalty off. */
    public PresenceFrequencyPenalty(double presence, double frequency) {
        check("presence", presence);
        check("frequency", frequency);
        this.presence = (float) presence;
        this.frequency = (float) frequency;
    }

    static void check(String name, double v) {
        if (!(v >= -2 && v <= 2)) {
            throw new DecoderException(name + " penalty must be in [-2, 2], got " + v);
        }
    }

    @Override
    public void process(float[] logits) {
        for (int i = 0; i < count; i++) {
            int id = distinct[i];
            if (id < logits.length && logits[id] != Float.NEGATIVE_INFINITY) {
                logits[id] -= counts[id] * frequency + presence;
            }
        }
    }

    @Override
    public void accept(int tokenId) {
        if (tokenId >= counts.length) {
            counts = Arrays.copyOf(counts, Math.max(tokenId + 1, counts.length * 2));
        }
        if (counts[tokenId]++ == 0) {
            if (count == distinct.length) {
                distinct = Arrays.copyOf(distinct, count * 2);
            }
            distinct[count++] = tokenId;
        }
    }
}
