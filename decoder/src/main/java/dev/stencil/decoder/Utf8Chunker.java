package dev.stencil.decoder;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns a stream of token bytes into text pieces that never split a UTF-8 character: bytes of an
 * incomplete trailing character are held back until the token that completes it arrives.
 */
final class Utf8Chunker {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** Adds {@code bytes}; returns the text that is now complete (possibly empty). */
    String push(byte[] bytes) {
        pending.write(bytes, 0, bytes.length);
        byte[] all = pending.toByteArray();
        int cut = completePrefix(all);
        pending.reset();
        pending.write(all, cut, all.length - cut);
        return new String(all, 0, cut, StandardCharsets.UTF_8);
    }

    /** Whatever is left (a truncated character becomes U+FFFD). */
    String flush() {
        String s = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return s;
    }

    /** Length of the longest prefix that does not end inside a multi-byte character. */
    static int completePrefix(byte[] b) {
        int n = b.length;
        // look back at most 3 bytes for the lead byte of the last character
        for (int i = n - 1; i >= Math.max(0, n - 4); i--) {
            int v = b[i] & 0xff;
            if ((v & 0xC0) == 0x80) {
                continue; // continuation byte
            }
            int need = v < 0x80 ? 1 : (v & 0xE0) == 0xC0 ? 2 : (v & 0xF0) == 0xE0 ? 3 : (v & 0xF8) == 0xF0 ? 4 : 1;
            return n - i >= need ? n : i;
        }
        return n;
    }
}
