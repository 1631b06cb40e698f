package dev.stencil.decoder;

import dev.stencil.automata.Matcher;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

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
        return decode(prompt, matcher, processors, selector, maxTokens, replay, onToken, null, null, null);
    }

    /**
     * @param stop stop sequences, or null; needs {@code tokenBytes}
     * @param tokenBytes the bytes of a token (for stop sequences), or null
     * @param jump forced-token insertion (with a matcher, without replay), or null
     */
    Outcome decode(int[] prompt, Matcher matcher, List<LogitsProcessor> processors, TokenSelector selector,
            int maxTokens, int[] replay, IntConsumer onToken, StopSequences stop, IntFunction<byte[]> tokenBytes,
            JumpForward jump) {
        return decode(prompt, matcher, processors, selector, maxTokens, replay, onToken, stop, tokenBytes, jump, null);
    }

    /**
     * @param heal token healing ({@code prompt} already without its last token), or null; not with
     *     forced tokens or replay
     */
    Outcome decode(int[] prompt, Matcher matcher, List<LogitsProcessor> processors, TokenSelector selector,
            int maxTokens, int[] replay, IntConsumer onToken, StopSequences stop, IntFunction<byte[]> tokenBytes,
            JumpForward jump, TokenHealing heal) {
        if (heal != null && (jump != null || replay != null)) {
            throw new DecoderException("token healing cannot be combined with forced tokens or replay");
        }
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
        GrammarMask mask = matcher == null ? null : new GrammarMask(matcher, vocab);
        LogitsProcessor[] stages = processors.toArray(new LogitsProcessor[0]);
        float[] logits = new float[vocab];
        // must-include words: the sequence is steered so that they stay reachable (needs the grammar)
        KeywordConstraint steering = matcher == null || replay != null ? null : requiredWords(stages);
        long[] steeringMask = steering == null ? null : new long[(vocab + 63) >>> 6];
        int[] out = new int[Math.min(limit, 256)];
        int n = 0;
        int passes = 0;
        FinishReason finish = FinishReason.LENGTH;
        int[] step = new int[1];
        int[][] stepRows = {step};
        try (KvCache cache = model.newCache(1)) {
            long t0 = System.nanoTime();
            model.forward(cache, new int[][] {prompt}, 1); // only the last position's logits are read
            passes++;
            long t1 = System.nanoTime();
            while (true) {
                if (n == limit || (replay != null && n == replay.length)) {
                    break;
                }
                cache.logits(0, -1, logits);
                boolean healing = heal != null && heal.active();
                int chosen;
                if (healing) {
                    heal.process(logits, matcher); // re-spell the prompt's last token, then the grammar
                    for (LogitsProcessor p : stages) {
                        p.process(logits);
                    }
                    chosen = selector.select(logits);
                } else if (mask != null && stages.length == 0 && selector == TokenSelector.GREEDY) {
                    chosen = mask.argmax(logits); // greedy under the grammar alone: mask and argmax in one pass
                } else {
                    if (mask != null) {
                        mask.process(logits);
                    }
                    for (LogitsProcessor p : stages) {
                        p.process(logits);
                    }
                    chosen = selector.select(logits);
                    if (steering != null) {
                        chosen = steering.steer(chosen, logits, matcher, steeringMask);
                    }
                }
                int token = replay != null ? replay[n] : chosen;
                if (token < 0 && keywordsBlockStop(stages)) {
                    finish = FinishReason.MISSING_KEYWORDS;
                    break;
                }
                if (token < 0) {
                    throw new DecoderException("no token is allowed after " + n + " generated tokens: the grammar has no continuation the model's vocabulary can express");
                }
                if (healing) {
                    heal.accept(token, matcher);
                } else if (matcher != null && !matcher.accept(token)) {
                    throw new DecoderException("token " + token + " was chosen but the grammar rejects it (after " + n + " tokens)");
                }
                if (token == eosTokenId) {
                    finish = FinishReason.STOP;
                    break;
                }
                // forced tokens (jump-forward) may re-segment the chosen token together with what the grammar forces next
                int[] fed = jump == null ? null : jump.next(matcher, out, n, token, limit - n);
                if (fed != null && fed.length == 1) {
                    // one token in the chosen one's place: the grammar's forced bytes re-segmented it
                    // (" c" + forced "ircle" -> " circle"); the matcher has accepted this one, not the chosen
                    token = fed[0];
                }
                if (fed == null || fed.length == 1) {
                    if (n == out.length) {
                        out = Arrays.copyOf(out, Math.min(limit, out.length * 2));
                    }
                    out[n++] = token;
                    if (emit(token, stages, onToken, stop, tokenBytes)) {
                        finish = FinishReason.STOP_SEQUENCE;
                        break;
                    }
                } else {
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
                }
                if (n == limit) {
                    break; // no pass for a token whose successor would not be generated anyway
                }
                int[][] rows = stepRows;
                step[0] = token;
                if (fed != null && fed.length > 1) {
                    rows = new int[][] {fed}; // all of them in one forward pass
                }
                model.forward(cache, rows, 1);
                passes++;
            }
            long t2 = System.nanoTime();
            Timings timings = new Timings(t1 - t0, t2 - t1, mask == null ? 0 : mask.maskNanos(),
                    mask == null ? 0 : mask.maskCount(), passes, jump == null ? 0 : jump.forcedCount());
            return new Outcome(Arrays.copyOf(out, n), finish, timings);
        }
    }

    /** Whether a must-include stage is what left no token: the stop token waits for keywords that never came. */
    /** The stage that carries must-include words, or null. */
    private static KeywordConstraint requiredWords(LogitsProcessor[] stages) {
        for (LogitsProcessor p : stages) {
            if (p instanceof KeywordConstraint k && k.hasRequired()) {
                return k;
            }
        }
        return null;
    }

    static boolean keywordsBlockStop(LogitsProcessor[] stages) {
        for (LogitsProcessor p : stages) {
            if (p instanceof KeywordConstraint k && !k.complete()) {
                return true;
            }
        }
        return false;
    }

    /** Lets the stages and listeners see a new token; true when a stop sequence has now appeared. */
    private static boolean emit(int token, LogitsProcessor[] stages, IntConsumer onToken, StopSequences stop,
            IntFunction<byte[]> tokenBytes) {
        for (LogitsProcessor p : stages) {
            p.accept(token);
        }
        boolean stopped = stop != null && stop.push(tokenBytes.apply(token));
        if (onToken != null) {
            onToken.accept(token); // after the stop check, so a stream can hold back what the stop cuts off
        }
        return stopped;
    }
}
