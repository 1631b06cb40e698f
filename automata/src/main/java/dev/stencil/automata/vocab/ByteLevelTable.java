package dev.stencil.automata.vocab;

/**
 * GPT-2's byte-to-character table ("bytes_to_unicode"), used by every byte-level BPE
 * vocabulary. Each of the 256 byte values is written as one printable character so that token
 * strings in {@code tokenizer.json} are plain text: the printable bytes {@code '!'..'~'},
 * {@code '¡'..'¬'} and {@code '®'..'ÿ'} stand for themselves, and the other 68 bytes (control
 * characters, space, DEL, NBSP, soft hyphen...) take the characters U+0100, U+0101, ... in
 * increasing byte order. So a space is {@code 'Ġ'} (U+0120) and a newline {@code 'Ċ'} (U+010A).
 */
final class ByteLevelTable {
    /** Byte value (0..255) to its character. */
    static final char[] BYTE_TO_CHAR = new char[256];
    /** Character to its byte value, or -1; indexed by char, covers every mapped char. */
    static final short[] CHAR_TO_BYTE;

    static {
        int next = 256;
        int maxChar = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) next++;
            BYTE_TO_CHAR[b] = c;
            maxChar = Math.max(maxChar, c);
        }
        CHAR_TO_BYTE = new short[maxChar + 1];
        java.util.Arrays.fill(CHAR_TO_BYTE, (short) -1);
        for (int b = 0; b < 256; b++) {
            CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = (short) b;
        }
    }

    private ByteLevelTable() {
    }

    /**
     * The bytes a byte-level token string stands for, or null when some character is not in
     * the table (then the token is not byte-level text, and Hugging Face's decoder falls back
     * to the string's own UTF-8).
     */
    static byte[] decode(String token) {
        byte[] out = new byte[token.length()];
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
            if (b < 0) {
                return null;
            }
            out[i] = (byte) b;
        }
        return out;
    }
}
