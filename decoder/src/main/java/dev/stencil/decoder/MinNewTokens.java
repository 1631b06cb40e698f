package dev.stencil.decoder;

/**
 * Keeps the stop token out until {@code min} tokens have been generated. When the grammar allows
 * nothing but the stop token (the output is a complete sentence that cannot be extended), the
 * grammar wins: masking it would leave no legal token at all, and a constrained output must stay
 * inside the grammar.
 */
public final class MinNewTokens implements LogitsProcessor {
    private final int min;
    private final int eosTokenId;
    private int generated;

    /** @param min tokens to generate before the stop token may be chosen (0 = off) */
    public MinNewTokens(int min, int eosTokenId) {
        if (min < 0) {
            throw new DecoderException("min new tokens must be >= 0, got " + min);
        }
        this.min = min;
        this.eosTokenId = eosTokenId;
    }

    @Override
    public void process(float[] logits) {
        if (generated >= min || eosTokenId >= logits.length || logits[eosTokenId] == Float.NEGATIVE_INFINITY) {
            return;
        }
        for (int i = 0; i < logits.length; i++) {
            if (i != eosTokenId && logits[i] != Float.NEGATIVE_INFINITY) {
                logits[eosTokenId] = Float.NEGATIVE_INFINITY;
                return;
            }
        }
    }

    @Override
    public void accept(int tokenId) {
        generated++;
    }
}
