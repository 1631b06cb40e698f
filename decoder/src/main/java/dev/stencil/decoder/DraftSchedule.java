package dev.stencil.decoder;

import java.util.Arrays;

/**
 * Decides whether a generation uses the draft model at all, and how many tokens the draft
 * proposes per round, from what earlier generations measured. One schedule is kept per (target,
 * draft) pair and shared by all generations with that pair (see {@link Stencil#draftSchedule}).
 *
 * <p><b>Whether</b>: decided per generation, so that a generation without the draft runs the
 * plain decoding loop with no speculative bookkeeping at all (k = 0 costs nothing). The measure is
 * decode time per generated token (the prompt's prefill, which both pay, left out) of plain
 * generations, and time per emitted token of speculative rounds. The first 2 × {@link #WARM_UP}
 * generations alternate between the modes (so both are measured in the same period of a shared
 * machine), the first of each not measured (it pays for just-in-time compilation and cold caches,
 * and would bias the verdict for long), the others averaged;
 * then the cheaper mode is used and the other re-tried after {@link #EXPLORE_EVERY} generations,
 * so a change (other prompts, another load on the machine, a draft vocabulary that has learned
 * more) is noticed; each re-try that leaves the verdict as it was doubles the wait (up to {@link
 * #MAX_EXPLORE_EVERY}), since on short generations a re-try costs about as much as it can gain.
 * Each mode's figure is the median of its last {@link #WINDOW} measured generations, not a mean:
 * one generation's cost per token varies with its prompt and grammar, and a collection pause or a
 * busy neighbour on a shared machine can make one cost five times the usual (measured on the
 * JSONSchemaBench eval: plain generations at 0.5-0.7 ms per token with outliers at 2.5-3.0 ms,
 * which pulled a moving average up until a losing draft looked cheaper). A re-try that measures
 * better than the other mode is followed up in the next generation rather than after the usual
 * wait, so a genuine change still moves the median within a few generations. The draft is
 * switched on only when it is at least {@link #SWITCH_ON_MARGIN} cheaper, and off as soon as it
 * is not cheaper: near a tie the plain loop, which cannot be slower than itself, wins.
 * A draft that costs more than it saves thus runs in ever fewer generations. A speculative
 * generation runs to its end with the draft: its opening rounds are where a learned draft
 * vocabulary ({@link DraftVocabulary}) fits least, so a verdict on them alone would be biased.
 *
 * <p><b>How many</b>: after each round k is set to the length that maximises the expected tokens
 * per unit of time, {@code ((1 - a^(k+1)) / (1 - a)) / (k D + T(k + 1))} (the analysis of
 * Leviathan et al., 2023, "Fast inference from transformers via speculative decoding": a is the
 * chance that a proposed token is accepted, D the time of a draft pass), with the target pass's
 * time T a line in the number of positions it verifies, since each proposal adds a row of the
 * vocabulary-wide projection. a, D and the line are decayed estimates from the rounds so far
 * (1..{@link #MAX_K}), carried over to later generations. Until timings exist, k moves by one: up
 * when the whole proposal was accepted, down otherwise.
 *
 * <p>Thread-safe; the figures are statistics, so concurrent generations may interleave updates.
 */
final class DraftSchedule {
    static final int MAX_K = 8;
    static final int WARM_UP = 4;
    static final int EXPLORE_EVERY = 16;
    /** The longest wait between re-tries of the mode that keeps losing. */
    static final int MAX_EXPLORE_EVERY = 128;
    private static final double EMA = 0.25;
    /** How much cheaper per token the draft must measure before generations switch to it. */
    static final double SWITCH_ON_MARGIN = 0.05;

    private final boolean adaptive; // whether the draft may be left unused
    private final boolean adaptiveK;
    private final boolean timed; // whether k may follow measured times (not where outputs must repeat)
    /** Measured generations per mode whose median is its figure. */
    static final int WINDOW = 7;
    private double specCost = Double.NaN; // medians of decode nanoseconds per generated token
    private double plainCost = Double.NaN;
    private final double[] specSamples = new double[WINDOW];
    private final double[] plainSamples = new double[WINDOW];
    private int specGenerations;
    private int plainGenerations;
    private long generations;
    private int k;
    /** Decayed counts of accepted proposals and of rejections ending a round (acceptance = a / (a + r)). */
    private double acceptedSeen;
    private double rejectedSeen;
    private static final double DECAY = 0.98;
    /** Moving average of a draft pass's time in speculative rounds. */
    private double draftPass = Double.NaN;
    /** Decayed sums for the target pass's time as a line in the positions it verifies. */
    private double sw;
    private double sx;
    private double sy;
    private double sxx;
    private double sxy;
    private boolean lastPreferSpec;
    private int exploreEvery = EXPLORE_EVERY;
    private long nextExplore = EXPLORE_EVERY;

    DraftSchedule(int initialK) {
        this(initialK, true, true, true);
    }

    private DraftSchedule(int initialK, boolean adaptive, boolean adaptiveK, boolean timed) {
        this.k = Math.max(1, Math.min(MAX_K, initialK));
        this.adaptive = adaptive;
        this.adaptiveK = adaptiveK;
        this.timed = timed;
    }

    /** Always uses the draft with {@code k} tokens per proposal (tests, benchmarks of a fixed k). */
    static DraftSchedule fixed(int k) {
        return new DraftSchedule(k, false, false, false);
    }

    /**
     * For one sampled generation: always uses the draft, k adapts within the generation only, by
     * the one-step rule on acceptance. The random draws depend on whether and how much is
     * proposed, so a schedule that learned from earlier generations (or from timing) would break
     * "same seed, same output".
     */
    static DraftSchedule forOneSampledGeneration(int initialK) {
        return new DraftSchedule(initialK, false, true, false); // k from acceptance alone: timings differ run to run
    }

    /** Whether the next generation uses the draft. */
    synchronized boolean speculateNext() {
        long g = generations++;
        if (!adaptive) {
            return true;
        }
        if (plainGenerations < WARM_UP || specGenerations < WARM_UP) {
            // warming up, alternately, the plain loop first (its figure is the one a draft must beat;
            // a lone generation with a cold draft vocabulary measured slower with the draft than without):
            // both modes measured in the same period of the machine, over like prompts
            return specGenerations < plainGenerations;
        }
        boolean preferSpec = lastPreferSpec ? specCost <= plainCost : specCost <= plainCost * (1 - SWITCH_ON_MARGIN);
        if (preferSpec != lastPreferSpec) {
            lastPreferSpec = preferSpec;
            exploreEvery = EXPLORE_EVERY; // the verdict changed: look again soon
            nextExplore = g + exploreEvery;
        }
        boolean explore = g >= nextExplore;
        if (explore) {
            // each re-try that does not change the verdict doubles the wait for the next one, so a
            // mode that keeps losing costs ever less (short generations pay a re-try in full)
            exploreEvery = Math.min(MAX_EXPLORE_EVERY, exploreEvery * 2);
            nextExplore = g + exploreEvery;
        }
        return preferSpec != explore;
    }

    /** Tokens to propose in the next round of a speculative generation (at least 1). */
    synchronized int proposalLength() {
        return k;
    }

    /**
     * After a speculative round: adapts k to the acceptance and the passes' costs seen so far.
     *
     * @param draftPassNanos the round's mean time per draft pass (0 when unknown)
     * @param targetPassNanos the round's target pass (0 when unknown)
     */
    synchronized void recordRound(int proposed, int accepted, double draftPassNanos, double targetPassNanos) {
        if (!adaptiveK || proposed <= 0) {
            return;
        }
        // proposals are accepted in order up to the first rejection: accepted successes, then one failure unless all passed
        acceptedSeen = acceptedSeen * DECAY + accepted;
        rejectedSeen = rejectedSeen * DECAY + (accepted < proposed ? 1 : 0);
        if (timed && draftPassNanos > 0 && targetPassNanos > 0) {
            draftPass = Double.isNaN(draftPass) ? draftPassNanos : draftPass + EMA * (draftPassNanos - draftPass);
            // decayed least squares of target pass time against the positions verified (proposals + 1)
            double x = proposed + 1;
            sw = sw * DECAY + 1;
            sx = sx * DECAY + x;
            sy = sy * DECAY + targetPassNanos;
            sxx = sxx * DECAY + x * x;
            sxy = sxy * DECAY + x * targetPassNanos;
        }
        if (Double.isNaN(draftPass)) {
            k = accepted == proposed ? Math.min(MAX_K, k + 1) : Math.max(1, k - 1);
            return;
        }
        double meanX = sx / sw;
        double meanY = sy / sw;
        double varX = sxx / sw - meanX * meanX;
        // a slope only once proposals of different lengths were timed; never negative (noise)
        double perRow = varX > 0.05 ? Math.max(0, (sxy / sw - meanX * meanY) / varX) : 0;
        double fixed = Math.max(meanY - perRow * meanX, meanY * 0.1);
        k = bestLength(acceptedSeen / (acceptedSeen + rejectedSeen), draftPass, fixed, perRow);
    }

    /**
     * The k in 1..MAX_K that maximises expected tokens per unit of time for acceptance a, a draft
     * pass of {@code draft} and a target pass of {@code fixed + perRow * positions}.
     */
    static int bestLength(double a, double draft, double fixed, double perRow) {
        int best = 1;
        double bestRate = -1;
        for (int k = 1; k <= MAX_K; k++) {
            // expected tokens per round: the accepted run of proposals plus the target's own token
            double tokens = a >= 1 ? k + 1 : (1 - Math.pow(a, k + 1)) / (1 - a);
            double rate = tokens / (k * draft + fixed + perRow * (k + 1));
            if (rate > bestRate + 1e-12) {
                best = k;
                bestRate = rate;
            }
        }
        return best;
    }

    /** After a generation without the draft: its decode time (prefill excluded) and generated tokens. */
    synchronized void recordPlainGeneration(long decodeNanos, int tokens) {
        if (tokens < 2) {
            return; // nothing but the prefill: no information about the decode loop
        }
        if (plainGenerations++ == 0) {
            return; // the first one warms up
        }
        double cost = decodeNanos / (double) tokens;
        plainCost = addSample(plainSamples, plainGenerations - 2, cost);
        if (lastPreferSpec && cost < specCost) {
            exploreSoon(); // a re-try of the plain loop that beats the draft: look again at once
        }
    }

    /** Puts the {@code index}-th measured sample into its window; returns the window's median. */
    private static double addSample(double[] window, int index, double cost) {
        window[index % WINDOW] = cost;
        int n = Math.min(index + 1, WINDOW);
        double[] sorted = Arrays.copyOf(window, n);
        Arrays.sort(sorted);
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The next generation re-tries the mode not in use (a promising re-try is followed up). */
    private void exploreSoon() {
        exploreEvery = EXPLORE_EVERY;
        nextExplore = generations;
    }

    /**
     * After a generation with the draft: the time and emitted tokens of its speculative rounds
     * (the draft's catch-up passes included; the prefill's round excluded).
     */
    synchronized void recordSpeculativeRounds(long nanos, int tokens) {
        if (tokens < 1) {
            return;
        }
        if (specGenerations++ == 0) {
            return; // the first one warms up
        }
        double cost = nanos / (double) tokens;
        specCost = addSample(specSamples, specGenerations - 2, cost);
        if (!lastPreferSpec && plainGenerations >= WARM_UP && specGenerations > WARM_UP
                && cost <= plainCost * (1 - SWITCH_ON_MARGIN)) {
            exploreSoon(); // a re-try of the draft that beats the plain loop: look again at once
        }
    }

    /** The proposal length in use: 0 while generations run without the draft because it does not pay. */
    synchronized int currentK() {
        if (adaptive && specGenerations >= WARM_UP && plainGenerations >= WARM_UP && !lastPreferSpec) {
            return 0;
        }
        return k;
    }
}
