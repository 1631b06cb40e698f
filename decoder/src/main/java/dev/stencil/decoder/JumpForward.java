package dev.stencil.decoder;

import dev.stencil.automata.Matcher;
import dev.stencil.automata.vocab.BpeTokenizer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Forced tokens ("jump-forward"): where the grammar admits exactly one continuation for the next
 * bytes (a property name, {@code ": "}), those bytes need no sampling. They are appended as the
 * tokens the model's own tokenizer would produce, so the model never sees a token sequence it was
 * not trained on:
 *
 * <p>The check runs right after a token is chosen, before it is fed to the model, so the chosen
 * token itself may be re-segmented: the model picks {@code " 12"}, the grammar forces {@code
 * "34567"}, and the tokenizer writes {@code " 123" "45" "67"}; then {@code " 123" "45"} take the
 * chosen token's place. Rules:
 *
 * <ol>
 *   <li>the text so far plus the forced bytes is re-tokenized canonically; the re-tokenization
 *       must reproduce every token before the chosen one exactly (those are already in the KV cache;
 *       if one would merge differently, nothing is forced);
 *   <li>the last token of that tokenization is not forced: it might merge with bytes that come
 *       after the forced ones, which are not known yet, so it is left to normal decoding; what is
 *       forced must still cover the chosen token's bytes;
 *   <li>every token must be accepted by the matcher; if one is not, the matcher is restored and
 *       only the chosen token is used.
 * </ol>
 * When in doubt nothing is forced and decoding continues normally, which is always correct.
 */
final class JumpForward {
    private final BpeTokenizer tokenizer;
    private int forced;

    JumpForward(BpeTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * The tokens that go in at position {@code n} in place of {@code chosen}: just {@code chosen},
     * or a canonical segmentation of its bytes plus forced bytes, at most {@code room} tokens. The
     * matcher must have accepted {@code generated[0..n)} and {@code chosen}; on return it has
     * accepted exactly the returned tokens instead.
     */
    int[] next(Matcher matcher, int[] generated, int n, int chosen, int room) {
        int[] alone = {chosen};
        if (room < 2 || matcher.isTerminated()) {
            return alone;
        }
        byte[] forcedBytes = matcher.forcedBytes();
        if (forcedBytes == null || forcedBytes.length == 0) {
            return alone;
        }
        int[] prefix = Arrays.copyOf(generated, n + 1);
        prefix[n] = chosen;
        byte[] before = tokenizer.decode(prefix);
        byte[] all = Arrays.copyOf(before, before.length + forcedBytes.length);
        System.arraycopy(forcedBytes, 0, all, before.length, forcedBytes.length);
        String text;
        try {
            // the tokenizer works on text: bytes that end inside a character cannot be re-tokenized faithfully
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(all)).toString();
        } catch (CharacterCodingException e) {
            return alone;
        }
        int[] canonical = tokenizer.encode(text);
        if (canonical.length < n + 2 || !Arrays.equals(canonical, 0, n, generated, 0, n)) {
            return alone;
        }
        int count = Math.min(canonical.length - 1 - n, room);
        int[] out = Arrays.copyOfRange(canonical, n, n + count);
        if (out.length == 1 && out[0] == chosen) {
            return alone;
        }
        int chosenBytes = tokenizer.decode(alone).length;
        if (tokenizer.decode(out).length < chosenBytes) {
            return alone; // the chosen token's bytes would be left half covered
        }
        matcher.rollback(1);
        for (int i = 0; i < out.length; i++) {
            if (!matcher.accept(out[i])) {
                matcher.rollback(i);
                matcher.accept(chosen); // accepted before, so it is accepted again
                return alone;
            }
        }
        forced += out.length - 1;
        return out;
    }

    /** Tokens forced so far: tokens added beyond the one slot of each chosen token. */
    int forcedCount() {
        return forced;
    }
}
