package dev.stencil.automata.regex;

import dev.stencil.automata.GrammarException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Determinises a {@link ByteNfa} by the subset construction.
 *
 * <p>A DFA state is identified by the NFA states with byte edges in its ε-closure plus whether the
 * closure contains the accepting state; ε-only states are dropped from the key because they do not
 * influence any future transition, which merges subsets that differ only in bookkeeping. Transitions
 * are computed per elementary byte interval (bounded by the edges' endpoints) rather than per byte,
 * and stored per byte class (see {@link DfaTable}).
 */
final class SubsetConstruction {
    private final ByteNfa nfa;
    private final int maxStates;
    private final Supplier<String> description;
    private final int[] stamp;
    private int generation;
    private int[] stack;

    /** Open addressing from closure hash to DFA state id, -1 for empty; at most half full. */
    private int[] slotId = filled(64, -1);
    private int[] slotHash = new int[64];
    /** The byte-edge states of the last closure and its summary (see {@link #closure}). */
    private int[] kept = new int[16];
    private int keptCount;
    private boolean keptAccepts;
    private int keptHash;
    private final List<int[]> subsets = new ArrayList<>();
    private final int[] byteClass;
    private final int classCount;
    private boolean[] accepting = new boolean[64];
    private int[] table;

    private static int[] filled(int n, int value) {
        int[] a = new int[n];
        Arrays.fill(a, value);
        return a;
    }

    private SubsetConstruction(ByteNfa nfa, int maxStates, Supplier<String> description) {
        this.nfa = nfa;
        this.maxStates = maxStates;
        this.description = description;
        this.stamp = new int[nfa.stateCount];
        this.stack = new int[Math.max(16, nfa.stateCount)];
        // global byte classes: runs between all edge endpoints; every state's intervals are unions of them
        boolean[] cut = new boolean[256];
        for (int e = 0; e < nfa.rangeLo.length; e++) {
            cut[nfa.rangeLo[e]] = true;
            if (nfa.rangeHi[e] < 255) {
                cut[nfa.rangeHi[e] + 1] = true;
            }
        }
        this.byteClass = DfaTable.classesFromCuts(cut);
        this.classCount = byteClass[255] + 1;
        this.table = new int[64 * classCount];
    }

    /**
     * @throws GrammarException if more than {@code maxStates} DFA states would be created
     */
    static DfaTable determinize(ByteNfa nfa, int maxStates, Supplier<String> description) {
        return new SubsetConstruction(nfa, maxStates, description).run();
    }

    private DfaTable run() {
        closure(new int[] {nfa.start}, 1);
        int start = internClosure();
        int[] seeds = new int[16];
        long[] starts = new long[16];
        long[] ends = new long[16];
        int[] active = new int[16];
        // position of each active edge in active[], indexed by NFA edge
        int[] activePos = new int[nfa.rangeLo.length];
        // subsets grows while we walk it: each new state is processed exactly once, in creation order
        for (int state = 0; state < subsets.size(); state++) {
            int[] subset = subsets.get(state);
            int edgeCount = 0;
            for (int q : subset) {
                edgeCount += nfa.rangeOffsets[q + 1] - nfa.rangeOffsets[q];
            }
            if (starts.length < edgeCount) {
                int size = Math.max(edgeCount, starts.length * 2);
                starts = new long[size];
                ends = new long[size];
                active = new int[size];
                seeds = new int[size];
            }
            // sweep the byte axis: edges (as indices into the NFA's edge arrays) sorted by where they
            // start and by where they end; between two consecutive endpoints the active edges are
            // exactly the ones covering that interval, found without rescanning every edge
            int ne = 0;
            for (int q : subset) {
                for (int e = nfa.rangeOffsets[q]; e < nfa.rangeOffsets[q + 1]; e++) {
                    starts[ne] = ((long) nfa.rangeLo[e] << 32) | e;
                    ends[ne++] = ((long) (nfa.rangeHi[e] + 1) << 32) | e;
                }
            }
            Arrays.sort(starts, 0, ne);
            Arrays.sort(ends, 0, ne);
            int rowBase = state * classCount;
            int activeCount = 0;
            int si = 0;
            int ei = 0;
            while (si < ne || activeCount > 0) {
                // the next endpoint: the smaller of the next start and the next end
                int x = si < ne ? (int) (starts[si] >>> 32) : Integer.MAX_VALUE;
                if (ei < ne) {
                    x = Math.min(x, (int) (ends[ei] >>> 32));
                }
                while (ei < ne && (int) (ends[ei] >>> 32) == x) {
                    int e = (int) ends[ei++];
                    int at = activePos[e];
                    int last = active[--activeCount];
                    active[at] = last;
                    activePos[last] = at;
                }
                while (si < ne && (int) (starts[si] >>> 32) == x) {
                    int e = (int) starts[si++];
                    activePos[e] = activeCount;
                    active[activeCount++] = e;
                }
                if (activeCount == 0) {
                    continue;
                }
                int nextStart = si < ne ? (int) (starts[si] >>> 32) : 256;
                int nextEnd = (int) (ends[ei] >>> 32); // some active edge still has to end
                int hi = Math.min(nextStart, nextEnd) - 1;
                for (int i = 0; i < activeCount; i++) {
                    seeds[i] = nfa.rangeTargets[active[i]];
                }
                closure(seeds, activeCount);
                if (keptCount == 0 && !keptAccepts) {
                    continue; // a subset that can neither move nor accept is the dead state: leave -1
                }
                int target = internClosure();
                Arrays.fill(table, rowBase + byteClass[x], rowBase + byteClass[hi] + 1, target);
            }
        }
        int n = subsets.size();
        return new DfaTable(n, start, classCount, byteClass, Arrays.copyOf(table, n * classCount),
                Arrays.copyOf(accepting, n));
    }

    /**
     * ε-closure of the seeds: its byte-edge states go to {@link #kept} (in no particular order),
     * with their count, whether the accepting state is in it, and an order-independent hash.
     * Afterwards {@code stamp[q] == generation} exactly for the states of the closure, which is what
     * {@link #internClosure} compares stored subsets against, so no closure is ever sorted.
     */
    private void closure(int[] seeds, int count) {
        generation++;
        int sp = 0;
        for (int i = 0; i < count; i++) {
            if (stamp[seeds[i]] != generation) {
                stamp[seeds[i]] = generation;
                stack[sp++] = seeds[i];
            }
        }
        int nk = 0;
        int hash = 0;
        boolean accepts = false;
        while (sp > 0) {
            int q = stack[--sp];
            if (q == nfa.accept) {
                accepts = true;
            }
            if (nfa.rangeOffsets[q + 1] > nfa.rangeOffsets[q]) {
                if (nk == kept.length) {
                    kept = Arrays.copyOf(kept, nk * 2);
                }
                kept[nk++] = q;
                hash += mix(q);
            }
            for (int e = nfa.epsOffsets[q]; e < nfa.epsOffsets[q + 1]; e++) {
                int t = nfa.epsTargets[e];
                if (stamp[t] != generation) {
                    stamp[t] = generation;
                    stack[sp++] = t;
                }
            }
        }
        keptCount = nk;
        keptAccepts = accepts;
        keptHash = hash * 31 + (accepts ? 1 : 0);
    }

    private static int mix(int q) {
        int h = q * 0x9E3779B9;
        return h ^ (h >>> 15);
    }

    /** The DFA state of the closure just computed, created if new. */
    private int internClosure() {
        int mask = slotId.length - 1;
        int slot = (keptHash * 0x85EBCA6B) >>> 7 & mask;
        for (int id = slotId[slot]; id >= 0; slot = (slot + 1) & mask, id = slotId[slot]) {
            if (slotHash[slot] == keptHash && accepting[id] == keptAccepts && sameAsClosure(subsets.get(id))) {
                return id;
            }
        }
        int n = subsets.size();
        if (n >= maxStates) {
            throw new GrammarException("Regex " + description.get() + " is too large to compile: its byte DFA would exceed "
                    + maxStates + " states (reduce repetition counts or large Unicode classes inside repetitions)");
        }
        if (n == accepting.length) {
            accepting = Arrays.copyOf(accepting, n * 2);
            table = Arrays.copyOf(table, n * 2 * classCount);
        }
        Arrays.fill(table, n * classCount, (n + 1) * classCount, -1);
        accepting[n] = keptAccepts;
        subsets.add(Arrays.copyOf(kept, keptCount));
        slotId[slot] = n;
        slotHash[slot] = keptHash;
        if (2 * (n + 1) > slotId.length) {
            rehash();
        }
        return n;
    }

    /** Whether a stored subset has the closure's byte-edge states: as many, all stamped by it. */
    private boolean sameAsClosure(int[] subset) {
        if (subset.length != keptCount) {
            return false;
        }
        for (int q : subset) {
            if (stamp[q] != generation) {
                return false;
            }
        }
        return true;
    }

    private void rehash() {
        int[] oldId = slotId;
        int[] oldHash = slotHash;
        slotId = new int[oldId.length * 2];
        slotHash = new int[oldId.length * 2];
        Arrays.fill(slotId, -1);
        int mask = slotId.length - 1;
        for (int i = 0; i < oldId.length; i++) {
            if (oldId[i] >= 0) {
                int slot = (oldHash[i] * 0x85EBCA6B) >>> 7 & mask;
                while (slotId[slot] >= 0) {
                    slot = (slot + 1) & mask;
                }
                slotId[slot] = oldId[i];
                slotHash[slot] = oldHash[i];
            }
        }
    }
}
