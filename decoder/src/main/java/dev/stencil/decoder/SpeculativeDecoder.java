package dev.stencil.decoder;

import dev.stencil.automata.Matcher;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Speculative decoding under a grammar: a small draft model proposes up to k tokens under its
 * own forked {@link Matcher}; the target scores the pending tokens and the whole proposal in one
 * forward pass, with the grammar mask applied at every position (so the token the target puts in
 * at the first disagreement, or after a fully accepted proposal, is always legal). Rejected tokens
 * are rolled back in both caches; the main matcher only ever accepts tokens that are kept.
 *
 * <ul>
 *   <li><b>Greedy</b> (no random source): a proposed token is kept while it equals the target's
 *       masked argmax at its position, and the first disagreement is replaced by the target's own
 *       choice. The output is the target's greedy output, token for token.
 *   <li><b>Sampled</b>: both models' logits go through the same processors (temperature, top-k,
 *       ...), the draft samples from its distribution q, and each proposal is kept or replaced by
 *       {@link SpeculativeSampling#verify} against the target's distribution p; after a fully kept
 *       proposal one more token is drawn from p. Every output token is then distributed as in
 *       plain sampling from p.
 * </ul>
 *
 * <p>With forced tokens ({@link JumpForward}), the token the target adds at the end of a round is
 * followed by what the grammar forces, in its canonical tokenization; those tokens are fed to both
 * models with the next round's passes.
 *
 * <p>A greedy draft with a {@link DraftVocabulary} (drafts loaded with {@link OnnxCausalLm#loadDraft})
 * runs its graph without the output projection and scores only the learned tokens on the host;
 * every token kept, the target's and the forced ones, is learned as it goes.
 *
 * <p>How many tokens to propose is adapted round by round by a shared {@link DraftSchedule};
 * whether to use the draft at all is decided by the same schedule per generation, before this
 * loop runs (see {@link Generator#generate()}).
 */
final class SpeculativeDecoder {
    static final int MAX_K = DraftSchedule.MAX_K;

    /** What the loop produced. */
    record Outcome(int[] tokens, FinishReason finishReason, Timings timings, Speculation speculation) {
    }

    private final OnnxCausalLm target;
    private final OnnxCausalLm draft;
    private final int eosTokenId;
    private final int maxPositions;
    /** The greedy draft's proposable tokens, scored on the host; null: the draft's graph computes full logits. */
    private final DraftVocabulary vocabulary;

    SpeculativeDecoder(OnnxCausalLm target, OnnxCausalLm draft, int eosTokenId, int maxPositions) {
        this(target, draft, eosTokenId, maxPositions, null);
    }

    /** @param vocabulary see {@link DraftVocabulary}; used by greedy generations, learned from every token kept */
    SpeculativeDecoder(OnnxCausalLm target, OnnxCausalLm draft, int eosTokenId, int maxPositions, DraftVocabulary vocabulary) {
        if (draft.shape().vocabSize() != target.shape().vocabSize()) {
            throw new DecoderException("the draft model's logits are " + draft.shape().vocabSize()
                    + " wide but the target's are " + target.shape().vocabSize() + ": they must share a vocabulary");
        }
        this.target = target;
        this.draft = draft;
        this.eosTokenId = eosTokenId;
        this.maxPositions = maxPositions;
        if (vocabulary != null && (draft.hostOutputLayer() == null || vocabulary.width() != draft.hostOutputLayer().width())) {
            throw new DecoderException("a draft vocabulary needs the draft's output projection on the host (OnnxCausalLm.loadDraft)");
        }
        this.vocabulary = vocabulary;
    }

    /** Whether the grammar forces bytes next (then {@link JumpForward} has work after this token). */
    private static boolean forcesBytes(Matcher matcher) {
        byte[] forced = matcher.isTerminated() ? null : matcher.forcedBytes();
        return forced != null && forced.length > 0;
    }

    private void learn(int token) {
        if (vocabulary != null) {
            vocabulary.learn(token);
        }
    }

    /** Greedy, without forced tokens, with a schedule of its own (tests). */
    Outcome decode(int[] prompt, Matcher matcher, int maxTokens, int initialK, IntConsumer onToken) {
        return decode(prompt, matcher, null, maxTokens, new DraftSchedule(initialK), onToken, List.of(), null, null);
    }

    /**
     * @param keywords must-exclude/must-include state after the prompt, or null: the draft proposes
     *     under a fork of it (dropped with the proposal), the target's choices advance it, so
     *     rejected tokens never reach it and nothing needs rolling back (not with {@code jump})
     * @param schedule decides proposal lengths and learns from this generation
     * @param processors stateless stages after the grammar mask (temperature, top-k, top-p, ...),
     *     applied to both models' logits; empty for greedy
     * @param random the sampling source, or null for greedy
     * @param jump forced-token insertion, or null
     */
    Outcome decode(int[] prompt, Matcher matcher, KeywordConstraint keywords, int maxTokens, DraftSchedule schedule,
            IntConsumer onToken, List<LogitsProcessor> processors, SplittableRandom random, JumpForward jump) {
        if (keywords != null && jump != null) {
            throw new DecoderException("keywords with a draft model do not combine with forced tokens yet");
        }
        if (prompt.length == 0) {
            throw new DecoderException("the prompt is empty: the model needs at least one token to condition on");
        }
        int room = maxPositions - prompt.length;
        if (room <= 0) {
            throw new DecoderException("the prompt has " + prompt.length + " tokens, leaving no room within the model's "
                    + maxPositions + " positions");
        }
        int limit = Math.min(maxTokens, room);
        int vocab = target.shape().vocabSize();
        LogitsProcessor[] stages = processors.toArray(new LogitsProcessor[0]);
        boolean sampled = random != null;
        // seq = prompt + output; each cache holds a prefix of it (plus, transiently, proposals)
        int[] seq = Arrays.copyOf(prompt, prompt.length + limit + 1);
        int len = prompt.length;
        int[] proposal = new int[MAX_K];
        float[] logits = new float[vocab];
        long[] mask = new long[(vocab + 63) >>> 6];
        long[] steerMask = keywords == null ? null : new long[mask.length];
        double[][] q = sampled ? new double[MAX_K][vocab] : null; // the draft's distribution per proposal
        double[] p = sampled ? new double[vocab] : null;
        // a greedy draft scores only its learned vocabulary, on the host
        DraftVocabulary hostVocabulary = sampled ? null : vocabulary;
        float[][] draftHidden = hostVocabulary == null ? null : new float[1][hostVocabulary.width()];
        float[] draftScores = hostVocabulary == null ? null : new float[hostVocabulary.capacity()];
        long maskNanos = 0;
        int masks = 0;
        int proposed = 0;
        int acceptedTotal = 0;
        int targetPasses = 0;
        int draftPasses = 0;
        FinishReason finish = FinishReason.LENGTH;
        long t0 = System.nanoTime();
        long prefillNanos = -1;
        // this generation's speculative rounds, for the schedule's verdict: all of them, as the
        // opening rounds of a generation (where a learned draft vocabulary fits least) are part of its cost
        long specNanos = 0;
        int specTokens = 0;
        try (KvCache tc = target.newCache(1); KvCache dc = draft.newCache(1)) {
            outer:
            while (len - prompt.length < limit) {
                long roundStart = System.nanoTime();
                int lenBefore = len;
                int generated = len - prompt.length;
                boolean first = tc.columns() == 0; // this round carries the prompt's prefill
                // at most limit - generated new tokens this round: m accepted proposals + 1 target token
                int m = first ? 0 : Math.min(schedule.proposalLength(), limit - generated - 1);
                // propose under a fork of the grammar state
                int pm = 0;
                int draftFed = 0;
                if (m > 0) {
                    Matcher dm = matcher.fork();
                    KeywordConstraint dk = keywords == null ? null : keywords.fork();
                    int[][] catchUp = {Arrays.copyOfRange(seq, dc.columns(), len)};
                    if (hostVocabulary != null) {
                        draft.forwardHidden(dc, catchUp, draftHidden);
                    } else {
                        draft.forward(dc, catchUp, 1);
                    }
                    draftPasses++;
                    while (pm < m) {
                        long s = System.nanoTime();
                        dm.fillNextTokenMask(mask);
                        maskNanos += System.nanoTime() - s;
                        masks++;
                        int d;
                        if (hostVocabulary != null) {
                            if (dk != null) {
                                dk.restrict(mask);
                            }
                            d = hostVocabulary.argmax(draftHidden[0], mask, draftScores);
                            if (d < 0 || !dm.accept(d)) {
                                break; // none of the learned tokens fits here: the target goes on alone
                            }
                            if (dk != null && d != eosTokenId) {
                                dk.accept(d);
                            }
                            proposal[pm++] = d;
                            if (d == eosTokenId || pm == m) {
                                break;
                            }
                            draft.forwardHidden(dc, new int[][] {{d}}, draftHidden);
                            draftPasses++;
                            draftFed++;
                            continue;
                        }
                        dc.logits(0, -1, logits);
                        GrammarMask.apply(mask, logits);
                        if (dk != null) {
                            dk.process(logits);
                        }
                        for (LogitsProcessor st : stages) {
                            st.process(logits);
                        }
                        if (sampled) {
                            d = SpeculativeSampling.softmax(logits, q[pm]) ? SpeculativeSampling.draw(q[pm], random) : -1;
                        } else {
                            d = TokenSelector.argmax(logits);
                        }
                        if (d < 0 || !dm.accept(d)) {
                            break;
                        }
                        if (dk != null && d != eosTokenId) {
                            dk.accept(d);
                        }
                        proposal[pm++] = d;
                        if (d == eosTokenId || pm == m) {
                            break;
                        }
                        draft.forward(dc, new int[][] {{d}});
                        draftPasses++;
                        draftFed++;
                    }
                }
                proposed += pm;
                long proposalEnd = System.nanoTime();
                int roundDraftPasses = m > 0 ? 1 + draftFed : 0;
                // verify: pending tokens of seq plus the proposal (a trailing stop token is never fed)
                int fed = pm > 0 && proposal[pm - 1] == eosTokenId ? pm - 1 : pm;
                int pending = len - tc.columns();
                int[] chunk = new int[pending + fed];
                System.arraycopy(seq, tc.columns(), chunk, 0, pending);
                System.arraycopy(proposal, 0, chunk, pending, fed);
                int base = tc.columns();
                // logits only where a choice is made: after the pending tokens (forced ones need none) and after each proposal
                target.forward(tc, new int[][] {chunk}, fed + 1);
                targetPasses++;
                if (prefillNanos < 0) {
                    prefillNanos = System.nanoTime() - t0;
                }
                int accepted = 0; // proposals the target agreed with
                int kept = 0; // of those, the ones whose cache entries stay (not re-segmented by forcing)
                for (int j = 0; j <= pm; j++) {
                    // row pending-1+j predicts the token after seq[..len) + proposal[..j)
                    int row = pending - 1 + j;
                    if (row >= chunk.length) {
                        break; // the proposal ended with the stop token, which was accepted below
                    }
                    tc.logits(0, row, logits);
                    long s = System.nanoTime();
                    matcher.fillNextTokenMask(mask);
                    maskNanos += System.nanoTime() - s;
                    masks++;
                    GrammarMask.apply(mask, logits);
                    if (keywords != null) {
                        keywords.process(logits);
                    }
                    for (LogitsProcessor st : stages) {
                        st.process(logits);
                    }
                    int t;
                    boolean agrees;
                    if (sampled) {
                        if (!SpeculativeSampling.softmax(logits, p)) {
                            t = -1;
                            agrees = false;
                        } else if (j < pm) {
                            int v = SpeculativeSampling.verify(p, q[j], proposal[j], random);
                            agrees = v >= 0;
                            t = agrees ? v : -v - 1;
                        } else {
                            t = SpeculativeSampling.draw(p, random);
                            agrees = false;
                        }
                    } else {
                        t = TokenSelector.argmax(logits);
                        agrees = j < pm && proposal[j] == t;
                    }
                    if (keywords != null && t >= 0) {
                        // must-include words steer the target's choice as in the plain loop, so the output stays its output
                        int steered = keywords.steer(t, logits, matcher, steerMask);
                        if (steered != t) {
                            t = steered;
                            agrees = j < pm && proposal[j] == t;
                        }
                    }
                    if (t < 0 && keywords != null && !keywords.complete()) {
                        finish = FinishReason.MISSING_KEYWORDS;
                        acceptedTotal += accepted;
                        break outer;
                    }
                    if (t < 0) {
                        throw new DecoderException("no token is allowed after " + (len - prompt.length)
                                + " generated tokens: the grammar has no continuation the model's vocabulary can express");
                    }
                    if (!matcher.accept(t)) {
                        throw new DecoderException("token " + t + " was chosen but the grammar rejects it");
                    }
                    if (keywords != null && t != eosTokenId) {
                        keywords.accept(t);
                    }
                    // a kept proposal after which the grammar forces bytes ends the round as the target's own
                    // token does: forcing may re-segment it, as the plain loop does after every token, so the
                    // output stays the plain loop's; its cache entry is then not kept (it is fed again)
                    boolean forcing = agrees && jump != null && forcesBytes(matcher);
                    if (agrees) {
                        accepted++;
                        if (!forcing) {
                            kept++;
                        }
                    }
                    if (t == eosTokenId) {
                        finish = FinishReason.STOP;
                        acceptedTotal += accepted;
                        break outer;
                    }
                    if ((!agrees || forcing) && jump != null) {
                        // the round's last token: what the grammar forces after it goes in with the next passes
                        int[] out = Arrays.copyOfRange(seq, prompt.length, len);
                        int[] forced = jump.next(matcher, out, out.length, t, limit - (len - prompt.length));
                        for (int f : forced) {
                            learn(f);
                            seq[len++] = f;
                            if (onToken != null) {
                                onToken.accept(f);
                            }
                        }
                        break;
                    }
                    learn(t);
                    seq[len++] = t;
                    if (onToken != null) {
                        onToken.accept(t);
                    }
                    if (!agrees || len - prompt.length == limit) {
                        break;
                    }
                }
                acceptedTotal += accepted;
                // keep only what both caches computed for tokens that are now in seq
                // (the draft was fed seq[..base + pending) before proposing, then draftFed proposals)
                tc.truncate(Math.min(tc.columns(), base + pending + kept));
                dc.truncate(Math.min(dc.columns(), base + pending + Math.min(draftFed, kept)));
                long roundEnd = System.nanoTime();
                schedule.recordRound(pm, accepted, roundDraftPasses == 0 ? 0 : (proposalEnd - roundStart) / (double) roundDraftPasses,
                        roundEnd - proposalEnd);
                if (m > 0) {
                    specNanos += roundEnd - roundStart;
                    specTokens += len - lenBefore;
                }
            }
            long total = System.nanoTime() - t0;
            long prefill = Math.max(0, prefillNanos);
            Timings timings = new Timings(prefill, total - prefill, maskNanos, masks, targetPasses + draftPasses,
                    jump == null ? 0 : jump.forcedCount());
            schedule.recordSpeculativeRounds(specNanos, specTokens);
            return new Outcome(Arrays.copyOfRange(seq, prompt.length, len), finish, timings,
                    new Speculation(proposed, acceptedTotal, targetPasses, draftPasses, schedule.currentK()));
        }
    }
}
