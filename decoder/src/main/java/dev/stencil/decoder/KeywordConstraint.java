package dev.stencil.decoder;

import java.util.Arrays;
import java.util.List;

/**
 * Must-exclude and must-include keywords of one sequence, as a logits stage after the grammar mask.
 *
 * <ul>
 *   <li><b>Exclude</b> is exact: the state of the banned words' automaton travels with the
 *       sequence, and a token is masked out when reading its bytes from that state would complete
 *       a banned word, so none can appear, also across token boundaries (or across the prompt's
 *       end: the automaton starts in the state the prompt's text leads to).
 *   <li><b>Include</b>: the stop token is masked until every required word has appeared. When the
 *       grammar then allows nothing but the stop token, no token is left: the decoder ends with
 *       {@link FinishReason#MISSING_KEYWORDS} rather than an output that lacks them.
 * </ul>
 *
 * <p>The per-sequence state is three ints and a long, saved per accepted token so that {@link
 * #rollback} (speculation) is an index move and {@link #fork} (beams) a small copy; the token
 * tables are shared ({@link KeywordTokens}).
 */
final class KeywordConstraint implements LogitsProcessor {
    private final KeywordTokens exclude;
    private final KeywordTokens include;
    private final int eosTokenId;
    private int excludeState;
    private int includeState;
    private long found;
    // history[k] = the state before accepted token k
    private int[] histExclude = new int[16];
    private int[] histInclude = new int[16];
    private long[] histFound = new long[16];
    private int steps;

    /**
     * @param exclude banned words' token tables, or null
     * @param include required words' token tables, or null
     * @param context the text before the first generated token (the prompt's bytes; may be empty):
     *     a banned word may not be completed by generated text even if it starts in the context. A
     *     required word counts only when it lies wholly in the generated text.
     */
    KeywordConstraint(KeywordTokens exclude, KeywordTokens include, int eosTokenId, byte[] context) {
        if (exclude == null && include == null) {
            throw new IllegalArgumentException("no keywords");
        }
        this.exclude = exclude;
        this.include = include;
        this.eosTokenId = eosTokenId;
        if (exclude != null) {
            excludeState = exclude.walk(0, context);
        }
    }

    private KeywordConstraint(KeywordConstraint o) {
        exclude = o.exclude;
        include = o.include;
        eosTokenId = o.eosTokenId;
        excludeState = o.excludeState;
        includeState = o.includeState;
        found = o.found;
        histExclude = o.histExclude.clone();
        histInclude = o.histInclude.clone();
        histFound = o.histFound.clone();
        steps = o.steps;
    }

    @Override
    public void process(float[] logits) {
        if (exclude != null) {
            GrammarMask.apply(exclude.safeMask(excludeState), logits);
        }
        if (!complete() && eosTokenId < logits.length) {
            logits[eosTokenId] = Float.NEGATIVE_INFINITY;
        }
    }

    /** Whether {@code token} may come next (not the stop token before every required word appeared, no banned word). */
    boolean allows(int token) {
        if (token == eosTokenId) {
            return complete();
        }
        return exclude == null || exclude.hits(excludeState, exclude.tokenBytes(token)) == 0;
    }

    @Override
    public void accept(int token) {
        if (steps == histExclude.length) {
            histExclude = Arrays.copyOf(histExclude, steps * 2);
            histInclude = Arrays.copyOf(histInclude, steps * 2);
            histFound = Arrays.copyOf(histFound, steps * 2);
        }
        histExclude[steps] = excludeState;
        histInclude[steps] = includeState;
        histFound[steps] = found;
        steps++;
        if (exclude != null) {
            byte[] b = exclude.tokenBytes(token);
            if (exclude.hits(excludeState, b) != 0) {
                // a caller fed a token the mask rules out (forced or replayed text): never let it pass silently
                throw new DecoderException("token " + token + " would complete the banned word(s) "
                        + exclude.automaton().keywords(exclude.hits(excludeState, b)));
            }
            excludeState = exclude.walk(excludeState, b);
        }
        if (include != null) {
            byte[] b = include.tokenBytes(token);
            found |= include.hits(includeState, b);
            includeState = include.walk(includeState, b);
        }
    }

    /** Undoes the last {@code n} accepted tokens. */
    void rollback(int n) {
        if (n < 0 || n > steps) {
            throw new IllegalArgumentException("cannot roll back " + n + " of " + steps + " tokens");
        }
        if (n > 0) {
            steps -= n;
            excludeState = histExclude[steps];
            includeState = histInclude[steps];
            found = histFound[steps];
        }
    }

    /** An independent copy. */
    KeywordConstraint fork() {
        return new KeywordConstraint(this);
    }

    /** Whether there are must-include words at all. */
    boolean hasRequired() {
        return include != null;
    }

    /** Whether every required word has appeared (true without required words). */
    boolean complete() {
        return include == null || found == include.automaton().allKeywords();
    }

    /** The required words that have not appeared yet. */
    List<String> missing() {
        return include == null ? List.of() : include.automaton().keywords(include.automaton().allKeywords() & ~found);
    }

    /**
     * Progress towards the required words, for ranking beams (constrained beam search): bytes of
     * the words found so far plus the bytes of the one in progress.
     */
    int progress() {
        if (include == null) {
            return 0;
        }
        KeywordAutomaton a = include.automaton();
        int p = 0;
        for (int k = 0; k < a.keywordCount(); k++) {
            if ((found & (1L << k)) != 0) {
                p += a.keyword(k).length() + 1;
            }
        }
        return p + a.depth(includeState);
    }

    /** Tokens that would advance a required word from here (empty without required words). */
    int[] progressTokens() {
        return include == null ? new int[0] : include.progressTokens(includeState);
    }
}
