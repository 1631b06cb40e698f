package dev.stencil.automata.regex;

import java.util.ArrayList;
import java.util.List;

/**
 * Translates a {@link CodePointSet} into UTF-8 byte-range sequences: a list of "boxes", each a
 * sequence of 1 to 4 byte ranges, such that the UTF-8 encodings of the set's members are exactly
 * the byte strings matching one of the boxes. Boxes come out in ascending code point order, and at
 * every position the ranges of two boxes with equal prefixes are either identical or disjoint, so
 * they can be inserted into a trie directly (see {@link Utf8SetAutomaton}).
 *
 * <p>Method: split each code point range where the encoded length changes (0x7F, 0x7FF, 0xFFFF);
 * then, within one length, split again until every range is a product of byte ranges, i.e. the
 * low 6k bits of its bounds run over their full span whenever the higher bits differ. The set never
 * contains surrogates, so no box encodes one, and since boxes are built from real encodings, none
 * is overlong.
 */
final class Utf8Sequences {
    private Utf8Sequences() {
    }

    private static final int[] LENGTH_LIMITS = {0x7F, 0x7FF, 0xFFFF};

    /** Each element holds lo0, hi0, lo1, hi1, ... for one box. */
    static List<int[]> of(CodePointSet set) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < set.rangeCount(); i++) {
            split(set.rangeLo(i), set.rangeHi(i), out);
        }
        return out;
    }

    private static void split(int lo, int hi, List<int[]> out) {
        for (int limit : LENGTH_LIMITS) {
            if (lo <= limit && hi > limit) {
                split(lo, limit, out);
                split(limit + 1, hi, out);
                return;
            }
        }
        int length = encodedLength(lo);
        for (int i = 1; i < length; i++) {
            int mask = (1 << (6 * i)) - 1;
            if ((lo & ~mask) != (hi & ~mask)) {
                // the bounds differ above the low 6i bits, so those bits must span 0..mask fully
                if ((lo & mask) != 0) {
                    split(lo, lo | mask, out);
                    split((lo | mask) + 1, hi, out);
                    return;
                }
                if ((hi & mask) != mask) {
                    split(lo, (hi & ~mask) - 1, out);
                    split(hi & ~mask, hi, out);
                    return;
                }
            }
        }
        byte[] a = encode(lo);
        byte[] b = encode(hi);
        int[] box = new int[2 * length];
        for (int k = 0; k < length; k++) {
            box[2 * k] = a[k] & 0xFF;
            box[2 * k + 1] = b[k] & 0xFF;
        }
        out.add(box);
    }

    static int encodedLength(int cp) {
        return cp <= 0x7F ? 1 : cp <= 0x7FF ? 2 : cp <= 0xFFFF ? 3 : 4;
    }

    static byte[] encode(int cp) {
        switch (encodedLength(cp)) {
            case 1:
                return new byte[] {(byte) cp};
            case 2:
                return new byte[] {(byte) (0xC0 | cp >> 6), (byte) (0x80 | cp & 0x3F)};
            case 3:
                return new byte[] {(byte) (0xE0 | cp >> 12), (byte) (0x80 | cp >> 6 & 0x3F),
                    (byte) (0x80 | cp & 0x3F)};
            default:
                return new byte[] {(byte) (0xF0 | cp >> 18), (byte) (0x80 | cp >> 12 & 0x3F),
                    (byte) (0x80 | cp >> 6 & 0x3F), (byte) (0x80 | cp & 0x3F)};
        }
    }
}
