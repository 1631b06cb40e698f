package dev.stencil.automata.regex;

import java.util.Arrays;

/**
 * A deterministic byte automaton in compressed array form, passed between the construction
 * stages (subset construction, product construction, minimisation).
 *
 * <p>Bytes are grouped into classes that every state treats alike, and the transition table has
 * one column per class: row {@code s} is {@code table[s*classCount .. s*classCount+classCount-1]},
 * -1 meaning no transition. Typical lexemes need a few dozen classes, so the stages touch an
 * order of magnitude less memory than a 256-column table would; only {@link ByteDfa} expands to the
 * flat form its callers index by byte. Class ids are numbered in order of their smallest byte, so
 * walking classes in id order visits targets in the same first-seen order as walking bytes 0..255.
 */
final class DfaTable {
    final int stateCount;
    final int start;
    final int classCount;
    /** Byte (0..255) to class id. */
    final int[] byteClass;
    final int[] table;
    final boolean[] accepting;

    DfaTable(int stateCount, int start, int classCount, int[] byteClass, int[] table, boolean[] accepting) {
        this.stateCount = stateCount;
        this.start = start;
        this.classCount = classCount;
        this.byteClass = byteClass;
        this.table = table;
        this.accepting = accepting;
    }

    int next(int state, int byteClassId) {
        return table[state * classCount + byteClassId];
    }

    /** The transition table with one column per byte: {@code state * 256 + byte}. */
    int[] expand() {
        // fill whole runs of same-class bytes at once: a few dozen fills per row instead of 256 stores
        int[] runStart = new int[257];
        int runs = 0;
        for (int b = 0; b < 256; b++) {
            if (b == 0 || byteClass[b] != byteClass[b - 1]) {
                runStart[runs++] = b;
            }
        }
        runStart[runs] = 256;
        int[] flat = new int[stateCount * 256];
        for (int s = 0; s < stateCount; s++) {
            int row = s * classCount;
            int out = s * 256;
            for (int r = 0; r < runs; r++) {
                int value = table[row + byteClass[runStart[r]]];
                if (value != 0) {
                    Arrays.fill(flat, out + runStart[r], out + runStart[r + 1], value);
                }
            }
        }
        return flat;
    }

    /** Compresses a flat {@code state * 256 + byte} table; classes are maximal runs of alike bytes. */
    static DfaTable fromFlat(int stateCount, int start, int[] flat, boolean[] accepting) {
        boolean[] cut = new boolean[256];
        cut[0] = true;
        for (int s = 0; s < stateCount; s++) {
            int row = s * 256;
            for (int b = 1; b < 256; b++) {
                if (flat[row + b] != flat[row + b - 1]) {
                    cut[b] = true;
                }
            }
        }
        int[] byteClass = classesFromCuts(cut);
        int k = byteClass[255] + 1;
        int[] table = new int[stateCount * k];
        for (int s = 0; s < stateCount; s++) {
            for (int b = 0; b < 256; b++) {
                table[s * k + byteClass[b]] = flat[s * 256 + b];
            }
        }
        return new DfaTable(stateCount, start, k, byteClass, table, accepting);
    }

    /** Byte classes that are the runs between cut points; cut[b] means a new class starts at b. */
    static int[] classesFromCuts(boolean[] cut) {
        int[] byteClass = new int[256];
        int c = -1;
        for (int b = 0; b < 256; b++) {
            if (b == 0 || cut[b]) {
                c++;
            }
            byteClass[b] = c;
        }
        return byteClass;
    }

    /**
     * The common refinement of two class partitions, numbered by smallest byte: returns the new
     * byte-to-class map and stores, per new class, the class it lies in on each side.
     */
    static int[] refineClasses(int[] leftByteClass, int leftCount, int[] rightByteClass, int rightCount,
            int[] leftOf, int[] rightOf) {
        int[] byteClass = new int[256];
        int[] pairId = new int[leftCount * rightCount];
        Arrays.fill(pairId, -1);
        int k = 0;
        for (int b = 0; b < 256; b++) {
            int key = leftByteClass[b] * rightCount + rightByteClass[b];
            if (pairId[key] < 0) {
                pairId[key] = k;
                leftOf[k] = leftByteClass[b];
                rightOf[k] = rightByteClass[b];
                k++;
            }
            byteClass[b] = pairId[key];
        }
        return byteClass;
    }

    /** The automaton of the empty language: one non-accepting start state without transitions. */
    static DfaTable emptyLanguage() {
        int[] table = {-1};
        return new DfaTable(1, 0, 1, new int[256], table, new boolean[1]);
    }

    /** Smallest byte of each class (classes are numbered in order of it). */
    int[] classRepresentatives() {
        int[] rep = new int[classCount];
        Arrays.fill(rep, -1);
        for (int b = 0; b < 256; b++) {
            if (rep[byteClass[b]] < 0) {
                rep[byteClass[b]] = b;
            }
        }
        return rep;
    }
}
