package dev.stencil.decoder;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Text-level stop sequences. Tokens are matched as the UTF-8 bytes they decode to, so a stop
 * sequence is found even when it straddles token boundaries or a token splits one of its
 * characters. The output ends just before the first occurrence. For streaming, {@link
 * #safeLength()} holds back any tail that could still become a stop sequence, so text that is
 * later cut off is never streamed. Both ends of a match fall on character boundaries, because a
 * stop sequence is itself whole characters and UTF-8 is self-synchronising.
 */
final class StopSequences {
    private final byte[][] stops;
    private final int longest;
    private final ByteArrayOutputStream text = new ByteArrayOutputStream();
    private int end = -1;

    StopSequences(List<String> sequences) {
        if (sequences.isEmpty()) {
            throw new DecoderException("stop sequences: give at least one");
        }
        stops = new byte[sequences.size()][];
        int max = 0;
        for (int i = 0; i < stops.length; i++) {
            String s = sequences.get(i);
            if (s == null || s.isEmpty()) {
                throw new DecoderException("a stop sequence must not be empty");
            }
            stops[i] = s.getBytes(StandardCharsets.UTF_8);
            max = Math.max(max, stops[i].length);
        }
        longest = max;
    }

    /** Appends a token's bytes; true when a stop sequence has now appeared. */
    boolean push(byte[] tokenBytes) {
        if (end >= 0) {
            return true;
        }
        int before = text.size();
        text.writeBytes(tokenBytes);
        byte[] all = text.toByteArray();
        // only matches that end in the new bytes are new; the earliest start wins
        int from = Math.max(0, before - longest + 1);
        for (int start = from; start < all.length && end < 0; start++) {
            for (byte[] s : stops) {
                if (start + s.length <= all.length && start + s.length > before
                        && Arrays.equals(all, start, start + s.length, s, 0, s.length)) {
                    end = start;
                    break;
                }
            }
        }
        return end >= 0;
    }

    /** Whether a stop sequence was found. */
    boolean stopped() {
        return end >= 0;
    }

    /** The output's bytes: everything before the stop sequence, or all so far. */
    byte[] output() {
        byte[] all = text.toByteArray();
        return end >= 0 ? Arrays.copyOf(all, end) : all;
    }

    /** Bytes that can be streamed now: the output, less a tail that is a prefix of some stop sequence. */
    int safeLength() {
        if (end >= 0) {
            return end;
        }
        byte[] all = text.toByteArray();
        for (int start = Math.max(0, all.length - longest + 1); start < all.length; start++) {
            for (byte[] s : stops) {
                int len = all.length - start;
                if (len < s.length && Arrays.equals(all, start, all.length, s, 0, len)) {
                    return start;
                }
            }
        }
        return all.length;
    }
}
