package dev.stencil.decoder;

import dev.stencil.automata.Matcher;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The decoding loop of one sequence: prefill the prompt, then repeat mask → processors → choose →
 * accept → one-token forward pass on the KV cache until the stop token, the token limit or the
 * model's position limit. Works with or without a grammar; can replay a given token sequence
 * (benchmarks compare constrained and unconstrained runs over the same tokens).
 */
final class SequenceDecoder {
    /** What the loop produced. */
    record Outcome(int[] tokens, FinishReason finishReason, Timings timings) {
    }

    private final OnnxCausalLm model;
    private final int eosTokenId;
    private final int maxPositions;

    SequenceDecoder(OnnxCausalLm model, int eosTokenId, int maxPositions) {
        this.model = model;
        this.eosTokenId = eosTokenId;
        this.maxPositions = maxPositions;
    }

    /**
     * @param matcher the grammar state, or null for unconstrained decoding
     * @param processors stages after the grammar mask (penalties, temperature, top-k, ...)
     * @param replay tokens to feed instead of the chosen ones (the choice is still computed, so
     *     the work per step is the same), or null
     * @param onToken called with each generated token id (not the stop token), or null
     */
    Outcome decode(int[] prompt, Matcher matcher, List<LogitsProcessor> processors, TokenSelector selector,
            int maxTokens, int[] replay, IntConsumer onToken) {
        if (prompt.length == 0) {
            throw new DecoderException("the prompt is empty: the model needs at least one token to condition on");
        }
        if (maxTokens < 1) {
            throw new DecoderException("max tokens must be >= 1, got " + maxTokens);
        }
        int room = maxPositions - prompt.length;
        if (room <= 0) {
            throw new DecoderException("the prompt has " + prompt.length + " tokens, leaving no room within the model's "
                    + maxPositions + " positions");
        }
        int limit = Math.min(maxTokens, room);
        int vocab = model.shape().vocabSize();
        GrammarMask mask = matcher == null ? null : new GrammarMask(matcher, vocab);
        LogitsProcessor[] stages = processors.toArray(new LogitsProcessor[0]);
        float[] logits = new float[vocab];
        int[] out = new int[Math.min(limit, 256)];
        int n = 0;
        int passes = 0;
        FinishReason finish = FinishReason.LENGTH;
        int[] step = new int[1];
        int[][] stepRows = {step};
        try (KvCache cache = model.newCache(1)) {
            long t0 = System.nanoTime();
            model.forward(cache, new int[][] {prompt});
            passes++;
            long t1 = System.nanoTime();
            while (true) {
                if (n == limit || (replay != null && n == replay.length)) {
                    break;
                }
                cache.logits(0, -1, logits);
                if (mask != null) {
                    mask.process(logits);
                }
                for (LogitsProcessor p : stages) {
                    p.process(logits);
                }
                int chosen = selector.select(logits);
                int token = replay != null ? replay[n] : chosen;
                if (token < 0) {
                    throw new DecoderException("no token is allowed after " + n + " generated tokens: the grammar has no continuation the model's vocabulary can express");
                }
                if (matcher != null && !matcher.accept(token)) {
                    throw new DecoderException("token " + token + " was chosen but the grammar rejects it (after " + n + " tokens)");
                }
                if (token == eosTokenId) {
                    finish = FinishReason.STOP;
                    break;
                }
                if (n == out.length) {
                    out = Arrays.copyOf(out, Math.min(limit, out.length * 2));
                }
                out[n++] = token;
                for (LogitsProcessor p : stages) {
                    p.accept(token);
                }
                if (onToken != null) {
                    onToken.accept(token);
                }
                if (n == limit) {
                    break; // no pass for a token whose successor would not be generated anyway
                }
                step[0] = token;
                model.forward(cache, stepRows);
                passes++;
            }
            long t2 = System.nanoTime();
            Timings timings = new Timings(t1 - t0, t2 - t1, mask == null ? 0 : mask.maskNanos(),
                    mask == null ? 0 : mask.maskCount(), passes);
            return new Outcome(Arrays.copyOf(out, n), finish, timings);
        }
    }
}
