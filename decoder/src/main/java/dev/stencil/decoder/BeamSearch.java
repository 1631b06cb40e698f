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
 * of); finished hypotheses are ranked by {@code score / length^lengthPenalty}. A group's search
 * ends when it has as many finished hypotheses as beams and no live beam can still beat the worst
 * of them under that normalisation, or at the token limit.
 *
 * <p><b>Diverse beam search</b> (Vijayakumar et al., 2018): the beams are split into {@code groups}
 * of equal size that advance one after the other at each step; a group's candidate scores are
 * lowered by {@code diversityPenalty} times the number of beams of earlier groups that chose the
 * same token at this step (Hamming diversity), and a group ranks its hypotheses by these penalised
 * scores. The outcome keeps each group's best hypothesis; the overall best is ranked by true
 * log-probability.
 *
 * <p><b>Keywords</b> (a {@link KeywordConstraint}, forked per beam like the matcher): banned words
 * and the stop token before every required word are masked out of each beam's distribution. With
 * required words this is constrained beam search: every beam also proposes its most likely tokens
 * that advance a required word, and the next beams are picked round-robin over banks of equal
 * {@linkplain KeywordConstraint#progress progress}, most progress first, so beams that made progress
 * are not crowded out by likelier beams that made none.
 */
final class BeamSearch {
    /** One returned hypothesis: tokens (stop token excluded), why it ended, raw and normalised log-probability. */
    record Hypothesis(int[] tokens, FinishReason finishReason, double logProb, double normalizedScore) {
    }

    /** What the search returns: the best hypothesis, and the best of each beam group (one entry without groups). */
    /** @param finished every finished hypothesis of every group, best normalized score first */
    record Outcome(int[] tokens, FinishReason finishReason, double logProb, double normalizedScore, Timings timings,
            List<Hypothesis> groupBests, List<Hypothesis> finished) {
    }

    /**
     * @param logProb true log-probability so far
     * @param score what the group ranks by: {@code logProb} less diversity penalties
     */
    private record Beam(int[] tokens, double logProb, double score, Matcher matcher, KeywordConstraint keywords, int row) {
    }

    private record Candidate(Beam parent, int token, double logProb, double score, int progress) {
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
        return search(prompt, root, null, numBeams, 1, 0, lengthPenalty, maxTokens);
    }

    Outcome search(int[] prompt, Matcher root, KeywordConstraint keywords, int numBeams, double lengthPenalty, int maxTokens) {
        return search(prompt, root, keywords, numBeams, 1, 0, lengthPenalty, maxTokens);
    }

    /**
     * @param keywords the keyword state after the prompt (forked per beam), or null
     * @param groups beam groups (1 = plain beam search); must divide {@code numBeams}
     * @param diversityPenalty subtracted per earlier-group beam that chose the same token at this step
     */
    Outcome search(int[] prompt, Matcher root, KeywordConstraint keywords, int numBeams, int groups, double diversityPenalty,
            double lengthPenalty, int maxTokens) {
        if (numBeams < 1) {
            throw new DecoderException("num beams must be >= 1, got " + numBeams);
        }
        if (groups < 1 || numBeams % groups != 0) {
            throw new DecoderException("beam groups must divide the number of beams: " + numBeams + " beams, " + groups + " groups");
        }
        if (!(diversityPenalty >= 0) || Double.isInfinite(diversityPenalty)) {
            throw new DecoderException("diversity penalty must be >= 0 and finite, got " + diversityPenalty);
        }
        if (root == null) {
            throw new DecoderException("beam search needs a grammar here (use a JSON, schema or grammar generator)");
        }
        int limit = Math.min(maxTokens, maxPositions - prompt.length);
        if (limit < 1) {
            throw new DecoderException("the prompt leaves no room within the model's " + maxPositions + " positions");
        }
        int perGroup = numBeams / groups;
        int vocab = model.shape().vocabSize();
        float[] logits = new float[vocab];
        int[] chosenNow = new int[vocab]; // beams of earlier groups that chose each token at this step
        List<Integer> touched = new ArrayList<>();
        List<List<Beam>> live = new ArrayList<>();
        List<List<Beam>> finished = new ArrayList<>();
        List<List<Beam>> stuck = new ArrayList<>(); // beams with no allowed token left (required words missing)
        for (int g = 0; g < groups; g++) {
            live.add(List.of(new Beam(new int[0], 0, 0, root.fork(), keywords == null ? null : keywords.fork(), g * perGroup)));
            finished.add(new ArrayList<>());
            stuck.add(new ArrayList<>());
        }
        long maskNanos = 0;
        int maskCount = 0;
        int passes = 0;
        int[][] rows = new int[numBeams][];
        for (int b = 0; b < numBeams; b++) {
            rows[b] = prompt; // every row starts from the prompt; only each group's first row is live at first
        }
        try (KvCache cache = model.newCache(numBeams)) {
            long t0 = System.nanoTime();
            model.forward(cache, rows);
            passes++;
            long t1 = System.nanoTime();
            for (int step = 0; step < limit; step++) {
                for (int t : touched) {
                    chosenNow[t] = 0;
                }
                touched.clear();
                for (int g = 0; g < groups; g++) {
                    List<Beam> beams = live.get(g);
                    if (beams.isEmpty()) {
                        continue;
                    }
                    List<Candidate> candidates = new ArrayList<>();
                    for (Beam beam : beams) {
                        cache.logits(beam.row(), -1, logits);
                        GrammarMask mask = new GrammarMask(beam.matcher(), vocab);
                        mask.process(logits);
                        maskNanos += mask.maskNanos();
                        maskCount++;
                        if (beam.keywords() != null) {
                            beam.keywords().process(logits);
                        }
                        logSoftmax(logits);
                        for (int t : touched) { // the diversity penalty, undone below for the true log-probability
                            logits[t] -= (float) (diversityPenalty * chosenNow[t]);
                        }
                        int before = candidates.size();
                        for (int id : topIds(logits, 2 * perGroup)) {
                            candidates.add(candidate(beam, id, logits[id], chosenNow[id] * diversityPenalty));
                        }
                        if (beam.keywords() != null) {
                            addProgressCandidates(beam, logits, chosenNow, diversityPenalty, perGroup, candidates, before);
                        }
                        if (candidates.size() == before && beam.keywords() != null && !beam.keywords().complete()) {
                            stuck.get(g).add(beam);
                        }
                    }
                    List<Candidate> order = keywords != null && keywords.hasRequired() ? banked(candidates) : sorted(candidates);
                    List<Beam> next = new ArrayList<>();
                    for (Candidate c : order) {
                        if (next.size() == perGroup) {
                            break;
                        }
                        Beam parent = c.parent();
                        Matcher m = parent.matcher().fork();
                        if (!m.accept(c.token())) {
                            throw new DecoderException("beam search: token " + c.token() + " passed the mask but the grammar rejects it");
                        }
                        KeywordConstraint k = parent.keywords() == null ? null : parent.keywords().fork();
                        if (c.token() == eosTokenId) {
                            finished.get(g).add(new Beam(parent.tokens(), c.logProb(), c.score(), m, k, -1));
                            continue;
                        }
                        if (k != null) {
                            k.accept(c.token());
                        }
                        int[] tokens = Arrays.copyOf(parent.tokens(), parent.tokens().length + 1);
                        tokens[tokens.length - 1] = c.token();
                        next.add(new Beam(tokens, c.logProb(), c.score(), m, k, parent.row())); // row = parent's until reordered
                        if (chosenNow[c.token()]++ == 0) {
                            touched.add(c.token());
                        }
                    }
                    live.set(g, done(finished.get(g), next, perGroup, lengthPenalty) ? List.of() : next);
                }
                if (live.stream().allMatch(List::isEmpty) || step + 1 == limit) {
                    break;
                }
                // each group's beams take its rows in order; a row follows the cache row of its beam's parent
                int[] sources = new int[numBeams];
                int[][] stepRows = new int[numBeams][];
                Beam filler = live.stream().filter(l -> !l.isEmpty()).findFirst().orElseThrow().get(0);
                for (int g = 0; g < groups; g++) {
                    List<Beam> beams = live.get(g);
                    for (int j = 0; j < perGroup; j++) {
                        Beam b = j < beams.size() ? beams.get(j) : filler; // rows without a live beam: results ignored
                        int row = g * perGroup + j;
                        sources[row] = b.row();
                        stepRows[row] = new int[] {b.tokens()[b.tokens().length - 1]};
                    }
                    List<Beam> moved = new ArrayList<>(beams.size());
                    for (int j = 0; j < beams.size(); j++) {
                        Beam b = beams.get(j);
                        moved.add(new Beam(b.tokens(), b.logProb(), b.score(), b.matcher(), b.keywords(), g * perGroup + j));
                    }
                    live.set(g, moved);
                }
                cache.reorder(sources);
                model.forward(cache, stepRows);
                passes++;
            }
            long t2 = System.nanoTime();
            Timings timings = new Timings(t1 - t0, t2 - t1, maskNanos, maskCount, passes);
            List<Hypothesis> bests = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                Hypothesis h = best(finished.get(g), FinishReason.STOP, lengthPenalty);
                if (h == null) {
                    h = best(live.get(g), FinishReason.LENGTH, lengthPenalty);
                }
                if (h == null) {
                    h = best(stuck.get(g), FinishReason.MISSING_KEYWORDS, lengthPenalty);
                }
                if (h == null) {
                    throw new DecoderException("beam search: no hypothesis survived in group " + g + " (the grammar allows no token)");
                }
                bests.add(h);
            }
            // across groups: complete outputs first, then the most likely
            Hypothesis top = bests.stream().max(Comparator.<Hypothesis>comparingInt(h -> h.finishReason() == FinishReason.STOP ? 1 : 0)
                    .thenComparingDouble(Hypothesis::normalizedScore)).orElseThrow();
            List<Hypothesis> all = new ArrayList<>();
            for (List<Beam> group : finished) {
                for (Beam b : group) {
                    all.add(new Hypothesis(b.tokens(), FinishReason.STOP, b.logProb(), normalized(b, lengthPenalty)));
                }
            }
            all.sort(Comparator.comparingDouble(Hypothesis::normalizedScore).reversed());
            return new Outcome(top.tokens(), top.finishReason(), top.logProb(), top.normalizedScore(), timings, List.copyOf(bests),
                    List.copyOf(all));
        }
    }

    private static Candidate candidate(Beam parent, int token, float penalized, double penalty) {
        double logProb = penalized + penalty;
        int progress = 0;
        if (parent.keywords() != null) {
            KeywordConstraint k = parent.keywords().fork();
            k.accept(token);
            progress = k.progress();
        }
        return new Candidate(parent, token, parent.logProb() + logProb, parent.score() + penalized, progress);
    }

    /** Adds the beam's most likely allowed tokens that advance a required word, up to {@code n}, if not already candidates. */
    private static void addProgressCandidates(Beam beam, float[] logits, int[] chosenNow, double penalty, int n,
            List<Candidate> candidates, int from) {
        int[] progress = beam.keywords().progressTokens();
        if (progress.length == 0) {
            return;
        }
        float[] values = new float[progress.length];
        for (int i = 0; i < progress.length; i++) {
            values[i] = progress[i] < logits.length ? logits[progress[i]] : Float.NEGATIVE_INFINITY;
        }
        outer:
        for (int i : topIds(values, n)) {
            int id = progress[i];
            for (int c = from; c < candidates.size(); c++) {
                if (candidates.get(c).token() == id) {
                    continue outer;
                }
            }
            candidates.add(candidate(beam, id, logits[id], chosenNow[id] * penalty));
        }
    }

    private static List<Candidate> sorted(List<Candidate> candidates) {
        List<Candidate> l = new ArrayList<>(candidates);
        l.sort(Comparator.comparingDouble(Candidate::score).reversed());
        return l;
    }

    /** Round-robin over banks of equal keyword progress (most progress first), each bank best score first. */
    private static List<Candidate> banked(List<Candidate> candidates) {
        java.util.TreeMap<Integer, List<Candidate>> banks = new java.util.TreeMap<>(Comparator.reverseOrder());
        for (Candidate c : sorted(candidates)) {
            banks.computeIfAbsent(c.progress(), p -> new ArrayList<>()).add(c);
        }
        List<Candidate> order = new ArrayList<>(candidates.size());
        for (int round = 0; order.size() < candidates.size(); round++) {
            for (List<Candidate> bank : banks.values()) {
                if (round < bank.size()) {
                    order.add(bank.get(round));
                }
            }
        }
        return order;
    }

    private static Hypothesis best(List<Beam> beams, FinishReason reason, double lengthPenalty) {
        Beam best = null;
        double bestNorm = Double.NEGATIVE_INFINITY;
        for (Beam b : beams) {
            double norm = b.score() / Math.pow(Math.max(1, b.tokens().length), lengthPenalty);
            if (best == null || norm > bestNorm) {
                best = b;
                bestNorm = norm;
            }
        }
        return best == null ? null
                : new Hypothesis(best.tokens(), reason, best.logProb(), best.logProb() / Math.pow(Math.max(1, best.tokens().length), lengthPenalty));
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
