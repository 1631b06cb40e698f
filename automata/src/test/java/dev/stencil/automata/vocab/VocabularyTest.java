package dev.stencil.automata.vocab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Vocabulary loading on GPT-2's tokenizer.json from the test resources. */
class VocabularyTest {
    private static Vocabulary gpt2;

    @BeforeAll
    static void load() {
        gpt2 = Vocabulary.load(TestTokenizers.gpt2());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void sizeNameAndKind() {
        assertEquals(50257, gpt2.size());
        assertEquals("gpt2", gpt2.name());
        assertTrue(gpt2.isByteLevel());
        assertFalse(gpt2.stripsLeadingSpace());
    }

    @Test
    void byteLevelCharactersMapToTheirBytes() {
        assertArrayEquals(utf8(" the"), gpt2.bytes(gpt2.tokenId("Ġthe")));
        assertEquals(262, gpt2.tokenId("Ġthe"));
        assertArrayEquals(utf8("\n"), gpt2.bytes(gpt2.tokenId("Ċ")));
        assertArrayEquals(utf8("\n\n"), gpt2.bytes(gpt2.tokenId("ĊĊ")));
        assertArrayEquals(utf8("\t"), gpt2.bytes(gpt2.tokenId("ĉ")));
        assertArrayEquals(utf8("Hello"), gpt2.bytes(15496));
        assertArrayEquals(utf8("\":"), gpt2.bytes(1298));
        // "Ã©" is how the table spells the two bytes of "é"
        assertArrayEquals(utf8("é"), gpt2.bytes(gpt2.tokenId("Ã©")));
        // U+0000 is byte 0, spelled 'Ā' (U+0100), the first non-printable byte's character
        assertArrayEquals(new byte[] {0}, gpt2.bytes(gpt2.tokenId("Ā")));
        // the soft hyphen byte 0xAD is not printable in GPT-2's table: it is the last remapped one, 'Ń'
        assertArrayEquals(new byte[] {(byte) 0xAD}, gpt2.bytes(gpt2.tokenId("Ń")));
        assertArrayEquals(new byte[] {(byte) 0xFF}, gpt2.bytes(gpt2.tokenId("ÿ")));
    }

    @Test
    void partialUtf8TokensKeepTheirRawBytes() {
        // "ĠðŁĺ" is the space plus the first three bytes of 😀 (F0 9F 98 80); "Ģ" is the last byte.
        assertArrayEquals(new byte[] {' ', (byte) 0xF0, (byte) 0x9F, (byte) 0x98}, gpt2.bytes(30325));
        assertArrayEquals(new byte[] {(byte) 0x80}, gpt2.bytes(222));
    }

    @Test
    void everyByteHasExactlyOneSingleByteToken() {
        Set<Integer> seen = new HashSet<>();
        for (int id = 0; id < gpt2.size(); id++) {
            byte[] b = gpt2.bytes(id);
            if (b.length == 1 && !gpt2.isSpecial(id)) {
                assertTrue(seen.add(b[0] & 0xFF), "byte " + (b[0] & 0xFF) + " twice");
            }
        }
        assertEquals(256, seen.size());
    }

    @Test
    void endOfTextIsSpecialAndEos() {
        assertEquals(50256, gpt2.eosTokenId());
        assertTrue(gpt2.isSpecial(50256));
        assertArrayEquals(utf8("<|endoftext|>"), gpt2.bytes(50256));
        assertEquals("<|endoftext|>", gpt2.token(50256));
        int special = 0;
        for (int id = 0; id < gpt2.size(); id++) {
            if (gpt2.isSpecial(id)) {
                special++;
            }
        }
        assertEquals(1, special);
    }

    @Test
    void bytesReturnsACopy() {
        byte[] a = gpt2.bytes(262);
        a[0] = 'X';
        assertArrayEquals(utf8(" the"), gpt2.bytes(262));
        assertNotSame(gpt2.bytes(262), gpt2.bytes(262));
    }

    @Test
    void unknownTokenStringHasNoId() {
        assertEquals(-1, gpt2.tokenId("no such token, surely"));
        assertEquals(-1, gpt2.tokenId("<0x0A>"));
    }

    @Test
    void byteTableMatchesGpt2Definition() {
        // printable bytes stand for themselves, the others take U+0100.. in byte order
        assertEquals('!', ByteLevelTable.BYTE_TO_CHAR['!']);
        assertEquals('\u0100', ByteLevelTable.BYTE_TO_CHAR[0]);
        assertEquals('\u0120', ByteLevelTable.BYTE_TO_CHAR[' ']);
        assertEquals('\u010A', ByteLevelTable.BYTE_TO_CHAR['\n']);
        assertEquals('\u0121', ByteLevelTable.BYTE_TO_CHAR[0x7F]);
        assertEquals('\u0142', ByteLevelTable.BYTE_TO_CHAR[0xA0]);
        assertEquals('\u0143', ByteLevelTable.BYTE_TO_CHAR[0xAD]);
        for (int b = 0; b < 256; b++) {
            assertEquals(b, ByteLevelTable.CHAR_TO_BYTE[ByteLevelTable.BYTE_TO_CHAR[b]]);
        }
    }
}
