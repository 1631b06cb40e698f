package dev.stencil.decoder;

import dev.stencil.automata.Matcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Beam search under a grammar: {@code numBeams} hypotheses decoded as one batch, each with its own
 * forked {@link Matcher} (so every beam only ever extends with tokens its grammar state allows)
 * and its own cache row; when the surviving hypotheses come from different parents the cache rows
 * are reordered to follow them. A hypothesis's score is the sum of its tokens' log-probabilities
 * under the grammar-masked, renormalised distribution (the one greedy decoding takes the argmax
 * of); finished hypotheses are ranked by {@code score / length^lengthPenalty}. Search ends when
 * {@code numBeams} hypotheses have finished and no live beam can still beat the worst of them
 * under that normalisation, or at the token limit.
 */
final class BeamSearch {
    /** What the search returns: the best hypothesis and its raw and normalised score. */
    record Outcome(int[] tokens, FinishReason finishReason, double logProb, double normalizedScore, Timings timings) {
    }

    private record Beam(int[] tokens, double score, Matcher matcher) {
    }

    private record Candidate(int parent, int token, double score) {
    }

    private final OnnxCausalLm model;
    private final int eosTokenId;
    private final int maxPositions;

    BeamSearch(OnnxCausalLm model, int eosTokenId, int maxPositions) {
        this.model = model;
        this.eosTokenId = eosTokenId;
        this.maxPositions = maxPositions;
    }

    Outcome search(int[] prompt, Matcher root, int numBeams, double lengthPenalty, int maxTokens) {
        if (numBeams < 1) {
            throw new DecoderException("num beams must be >= 1, got " + numBeams);
        }
        if (root == null) {
            throw new DecoderException("beam search needs a grammar here (use a JSON, schema or grammar generator)");
        }
        int limit = Math.min(maxTokens, maxPositions - prompt.length);
        if (limit < 1) {
            throw new DecoderException("the prompt leaves no room within the model's " + maxPositions + " positions");
        }
        int vocab = model.shape().vocabSize();
        GrammarMask[] masks = new GrammarMask[numBeams];
        float[] logits = new float[vocab];
        List<Beam> beams = new ArrayList<>(List.of(new Beam(new int[0], 0, root)));
        List<Beam> finished = new ArrayList<>();
        long maskNanos = 0;
        int maskCount = 0;
        int passes = 0;
        int[][] rows = new int[numBeams][];
        for (int b = 0; b < numBeams; b++) {
            rows[b] = prompt; // every row starts from the prompt; only row 0 is live at first
        }
        try (KvCache cache = model.newCache(numBeams)) {
            long t0 = System.nanoTime();
            model.forward(cache, rows);
            passes++;
            long t1 = System.nanoTime();
            for (int step = 0; step < limit && !beams.isEmpty(); step++) {
                List<Candidate> candidates = new ArrayList<>();
                for (int b = 0; b < beams.size(); b++) {
                    Beam beam = beams.get(b);
                    cache.logits(b, -1, logits);
                    GrammarMask mask = new GrammarMask(beam.matcher(), vocab);
                    mask.process(logits);
                    maskNanos += mask.maskNanos();
                    maskCount++;
                    logSoftmax(logits);
                    for (int id : topIds(logits, 2 * numBeams)) {
                        candidates.add(new Candidate(b, id, beam.score() + logits[id]));
                    }
                }
                candidates.sort(Comparator.comparingDouble(Candidate::score).reversed());
                List<Beam> next = new ArrayList<>();
                List<Integer> parents = new ArrayList<>();
                for (Candidate c : candidates) {
                    if (next.size() == numBeams) {
                        break;
                    }
                    Beam parent = beams.get(c.parent());
                    Matcher m = parent.matcher().fork();
                    if (!m.accept(c.token())) {
                        throw new DecoderException("beam search: token " + c.token() + " passed the mask but the grammar rejects it");
                    }
                    if (c.token() == eosTokenId) {
                        finished.add(new Beam(parent.tokens(), c.score(), m));
                        continue;
                    }
                    int[] tokens = Arrays.copyOf(parent.tokens(), parent.tokens().length + 1);
                    tokens[tokens.length - 1] = c.token();
                    next.add(new Beam(tokens, c.score(), m));
                    parents.add(c.parent());
                }
                beams = next;
                if (beams.isEmpty() || done(finished, beams, numBeams, lengthPenalty) || step + 1 == limit) {
                    break;
                }
                int[] sources = new int[numBeams];
                int[][] stepRows = new int[numBeams][];
                for (int b = 0; b < numBeams; b++) {
                    // rows without a live beam repeat beam 0: their results are ignored
                    int live = b < beams.size() ? b : 0;
                    sources[b] = parents.get(live);
                    int[] t = beams.get(live).tokens();
                    stepRows[b] = new int[] {t[t.length - 1]};
                }
                cache.reorder(sources);
                model.forward(cache, stepRows);
                passes++;
            }
            long t2 = System.nanoTime();
            Timings timings = new Timings(t1 - t0, t2 - t1, maskNanos, maskCount, passes);
            Beam best = null;
            double bestNorm = Double.NEGATIVE_INFINITY;
            for (Beam f : finished) {
                double norm = normalized(f, lengthPenalty);
                if (norm > bestNorm) {
                    best = f;
                    bestNorm = norm;
                }
            }
            if (best != null) {
                return new Outcome(best.tokens(), FinishReason.STOP, best.score(), bestNorm, timings);
            }
            for (Beam b : beams) { // nothing finished within the limit: the best truncated hypothesis
                double norm = normalized(b, lengthPenalty);
                if (norm > bestNorm) {
                    best = b;
                    bestNorm = norm;
                }
            }
            if (best == null) {
                throw new DecoderException("beam search: no hypothesis survived (the grammar allows no token)");
            }
            return new Outcome(best.tokens(), FinishReason.LENGTH, best.score(), bestNorm, timings);
        }
    }

    /** Enough hypotheses finished and no live beam, at its current length, beats the worst of them. */
    private static boolean done(List<Beam> finished, List<Beam> live, int numBeams, double lengthPenalty) {
        if (finished.size() < numBeams) {
            return false;
        }
        double worst = finished.stream().mapToDouble(f -> normalized(f, lengthPenalty)).sorted()
                .skip(finished.size() - numBeams).findFirst().orElse(Double.NEGATIVE_INFINITY);
        return live.stream().allMatch(b -> normalized(b, lengthPenalty) <= worst);
    }

    private static double normalized(Beam b, double lengthPenalty) {
        return b.score() / Math.pow(Math.max(1, b.tokens().length), lengthPenalty);
    }

    /** In place: logits → log-probabilities (negative infinity stays). */
    static void logSoftmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        if (max == Float.NEGATIVE_INFINITY) {
            return;
        }
        double z = 0;
        for (float v : logits) {
            if (v != Float.NEGATIVE_INFINITY) {
                z += Math.exp(v - max);
            }
        }
        float logZ = (float) (max + Math.log(z));
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] != Float.NEGATIVE_INFINITY) {
                logits[i] -= logZ;
            }
        }
    }

    /** Ids of the (at most) k largest finite values, best first; ties go to the lower id. */
    static int[] topIds(float[] values, int k) {
        int[] best = new int[k];
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (v == Float.NEGATIVE_INFINITY || (n == k && v <= values[best[n - 1]])) {
                continue;
            }
            int j = n < k ? n++ : k - 1;
            while (j > 0 && values[best[j - 1]] < v) {
                best[j] = best[j - 1];
                j--;
            }
            best[j] = i;
        }
        return Arrays.copyOf(best, n);
    }

    /**
     * The score beam search uses, for any token sequence: the sum of its log-probabilities under
     * the grammar-masked distribution, the stop token included when {@code stopped}.
     */
    static double logProb(OnnxCausalLm model, int[] prompt, Matcher matcher, int[] tokens, boolean stopped, int eosTokenId) {
        int vocab = model.shape().vocabSize();
        float[] logits = new float[vocab];
        GrammarMask mask = new GrammarMask(matcher, vocab);
        double total = 0;
        int[] all = Arrays.copyOf(prompt, prompt.length + tokens.length);
        System.arraycopy(tokens, 0, all, prompt.length, tokens.length);
        try (KvCache cache = model.newCache(1)) {
            model.forward(cache, new int[][] {all});
            int steps = tokens.length + (stopped ? 1 : 0);
            for (int i = 0; i < steps; i++) {
                int token = i < tokens.length ? tokens[i] : eosTokenId;
                cache.logits(0, prompt.length - 1 + i, logits);
                mask.process(logits);
                logSoftmax(logits);
                total += logits[token];
                if (!matcher.accept(token)) {
                    throw new DecoderException("the grammar rejects token " + token + " at " + i);
                }
            }
        }
        return total;
    }
}
