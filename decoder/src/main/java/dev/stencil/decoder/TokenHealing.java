package dev.stencil.decoder;

import dev.stencil.automata.Matcher;
import dev.stencil.automata.mask.VocabularyIndex;
import java.util.Arrays;

/**
 * Token healing at the prompt boundary: the prompt's last token is taken off, and the first
 * generated tokens must spell its bytes again before the grammar sees anything, so the model can
 * pick the tokenization it would have used had the prompt not ended there. A prompt ending in
 * {@code "A: "} (trailing space) otherwise leaves the model after a lone space token it rarely saw,
 * where with healing it writes its usual {@code " {\""}; a prompt ending mid-word lets the model
 * finish the word with one token.
 *
 * <p>While healing, a token is allowed when its bytes are a prefix of what is left to re-spell, or
 * start with all of it and the grammar accepts the rest (checked on the matcher, then rolled back).
 * The grammar's own leading-whitespace allowance still matters: healing restores the prompt's
 * bytes, it does not invent text the grammar forbids.
 */
final class TokenHealing {
    private final VocabularyIndex index;
    private final byte[] prefix;
    private int done; // bytes of prefix re-spelled so far

    private TokenHealing(VocabularyIndex index, byte[] prefix) {
        this.index = index;
        this.prefix = prefix;
    }

    /**
     * Healing for {@code prompt}, or null where there is nothing to heal (a one-token prompt, or
     * a last token that is special or not text).
     */
    static TokenHealing of(int[] prompt, VocabularyIndex index) {
        if (prompt.length < 2) {
            return null;
        }
        int last = prompt[prompt.length - 1];
        if (last >= index.size() || index.vocabulary().isSpecial(last) || index.tokenBytes(last).length == 0) {
            return null;
        }
        return new TokenHealing(index, index.tokenBytes(last).clone());
    }

    /** The prompt the model is given: all but the healed last token. */
    static int[] shortened(int[] prompt) {
        return Arrays.copyOf(prompt, prompt.length - 1);
    }

    /** The bytes the output starts with and that are not part of the answer (the prompt's last token). */
    byte[] prefix() {
        return prefix.clone();
    }

    /** Whether the prompt's last token is still being re-spelled. */
    boolean active() {
        return done < prefix.length;
    }

    /** Masks every token that neither continues the re-spelling nor completes it into text the grammar accepts. */
    void process(float[] logits, Matcher matcher) {
        int n = Math.min(logits.length, index.size());
        for (int id = 0; id < n; id++) {
            if (logits[id] != Float.NEGATIVE_INFINITY && !allows(id, matcher)) {
                logits[id] = Float.NEGATIVE_INFINITY;
            }
        }
        for (int id = n; id < logits.length; id++) {
            logits[id] = Float.NEGATIVE_INFINITY;
        }
    }

    private boolean allows(int id, Matcher matcher) {
        if (index.vocabulary().isSpecial(id)) {
            return false; // the stop token cannot end an answer that has not started
        }
        byte[] b = index.tokenBytes(id);
        int left = prefix.length - done;
        int common = Math.min(left, b.length);
        if (b.length == 0 || !Arrays.equals(b, 0, common, prefix, done, done + common)) {
            return false;
        }
        if (b.length <= left || matcher == null) {
            return true;
        }
        if (!matcher.acceptBytes(b, left, b.length - left)) {
            return false;
        }
        matcher.rollback(1);
        return true;
    }

    /** Takes a chosen token: the re-spelled part advances healing, the rest goes to the grammar. */
    void accept(int id, Matcher matcher) {
        if (!allows(id, matcher)) {
            throw new DecoderException("token " + id + " does not re-spell the healed prompt token");
        }
        byte[] b = index.tokenBytes(id);
        int left = prefix.length - done;
        if (b.length > left && matcher != null) {
            matcher.acceptBytes(b, left, b.length - left);
        }
        done += Math.min(left, b.length);
    }
}
