package dev.stencil.automata.regex;

import java.util.Arrays;

/**
 * Trims and minimises a {@link DfaTable}, and numbers the result canonically. Works on byte
 * classes throughout, so the cost scales with states × classes, not states × 256.
 *
 * <p>An acyclic automaton (bounded lengths, e.g. a JSON string with a maxLength) takes a shortcut
 * that does all three in linear time: {@link AcyclicMinimizer}. Otherwise:
 *
 * <ol>
 *   <li>Trim: keep only states reachable from the start that can still reach an accepting state;
 *       transitions into removed states become -1. The mask engine relies on this: a -1 is the
 *       only way a byte is rejected, so a live state must never be a trap.</li>
 *   <li>Hopcroft's partition refinement, with the byte classes as the alphabet. The trimmed
 *       automaton is partial; refining it as if the missing transitions went to an implicit dead
 *       state, kept in its own block and never used as a splitter, is exactly Hopcroft on the
 *       completed automaton (whose initial partition has the dead state alone, since every
 *       remaining state is live).</li>
 *   <li>Renumber by breadth-first search from the start, bytes in ascending order (class ids are
 *       ordered by smallest byte, so walking classes in id order is equivalent). Minimal DFAs of
 *       the same language are isomorphic, so with this numbering their flat tables are identical,
 *       which makes {@link ByteDfa#equals} a language-equality test.</li>
 * </ol>
 */
final class DfaMinimizer {
    private DfaMinimizer() {
    }

    static DfaTable minimize(DfaTable dfa) {
        DfaTable acyclic = AcyclicMinimizer.minimizeIfAcyclic(dfa);
        if (acyclic != null) {
            return acyclic;
        }
        DfaTable trimmed = trim(dfa);
        if (trimmed.stateCount <= 1) {
            return canonicalize(trimmed);
        }
        return canonicalize(refine(trimmed));
    }

    /** Always by Hopcroft refinement (for tests that check the acyclic shortcut against it). */
    static DfaTable minimizeByRefinement(DfaTable dfa) {
        DfaTable trimmed = trim(dfa);
        return canonicalize(trimmed.stateCount <= 1 ? trimmed : refine(trimmed));
    }

    private static DfaTable trim(DfaTable dfa) {
        int n = dfa.stateCount;
        int k = dfa.classCount;
        int[] t = dfa.table;
        boolean[] reachable = new boolean[n];
        int[] queue = new int[n];
        int head = 0;
        int tail = 0;
        reachable[dfa.start] = true;
        queue[tail++] = dfa.start;
        while (head < tail) {
            int s = queue[head++];
            for (int c = 0; c < k; c++) {
                int to = t[s * k + c];
                if (to >= 0 && !reachable[to]) {
                    reachable[to] = true;
                    queue[tail++] = to;
                }
            }
        }
        // predecessor lists (symbols not needed) for the backward search from accepting states
        int[] predOffsets = new int[n + 1];
        for (int s = 0; s < n; s++) {
            if (reachable[s]) {
                for (int c = 0; c < k; c++) {
                    int to = t[s * k + c];
                    if (to >= 0) {
                        predOffsets[to + 1]++;
                    }
                }
            }
        }
        for (int i = 1; i <= n; i++) {
            predOffsets[i] += predOffsets[i - 1];
        }
        int[] preds = new int[predOffsets[n]];
        int[] fill = Arrays.copyOf(predOffsets, n);
        for (int s = 0; s < n; s++) {
            if (reachable[s]) {
                for (int c = 0; c < k; c++) {
                    int to = t[s * k + c];
                    if (to >= 0) {
                        preds[fill[to]++] = s;
                    }
                }
            }
        }
        boolean[] live = new boolean[n];
        head = 0;
        tail = 0;
        for (int s = 0; s < n; s++) {
            if (reachable[s] && dfa.accepting[s]) {
                live[s] = true;
                queue[tail++] = s;
            }
        }
        while (head < tail) {
            int s = queue[head++];
            for (int i = predOffsets[s]; i < predOffsets[s + 1]; i++) {
                int p = preds[i];
                if (!live[p]) {
                    live[p] = true;
                    queue[tail++] = p;
                }
            }
        }
        if (!live[dfa.start]) {
            return DfaTable.emptyLanguage();
        }
        int[] newId = new int[n];
        int m = 0;
        for (int s = 0; s < n; s++) {
            newId[s] = live[s] ? m++ : -1;
        }
        int[] table = new int[m * k];
        boolean[] accepting = new boolean[m];
        for (int s = 0; s < n; s++) {
            if (live[s]) {
                int row = newId[s] * k;
                for (int c = 0; c < k; c++) {
                    int to = t[s * k + c];
                    table[row + c] = to >= 0 ? newId[to] : -1;
                }
                accepting[newId[s]] = dfa.accepting[s];
            }
        }
        return new DfaTable(m, newId[dfa.start], k, dfa.byteClass, table, accepting);
    }

    /** Hopcroft refinement over byte classes; returns the quotient automaton. */
    private static DfaTable refine(DfaTable dfa) {
        int n = dfa.stateCount;
        int k = dfa.classCount;
        int[] t = dfa.table;

        // inverse transitions grouped by target: (source, class) pairs
        int[] invOffsets = new int[n + 1];
        for (int i = 0; i < n * k; i++) {
            if (t[i] >= 0) {
                invOffsets[t[i] + 1]++;
            }
        }
        for (int i = 1; i <= n; i++) {
            invOffsets[i] += invOffsets[i - 1];
        }
        int edgeCount = invOffsets[n];
        int[] invSource = new int[edgeCount];
        int[] invSymbol = new int[edgeCount];
        int[] fill = Arrays.copyOf(invOffsets, n);
        for (int s = 0; s < n; s++) {
            for (int c = 0; c < k; c++) {
                int to = t[s * k + c];
                if (to >= 0) {
                    invSource[fill[to]] = s;
                    invSymbol[fill[to]++] = c;
                }
            }
        }

        Partition p = new Partition(n, dfa.accepting);
        // every block is pushed once, when created (or initially), so n slots suffice
        int[] work = new int[n];
        int workSize = 0;
        for (int b = 0; b < p.blockCount; b++) {
            work[workSize++] = b;
        }

        int[] symbolStart = new int[k + 1];
        int[] slot = new int[k];
        int[] predBySymbol = new int[edgeCount];
        int[] gatheredSource = new int[edgeCount];
        int[] gatheredSymbol = new int[edgeCount];
        int[] touched = new int[n];
        while (workSize > 0) {
            int splitter = work[--workSize];
            // gather all predecessors of the splitter before any split can reshuffle its members
            int g = 0;
            for (int i = p.first[splitter]; i < p.end[splitter]; i++) {
                int target = p.elems[i];
                for (int e = invOffsets[target]; e < invOffsets[target + 1]; e++) {
                    gatheredSource[g] = invSource[e];
                    gatheredSymbol[g++] = invSymbol[e];
                }
            }
            if (g == 0) {
                continue;
            }
            Arrays.fill(symbolStart, 0);
            for (int i = 0; i < g; i++) {
                symbolStart[gatheredSymbol[i] + 1]++;
            }
            for (int c = 1; c <= k; c++) {
                symbolStart[c] += symbolStart[c - 1];
            }
            System.arraycopy(symbolStart, 0, slot, 0, k);
            for (int i = 0; i < g; i++) {
                predBySymbol[slot[gatheredSymbol[i]]++] = gatheredSource[i];
            }
            for (int c = 0; c < k; c++) {
                int touchedCount = 0;
                for (int i = symbolStart[c]; i < symbolStart[c + 1]; i++) {
                    int block = p.mark(predBySymbol[i]);
                    if (block >= 0) {
                        touched[touchedCount++] = block;
                    }
                }
                for (int i = 0; i < touchedCount; i++) {
                    int created = p.split(touched[i]);
                    if (created >= 0) {
                        // the new block is the smaller half, which suffices whether or not the
                        // old block is still queued (if it is, both halves end up queued)
                        work[workSize++] = created;
                    }
                }
            }
        }

        int m = p.blockCount;
        int[] table = new int[m * k];
        boolean[] accepting = new boolean[m];
        for (int b = 0; b < m; b++) {
            int rep = p.elems[p.first[b]];
            accepting[b] = dfa.accepting[rep];
            for (int c = 0; c < k; c++) {
                int to = t[rep * k + c];
                table[b * k + c] = to >= 0 ? p.blockOf[to] : -1;
            }
        }
        return new DfaTable(m, p.blockOf[dfa.start], k, dfa.byteClass, table, accepting);
    }

    /**
     * Refinable partition (after Valmari): the elements of each block are contiguous in
     * {@code elems}; marking moves an element into the block's marked prefix in O(1).
     */
    private static final class Partition {
        final int[] elems;
        final int[] loc;
        final int[] blockOf;
        final int[] first;
        final int[] end;
        final int[] mid;
        int blockCount;

        Partition(int n, boolean[] accepting) {
            elems = new int[n];
            loc = new int[n];
            blockOf = new int[n];
            first = new int[n];
            end = new int[n];
            mid = new int[n];
            int i = 0;
            for (int pass = 0; pass < 2; pass++) {
                boolean wantAccepting = pass == 0;
                int begin = i;
                for (int s = 0; s < n; s++) {
                    if (accepting[s] == wantAccepting) {
                        elems[i] = s;
                        loc[s] = i++;
                        blockOf[s] = blockCount;
                    }
                }
                if (i > begin) {
                    first[blockCount] = begin;
                    mid[blockCount] = begin;
                    end[blockCount] = i;
                    blockCount++;
                }
            }
        }

        /** Marks s; returns its block if this was the block's first mark, else -1. */
        int mark(int s) {
            int b = blockOf[s];
            int i = loc[s];
            int j = mid[b];
            if (i < j) {
                return -1; // already marked
            }
            int other = elems[j];
            elems[j] = s;
            loc[s] = j;
            elems[i] = other;
            loc[other] = i;
            mid[b] = j + 1;
            return j == first[b] ? b : -1;
        }

        /** Splits b into marked and unmarked parts; returns the new (smaller) block, or -1 if none. */
        int split(int b) {
            if (mid[b] == end[b]) {
                mid[b] = first[b]; // everything marked: no split
                return -1;
            }
            int created = blockCount++;
            if (mid[b] - first[b] <= end[b] - mid[b]) {
                first[created] = first[b];
                end[created] = mid[b];
                first[b] = mid[b];
            } else {
                first[created] = mid[b];
                end[created] = end[b];
                end[b] = mid[b];
            }
            mid[b] = first[b];
            mid[created] = first[created];
            for (int i = first[created]; i < end[created]; i++) {
                blockOf[elems[i]] = created;
            }
            return created;
        }
    }

    /** Breadth-first renumbering from the start, classes (hence bytes) ascending; start becomes 0. */
    private static DfaTable canonicalize(DfaTable dfa) {
        int n = dfa.stateCount;
        int k = dfa.classCount;
        int[] newId = new int[n];
        Arrays.fill(newId, -1);
        int[] order = new int[n];
        int count = 0;
        newId[dfa.start] = count;
        order[count++] = dfa.start;
        for (int head = 0; head < count; head++) {
            int s = order[head];
            for (int c = 0; c < k; c++) {
                int to = dfa.table[s * k + c];
                if (to >= 0 && newId[to] < 0) {
                    newId[to] = count;
                    order[count++] = to;
                }
            }
        }
        int[] table = new int[count * k];
        boolean[] accepting = new boolean[count];
        for (int i = 0; i < count; i++) {
            int s = order[i];
            accepting[i] = dfa.accepting[s];
            for (int c = 0; c < k; c++) {
                int to = dfa.table[s * k + c];
                table[i * k + c] = to >= 0 ? newId[to] : -1;
            }
        }
        return new DfaTable(count, 0, k, dfa.byteClass, table, accepting);
    }
}
