package dev.stencil.decoder;

import java.util.Arrays;

/**
 * The CTRL / Hugging Face repetition penalty: every token already generated has its logit
 * divided by {@code penalty} when positive and multiplied by it when negative, so it becomes
 * less likely either way. Only generated tokens count, not the prompt: the embedded model's
 * prompt lists the very keys its answer must repeat.
 */
public final class RepetitionPenalty implements LogitsProcessor {
    private final float penalty;
    private boolean[] seen = new boolean[0];
    private int[] distinct = new int[16];
    private int count;

    public RepetitionPenalty(double penalty) {
        if (!(penalty >= 1) || Double.isInfinite(penalty)) {
            throw new DecoderException("repetition penalty must be >= 1 and finite, got " + penalty);
        }
        this.penalty = (float) penalty;
    }

    @Override
    public void process(float[] logits) {
        for (int i = 0; i < count; i++) {
            int id = distinct[i];
            if (id < logits.length) {
                float v = logits[id];
                logits[id] = v > 0 ? v / penalty : v * penalty;
            }
        }
    }

    @Override
    public void accept(int tokenId) {
        if (tokenId >= seen.length) {
            seen = Arrays.copyOf(seen, Math.max(tokenId + 1, seen.length * 2));
        }
        if (!seen[tokenId]) {
            seen[tokenId] = true;
            if (count == distinct.length) {
                distinct = Arrays.copyOf(distinct, count * 2);
            }
            distinct[count++] = tokenId;
        }
    }
}
