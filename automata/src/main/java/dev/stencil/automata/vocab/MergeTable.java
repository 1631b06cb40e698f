package dev.stencil.automata.vocab;

import java.util.Arrays;

/**
 * BPE merges as an open-addressing hash table from a pair of token ids to the merge's rank and
 * the id of the merged token. Keys are packed into one {@code long} so a lookup in the encoder's
 * inner loop touches two primitive arrays and allocates nothing.
 */
final class MergeTable {
    private static final long EMPTY = -1L; // never a key: both ids are non-negative
    private final long[] keys;
    private final int[] ranks;
    private final int[] merged;
    private final int mask;

    MergeTable(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
        keys = new long[cap];
        Arrays.fill(keys, EMPTY);
        ranks = new int[cap];
        merged = new int[cap];
        mask = cap - 1;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        // MurmurHash3's 64-bit finalizer, so both ids reach the low bits the mask keeps.
        long h = key;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return (int) h & mask;
    }

    /** Adds or replaces a merge; a later duplicate wins, as when Hugging Face builds its map. */
    void put(int left, int right, int rank, int mergedId) {
        long k = key(left, right);
        int i = slot(k);
        while (keys[i] != EMPTY && keys[i] != k) {
            i = (i + 1) & mask;
        }
        keys[i] = k;
        ranks[i] = rank;
        merged[i] = mergedId;
    }

    /** The slot of the merge of {@code left} then {@code right}, or -1 if the pair never merges. */
    int find(int left, int right) {
        long k = key(left, right);
        int i = slot(k);
        long cur;
        while ((cur = keys[i]) != EMPTY) {
            if (cur == k) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    int rank(int slot) {
        return ranks[slot];
    }

    int mergedId(int slot) {
        return merged[slot];
    }
}
