package dev.stencil.decoder;

import dev.stencil.automata.Matcher;
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
 *       {@link FinishReason#MISSING_KEYWORDS} rather than an output that lacks them. A greedy or
 *       sampled sequence is also steered ({@link #steer}): where its choice would close the
 *       output (after it the grammar allows only whitespace or the stop token) while words are
 *       missing, the best token the grammar allows that starts or continues a missing word is
 *       taken instead, and a word so begun is continued until it is complete; where none fits
 *       there, the best of the next few choices that keeps the output open and after which one
 *       does (a bridge such as {@code , "} after a number); where none does either, the output
 *       closes and reports the words missing (a digits-only value never runs on instead). Beam
 *       search steers by ranking beams on their progress instead.
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
    /** Whether {@link #steer} began a required word that is not complete yet. */
    private boolean inserting;

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
        inserting = o.inserting;
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

    /**
     * The same rule as {@link #process} on a packed token mask instead of logits: clears the
     * tokens that would complete a banned word, and the stop token while a required word is
     * missing (a draft scoring on the host reads a mask, not logits).
     */
    void restrict(long[] mask) {
        if (exclude != null) {
            long[] safe = exclude.safeMask(excludeState);
            for (int w = 0; w < mask.length && w < safe.length; w++) {
                mask[w] &= safe[w];
            }
        }
        if (!complete() && (eosTokenId >>> 6) < mask.length) {
            mask[eosTokenId >>> 6] &= ~(1L << eosTokenId);
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
            long before = found;
            found |= include.hits(includeState, b);
            includeState = include.walk(includeState, b);
            if (found != before) {
                inserting = false; // the word steering began is complete
            }
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

    /** Next choices tried, best first, for one after which a missing word can begin. */
    private static final int OPEN_TRIES = 8;

    /**
     * The token to emit instead of {@code chosen} (the sequence's own choice under the grammar and
     * this stage) so that missing required words stay reachable: see the class comment. {@code
     * logits} are the masked logits {@code chosen} came from (changed here: tokens ruled out are set
     * to negative infinity); {@code matcher} is the sequence's grammar state, left as it was;
     * {@code scratch} is a mask buffer. Returns {@code chosen} when nothing is missing or it already
     * makes progress.
     */
    int steer(int chosen, float[] logits, Matcher matcher, long[] scratch) {
        int original = chosen;
        if (include == null || complete() || chosen < 0 || chosen == eosTokenId) {
            inserting = false;
            return chosen;
        }
        if (makesProgress(chosen)) {
            return chosen;
        }
        if (!inserting && !closesOutput(chosen, matcher, scratch)) {
            return chosen;
        }
        int best = -1;
        for (int t : progressTokens()) {
            if (t < logits.length && logits[t] > Float.NEGATIVE_INFINITY && (best < 0 || logits[t] > logits[best])) {
                best = t;
            }
        }
        if (best >= 0) {
            inserting = true;
            return best;
        }
        // no missing word can start right here: the best of the next choices after which one can
        // (say `, "` after a number, opening a key); none: the output closes and reports the words missing
        inserting = false;
        for (int i = 0; i < OPEN_TRIES; i++) {
            logits[chosen] = Float.NEGATIVE_INFINITY;
            int candidate = TokenSelector.argmax(logits);
            if (candidate < 0) {
                break;
            }
            if (!closesOutput(candidate, matcher, scratch) && opensWord(candidate, matcher, scratch)) {
                inserting = true; // the next step begins the word
                return candidate;
            }
            chosen = candidate;
        }
        return original;
    }

    /** Whether after {@code token} the grammar allows a token that starts or continues a missing word. */
    private boolean opensWord(int token, Matcher matcher, long[] scratch) {
        Matcher m = matcher.fork();
        if (!m.accept(token)) {
            return false;
        }
        m.fillNextTokenMask(scratch);
        for (int t : include.progressTokens(include.walk(includeState, include.tokenBytes(token)))) {
            if ((t >>> 6) < scratch.length && (scratch[t >>> 6] & (1L << t)) != 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether reading {@code token} completes a required word or leaves more of one in progress. */
    private boolean makesProgress(int token) {
        byte[] b = include.tokenBytes(token);
        if ((include.hits(includeState, b) & ~found) != 0) {
            return true;
        }
        int after = include.walk(includeState, b);
        return include.automaton().depth(after) > include.automaton().depth(includeState);
    }

    /** Whether after {@code token} the grammar allows nothing but whitespace and special tokens. */
    private boolean closesOutput(int token, Matcher matcher, long[] scratch) {
        Matcher m = matcher.fork();
        if (!m.accept(token)) {
            return false;
        }
        m.fillNextTokenMask(scratch);
        long[] closing = include.closingTokens();
        for (int w = 0; w < scratch.length && w < closing.length; w++) {
            if ((scratch[w] & ~closing[w]) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Tokens that would advance a required word from here (empty without required words). */
    int[] progressTokens() {
        return include == null ? new int[0] : include.progressTokens(includeState);
    }
}
