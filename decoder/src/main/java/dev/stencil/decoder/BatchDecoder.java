package dev.stencil.decoder;

import dev.stencil.automata.Matcher;
import java.util.Arrays;
import java.util.List;

/**
 * The decoding loop of a batch of sequences sharing forward passes: the prompts are prefilled as
 * one left-padded batch, then every step feeds one token per row. Each row has its own grammar
 * state, processors and selector, and stops on its own; a finished row is fed the stop token as
 * filler (its results are ignored) until every row is done.
 */
final class BatchDecoder {
    /** Tokens and finish reason per row, and the timings of the whole batch. */
    record Outcome(int[][] tokens, FinishReason[] finishReasons, Timings timings) {
    }

    private final OnnxCausalLm model;
    private final int eosTokenId;
    private final int maxPositions;

    BatchDecoder(OnnxCausalLm model, int eosTokenId, int maxPositions) {
        this.model = model;
        this.eosTokenId = eosTokenId;
        this.maxPositions = maxPositions;
    }

    Outcome decode(int[][] prompts, Matcher[] matchers, List<List<LogitsProcessor>> stages, TokenSelector[] selectors,
            int maxTokens) {
        int b = prompts.length;
        int longest = 0;
        for (int[] p : prompts) {
            if (p.length == 0) {
                throw new DecoderException("a prompt is empty: the model needs at least one token to condition on");
            }
            longest = Math.max(longest, p.length);
        }
        // finished rows keep advancing with filler, so the longest prompt bounds everyone's positions
        int limit = Math.min(maxTokens, maxPositions - longest);
        if (limit <= 0) {
            throw new DecoderException("the longest prompt has " + longest + " tokens, leaving no room within the model's "
                    + maxPositions + " positions");
        }
        int vocab = model.shape().vocabSize();
        GrammarMask[] masks = new GrammarMask[b];
        LogitsProcessor[][] chains = new LogitsProcessor[b][];
        for (int i = 0; i < b; i++) {
            masks[i] = matchers[i] == null ? null : new GrammarMask(matchers[i], vocab);
            chains[i] = stages.get(i).toArray(new LogitsProcessor[0]);
        }
        float[] logits = new float[vocab];
        int[][] out = new int[b][Math.min(limit, 256)];
        int[] n = new int[b];
        FinishReason[] finish = new FinishReason[b];
        int[][] step = new int[b][1];
        int passes = 0;
        try (KvCache cache = model.newCache(b)) {
            long t0 = System.nanoTime();
            model.forward(cache, prompts, 1); // left padding aligns every prompt's last position
            passes++;
            long t1 = System.nanoTime();
            int active = b;
            while (true) {
                for (int i = 0; i < b; i++) {
                    if (finish[i] != null) {
                        step[i][0] = eosTokenId; // filler for a finished row
                        continue;
                    }
                    cache.logits(i, -1, logits);
                    if (masks[i] != null) {
                        masks[i].process(logits);
                    }
                    for (LogitsProcessor p : chains[i]) {
                        p.process(logits);
                    }
                    int token = selectors[i].select(logits);
                    if (token < 0 && SequenceDecoder.keywordsBlockStop(chains[i])) {
                        finish[i] = FinishReason.MISSING_KEYWORDS;
                        active--;
                        step[i][0] = eosTokenId;
                        continue;
                    }
                    if (token < 0) {
                        throw new DecoderException("row " + i + ": no token is allowed after " + n[i] + " generated tokens");
                    }
                    if (matchers[i] != null && !matchers[i].accept(token)) {
                        throw new DecoderException("row " + i + ": token " + token + " was chosen but the grammar rejects it");
                    }
                    if (token == eosTokenId) {
                        finish[i] = FinishReason.STOP;
                        active--;
                        step[i][0] = eosTokenId;
                        continue;
                    }
                    if (n[i] == out[i].length) {
                        out[i] = Arrays.copyOf(out[i], Math.min(limit, out[i].length * 2));
                    }
                    out[i][n[i]++] = token;
                    for (LogitsProcessor p : chains[i]) {
                        p.accept(token);
                    }
                    if (n[i] == limit) {
                        finish[i] = FinishReason.LENGTH;
                        active--;
                    }
                    step[i][0] = token;
                }
                if (active == 0) {
                    break;
                }
                model.forward(cache, step);
                passes++;
            }
            long t2 = System.nanoTime();
            long maskNanos = 0;
            int maskCount = 0;
            int[][] tokens = new int[b][];
            for (int i = 0; i < b; i++) {
                tokens[i] = Arrays.copyOf(out[i], n[i]);
                if (masks[i] != null) {
                    maskNanos += masks[i].maskNanos();
                    maskCount += masks[i].maskCount();
                }
            }
            return new Outcome(tokens, finish, new Timings(t1 - t0, t2 - t1, maskNanos, maskCount, passes));
        }
    }
}
