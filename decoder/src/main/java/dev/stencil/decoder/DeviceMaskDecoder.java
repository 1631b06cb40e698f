package dev.stencil.decoder;

import dev.stencil.automata.Matcher;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * The decoding loop of one sequence with the grammar mask applied inside the model's graph
 * ({@link OnnxCausalLm#forwardTopK}): the mask for the next token is computed before the forward
 * pass that predicts it (the matcher already knows the token being fed), goes in with the tokens,
 * and only the best {@code k} allowed candidates come back. With a GPU provider the logits then
 * stay on the device.
 *
 * <p>Same tokens as {@link SequenceDecoder} when the processors only look at the top {@code k}:
 * greedy ({@code k = 1}, no processors) or sampling whose chain keeps at most the {@code k} best
 * masked logits before anything that depends on the others (temperature, then top-k with the
 * same k, then top-p / typical-p / min-p, which see only what top-k kept). The candidates are put
 * back into a logits array that is negative infinity elsewhere, so the same processors and
 * selector run on it unchanged. {@link Generator} decides when that holds.
 */
final class DeviceMaskDecoder {
    private final OnnxCausalLm model;
    private final int eosTokenId;
    private final int maxPositions;

    DeviceMaskDecoder(OnnxCausalLm model, int eosTokenId, int maxPositions) {
        if (!model.hasDeviceTopK()) {
            throw new DecoderException("model " + model.name() + " was loaded without the device mask: load it with RuntimeOptions.withMaskOnDevice(true)");
        }
        this.model = model;
        this.eosTokenId = eosTokenId;
        this.maxPositions = maxPositions;
    }

    /**
     * @param matcher the grammar state, or null (every token allowed; only k candidates still cross)
     * @param processors stages that depend only on the k best masked logits (see the class comment)
     * @param k candidates per step
     * @param replay tokens to feed instead of the chosen ones, or null
     * @param onToken called with each generated token id (not the stop token), or null
     * @param stop stop sequences, or null; needs {@code tokenBytes}
     * @param jump forced-token insertion (with a matcher, without replay), or null
     */
    SequenceDecoder.Outcome decode(int[] prompt, Matcher matcher, List<LogitsProcessor> processors, TokenSelector selector,
            int k, int maxTokens, int[] replay, IntConsumer onToken, StopSequences stop, IntFunction<byte[]> tokenBytes,
            JumpForward jump) {
        if (stop != null && tokenBytes == null) {
            throw new IllegalArgumentException("stop sequences need the tokens' bytes");
        }
        if (jump != null && (matcher == null || replay != null)) {
            throw new DecoderException("forced tokens need a grammar and cannot be combined with replay");
        }
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
        LogitsProcessor[] stages = processors.toArray(new LogitsProcessor[0]);
        boolean argmaxOnly = k == 1 && stages.length == 0;
        long[] mask = new long[Math.max(model.maskWords(), matcher == null ? 0 : matcher.newMask().length)];
        long[][] masks = {matcher == null ? null : mask};
        float[] values = new float[k];
        int[] ids = new int[k];
        // the candidates spread back over the vocabulary for the processors; reset entry by entry after each step
        float[] logits = argmaxOnly ? null : new float[vocab];
        if (logits != null) {
            Arrays.fill(logits, Float.NEGATIVE_INFINITY);
        }
        int[] out = new int[Math.min(limit, 256)];
        int n = 0;
        int passes = 0;
        long maskNanos = 0;
        int maskCount = 0;
        FinishReason finish = FinishReason.LENGTH;
        int[] step = new int[1];
        int[][] stepRows = {step};
        try (KvCache cache = model.newCache(1)) {
            long t0 = System.nanoTime();
            if (matcher != null) {
                long m0 = System.nanoTime();
                matcher.fillNextTokenMask(mask);
                maskNanos += System.nanoTime() - m0;
                maskCount++;
            }
            model.forwardTopK(cache, new int[][] {prompt}, masks, k);
            passes++;
            long t1 = System.nanoTime();
            while (true) {
                if (n == limit || (replay != null && n == replay.length)) {
                    break;
                }
                int found = cache.candidates(0, values, ids);
                int chosen;
                if (argmaxOnly) {
                    chosen = found == 0 ? -1 : ids[0];
                } else {
                    for (int i = 0; i < found; i++) {
                        logits[ids[i]] = values[i];
                    }
                    for (LogitsProcessor p : stages) {
                        p.process(logits);
                    }
                    chosen = selector.select(logits);
                    for (int i = 0; i < found; i++) {
                        logits[ids[i]] = Float.NEGATIVE_INFINITY;
                    }
                }
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
                int[] fed = jump == null ? null : jump.next(matcher, out, n, token, limit - n);
                if (fed == null) {
                    fed = step;
                    step[0] = token;
                }
                if (n + fed.length > out.length) {
                    out = Arrays.copyOf(out, Math.min(limit, Math.max(out.length * 2, n + fed.length)));
                }
                boolean stopped = false;
                for (int f : fed) {
                    out[n++] = f;
                    if (emit(f, stages, onToken, stop, tokenBytes)) {
                        stopped = true;
                        break;
                    }
                }
                if (stopped) {
                    finish = FinishReason.STOP_SEQUENCE;
                    break;
                }
                if (n == limit) {
                    break; // no pass for a token whose successor would not be generated anyway
                }
                if (matcher != null) {
                    long m0 = System.nanoTime();
                    matcher.fillNextTokenMask(mask); // the mask for the position this pass predicts
                    maskNanos += System.nanoTime() - m0;
                    maskCount++;
                }
                model.forwardTopK(cache, fed == step ? stepRows : new int[][] {fed}, masks, k);
                passes++;
            }
            long t2 = System.nanoTime();
            Timings timings = new Timings(t1 - t0, t2 - t1, maskNanos, maskCount, passes, jump == null ? 0 : jump.forcedCount());
            return new SequenceDecoder.Outcome(Arrays.copyOf(out, n), finish, timings);
        }
    }

    /** Lets the stages and listeners see a new token; true when a stop sequence has now appeared. */
    private static boolean emit(int token, LogitsProcessor[] stages, IntConsumer onToken, StopSequences stop,
            IntFunction<byte[]> tokenBytes) {
        for (LogitsProcessor p : stages) {
            p.accept(token);
        }
        boolean stopped = stop != null && stop.push(tokenBytes.apply(token));
        if (onToken != null) {
            onToken.accept(token);
        }
        return stopped;
    }
}
