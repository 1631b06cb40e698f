package dev.stencil.decoder;

/**
 * Decides, round by round, whether speculative decoding pays for itself and how many tokens the
 * draft proposes, from what it has measured. One schedule is kept per (target, draft) pair and
 * shared by all generations with that pair (see {@link Stencil#draftSchedule}), so what one
 * generation learned is not paid for again by the next: with a draft that costs more than it
 * saves, speculation is switched off after the first few rounds and only re-tried now and then.
 *
 * <p>The measure is wall time per emitted token: of plain rounds (one target pass) and of
 * speculative rounds (draft passes plus one verifying target pass). Each is a moving average;
 * the cheaper mode is used, the other is re-tried every {@link #EXPLORE_EVERY} rounds so that a
 * change (other prompts, another load on the machine) is noticed. The proposal length k moves by
 * one after each speculative round: up when the whole proposal was accepted, down otherwise.
 *
 * <p>Thread-safe; the figures are statistics, so concurrent generations may interleave updates.
 */
final class DraftSchedule {
    static final int MAX_K = 8;
    static final int EXPLORE_EVERY = 32;
    /** Rounds of each mode measured before the cheaper one is chosen. */
    static final int WARM_UP = 4;
    private static final double EMA = 0.1;

    private double specCost = Double.NaN; // moving averages of nanoseconds per emitted token
    private double plainCost = Double.NaN;
    private int specRounds;
    private int plainRounds;
    private int k;
    private long rounds;
    private final boolean adaptive;

    DraftSchedule(int initialK) {
        this(initialK, true);
    }

    private DraftSchedule(int initialK, boolean adaptive) {
        this.k = Math.max(1, Math.min(MAX_K, initialK));
        this.adaptive = adaptive;
    }

    /** Always proposes {@code k} tokens, whatever it costs (tests, benchmarks of a fixed k). */
    static DraftSchedule fixed(int k) {
        return new DraftSchedule(k, false);
    }

    /** Tokens to propose this round; 0 = a plain round without the draft. */
    synchronized int proposalLength() {
        long r = rounds++;
        if (!adaptive) {
            return k;
        }
        if (plainRounds < WARM_UP) {
            return 0;
        }
        if (specRounds < WARM_UP) {
            return k;
        }
        boolean explore = r % EXPLORE_EVERY == 0;
        boolean speculate = specCost <= plainCost;
        return speculate != explore ? k : 0;
    }

    /**
     * Records a finished round.
     *
     * @param proposed tokens proposed (0 for a plain round)
     * @param accepted of those, accepted by the target
     * @param emitted tokens the round added to the output
     * @param nanos wall time of the round
     */
    synchronized void record(int proposed, int accepted, int emitted, long nanos) {
        double cost = nanos / (double) Math.max(1, emitted);
        if (proposed > 0) {
            specCost = Double.isNaN(specCost) ? cost : specCost + EMA * (cost - specCost);
            specRounds++;
            if (adaptive) {
                k = accepted == proposed ? Math.min(MAX_K, k + 1) : Math.max(1, k - 1);
            }
        } else {
            plainCost = Double.isNaN(plainCost) ? cost : plainCost + EMA * (cost - plainCost);
            plainRounds++;
        }
    }

    /** The proposal length in use now; 0 when speculation is currently judged not to pay. */
    synchronized int currentK() {
        return adaptive && specRounds >= WARM_UP && plainRounds >= WARM_UP && plainCost < specCost ? 0 : k;
    }

    /** Moving averages in nanoseconds per emitted token: {speculative, plain} (NaN before measured). */
    synchronized double[] costs() {
        return new double[] {specCost, plainCost};
    }
}
