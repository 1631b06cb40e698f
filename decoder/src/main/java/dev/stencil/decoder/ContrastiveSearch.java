package dev.stencil.decoder;

import dev.stencil.automata.Matcher;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Contrastive search (Su et al., 2022, "A Contrastive Framework for Neural Text Generation"): at
 * each step the {@code k} most likely tokens of the processed distribution (grammar mask, keywords,
 * penalties already applied, so every candidate is legal) are each fed to the model, and the
 * candidate {@code v} with the best
 *
 * <pre>  (1 − α) · p(v) − α · max_j cos(h_v, h_j)</pre>
 *
 * is kept, where {@code h} are the model's {@code hidden_states} (the final-LayerNorm output) and
 * {@code j} runs over the prompt and the tokens generated so far: a candidate whose representation
 * repeats earlier context is penalised, which curbs the loops greedy decoding falls into.
 *
 * <p>The {@code k} candidates go through the model as the {@code k} rows of one batch (one forward
 * pass per generated token, as in greedy decoding); the winner's cache row then replaces the others,
 * and its logits are the next step's.
 */
final class ContrastiveSearch {
    record Outcome(int[] tokens, FinishReason finishReason, Timings timings) {
    }

    private final OnnxCausalLm model;
    private final int eosTokenId;
    private final int maxPositions;

    ContrastiveSearch(OnnxCausalLm model, int eosTokenId, int maxPositions) {
        if (!model.shape().hasHiddenStates()) {
            throw new DecoderException("contrastive search needs the model's 'hidden_states' output; model " + model.name() + " has none");
        }
        this.model = model;
        this.eosTokenId = eosTokenId;
        this.maxPositions = maxPositions;
    }

    /**
     * @param matcher the grammar state, or null
     * @param processors stages after the grammar mask
     * @param alpha the degeneration penalty α in [0, 1]; 0 is greedy decoding
     */
    Outcome search(int[] prompt, Matcher matcher, List<LogitsProcessor> processors, int k, double alpha, int maxTokens,
            IntConsumer onToken) {
        if (k < 1) {
            throw new DecoderException("contrastive search needs k >= 1, got " + k);
        }
        int limit = Math.min(maxTokens, maxPositions - prompt.length);
        if (limit < 1) {
            throw new DecoderException("the prompt leaves no room within the model's " + maxPositions + " positions");
        }
        int vocab = model.shape().vocabSize();
        GrammarMask mask = matcher == null ? null : new GrammarMask(matcher, vocab);
        LogitsProcessor[] stages = processors.toArray(new LogitsProcessor[0]);
        float[] logits = new float[vocab];
        int[] out = new int[Math.min(limit, 256)];
        int n = 0;
        int passes = 0;
        FinishReason finish = FinishReason.LENGTH;
        try (KvCache cache = model.newCache(k)) {
            cache.captureHiddenStates(true);
            long t0 = System.nanoTime();
            int[][] rows = new int[k][];
            Arrays.fill(rows, prompt);
            model.forward(cache, rows);
            passes++;
            int width = cache.hiddenWidth();
            float[] h = new float[width];
            // unit vectors of the context, one after the other, so a cosine is a dot product
            float[] context = new float[(prompt.length + limit) * width];
            int contextSize = 0;
            for (int t = 0; t < prompt.length; t++) {
                cache.hiddenStates(0, t, h);
                contextSize = appendUnit(context, contextSize, h);
            }
            cache.logits(0, -1, logits);
            long t1 = System.nanoTime();
            double[] score = new double[k];
            float[][] candidateHidden = new float[k][width];
            while (n < limit) {
                if (mask != null) {
                    mask.process(logits);
                }
                for (LogitsProcessor p : stages) {
                    p.process(logits);
                }
                int[] candidates = BeamSearch.topIds(logits, k);
                if (candidates.length == 0) {
                    if (SequenceDecoder.keywordsBlockStop(stages)) {
                        finish = FinishReason.MISSING_KEYWORDS;
                        break;
                    }
                    throw new DecoderException("no token is allowed after " + n + " generated tokens: the grammar has no continuation");
                }
                double[] p = probabilities(logits, candidates);
                for (int r = 0; r < k; r++) {
                    rows[r] = new int[] {candidates[Math.min(r, candidates.length - 1)]}; // spare rows repeat the last candidate
                }
                model.forward(cache, rows);
                passes++;
                int best = 0;
                for (int r = 0; r < candidates.length; r++) {
                    cache.hiddenStates(r, -1, candidateHidden[r]);
                    normalize(candidateHidden[r]);
                    double maxSim = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < contextSize; j += width) {
                        double dot = 0;
                        for (int d = 0; d < width; d++) {
                            dot += candidateHidden[r][d] * context[j + d];
                        }
                        maxSim = Math.max(maxSim, dot);
                    }
                    score[r] = (1 - alpha) * p[r] - alpha * maxSim;
                    if (score[r] > score[best]) {
                        best = r;
                    }
                }
                int token = candidates[best];
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
                for (LogitsProcessor s : stages) {
                    s.accept(token);
                }
                if (onToken != null) {
                    onToken.accept(token);
                }
                System.arraycopy(candidateHidden[best], 0, context, contextSize, width);
                contextSize += width;
                cache.logits(best, -1, logits);
                int[] sources = new int[k];
                Arrays.fill(sources, best);
                cache.reorder(sources); // every row continues from the winner
            }
            long t2 = System.nanoTime();
            Timings timings = new Timings(t1 - t0, t2 - t1, mask == null ? 0 : mask.maskNanos(), mask == null ? 0 : mask.maskCount(), passes);
            return new Outcome(Arrays.copyOf(out, n), finish, timings);
        }
    }

    /** The softmax probabilities of {@code candidates} under the (masked) logits. */
    private static double[] probabilities(float[] logits, int[] candidates) {
        double max = logits[candidates[0]];
        double z = 0;
        for (float v : logits) {
            if (v != Float.NEGATIVE_INFINITY) {
                z += Math.exp(v - max);
            }
        }
        double[] p = new double[candidates.length];
        for (int r = 0; r < candidates.length; r++) {
            p[r] = Math.exp(logits[candidates[r]] - max) / z;
        }
        return p;
    }

    private static int appendUnit(float[] context, int size, float[] h) {
        float[] u = h.clone();
        normalize(u);
        System.arraycopy(u, 0, context, size, u.length);
        return size + u.length;
    }

    private static void normalize(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        if (norm > 0) {
            float inv = (float) (1 / Math.sqrt(norm));
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
        }
    }
}
