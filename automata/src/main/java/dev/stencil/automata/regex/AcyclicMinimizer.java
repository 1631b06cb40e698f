package dev.stencil.automata.regex;

import java.util.Arrays;

/**
 * Minimisation of an acyclic trimmed automaton in linear time (Revuz's method): states are visited
 * so that every state comes after all of its successors, and a state is merged with an earlier one
 * when both agree on acceptance and, class by class, on the (already merged) targets.
 *
 * <p>That is exact only because the automaton has no cycle: two states are equivalent exactly when
 * their acceptance and their successors' equivalence classes agree, and without cycles the
 * successors' classes are final by the time a state is looked at. Length-bounded lexemes (a JSON
 * string with {@code maxLength}, and its products with patterns) are acyclic and have tens of
 * thousands of states, where this pass costs a fraction of Hopcroft's refinement.
 */
final class AcyclicMinimizer {
    private AcyclicMinimizer() {
    }

    /**
     * The minimal automaton of {@code dfa}'s language, trimmed and numbered canonically (as
     * {@link DfaMinimizer} does), or null if {@code dfa} has a cycle. {@code dfa} need not be
     * trimmed: dead states fall out with the merging, unreachable ones with the numbering.
     */
    static DfaTable minimizeIfAcyclic(DfaTable dfa) {
        int n = dfa.stateCount;
        int k = dfa.classCount;
        int[] t = dfa.table;
        // the one full pass over the table: gather each row's transitions (class, target), in class
        // order; large lexemes have a few per state among dozens of classes, and all later passes
        // walk these lists only
        int[] rowStart = new int[n + 1];
        int[] edgeClass = new int[Math.max(16, 2 * n)];
        int[] edgeTarget = new int[edgeClass.length];
        int[] predOffsets = new int[n + 1];
        int e = 0;
        for (int s = 0; s < n; s++) {
            rowStart[s] = e;
            int row = s * k;
            for (int c = 0; c < k; c++) {
                int to = t[row + c];
                if (to < 0) {
                    continue;
                }
                if (to == s) {
                    return null; // a loop: cyclic, and cheap to tell before any further pass
                }
                if (e == edgeClass.length) {
                    edgeClass = Arrays.copyOf(edgeClass, e * 2);
                    edgeTarget = Arrays.copyOf(edgeTarget, e * 2);
                }
                edgeClass[e] = c;
                edgeTarget[e++] = to;
                predOffsets[to + 1]++;
            }
        }
        rowStart[n] = e;
        for (int i = 1; i <= n; i++) {
            predOffsets[i] += predOffsets[i - 1];
        }
        int[] preds = new int[e];
        int[] fill = Arrays.copyOf(predOffsets, n);
        // successors not yet visited (one per edge)
        int[] pending = new int[n];
        for (int s = 0; s < n; s++) {
            pending[s] = rowStart[s + 1] - rowStart[s];
            for (int i = rowStart[s]; i < rowStart[s + 1]; i++) {
                preds[fill[edgeTarget[i]]++] = s;
            }
        }
        // Kahn's order from the sinks backwards: a state is queued once all its edges are visited
        int[] order = new int[n];
        int tail = 0;
        for (int s = 0; s < n; s++) {
            if (pending[s] == 0) {
                order[tail++] = s;
            }
        }
        for (int head = 0; head < tail; head++) {
            int s = order[head];
            for (int i = predOffsets[s]; i < predOffsets[s + 1]; i++) {
                if (--pending[preds[i]] == 0) {
                    order[tail++] = preds[i];
                }
            }
        }
        if (tail < n) {
            return null; // some state lies on a cycle
        }

        // signature table: open addressing over representative states, keyed by (accepting, the
        // (class, block) pairs of its live transitions); a state that does not accept and has no
        // live successor is dead: block -1, and transitions into it count as missing
        int capacity = Integer.highestOneBit(Math.max(16, n * 2 - 1)) << 1;
        int mask = capacity - 1;
        int[] slotState = new int[capacity];
        int[] slotHash = new int[capacity];
        Arrays.fill(slotState, -1);
        int[] blockOf = new int[n];
        int[] blockState = new int[n];
        int blocks = 0;
        boolean[] accepting = dfa.accepting;
        for (int i = 0; i < n; i++) {
            int s = order[i];
            boolean live = accepting[s];
            int h = live ? 1 : 0;
            for (int j = rowStart[s]; j < rowStart[s + 1]; j++) {
                int b = blockOf[edgeTarget[j]];
                if (b >= 0) {
                    live = true;
                    h = (h * 31 + edgeClass[j]) * 31 + b;
                }
            }
            if (!live) {
                blockOf[s] = -1;
                continue;
            }
            h ^= h >>> 16;
            int slot = (h * 0x9E3779B9) & mask;
            while (true) {
                int r = slotState[slot];
                if (r < 0) {
                    slotState[slot] = s;
                    slotHash[slot] = h;
                    blockOf[s] = blocks;
                    blockState[blocks++] = s;
                    break;
                }
                if (slotHash[slot] == h && accepting[r] == accepting[s]
                        && sameLiveEdges(rowStart, edgeClass, edgeTarget, blockOf, r, s)) {
                    blockOf[s] = blockOf[r];
                    break;
                }
                slot = (slot + 1) & mask;
            }
        }
        if (blockOf[dfa.start] < 0) {
            return DfaTable.emptyLanguage();
        }

        // the quotient, numbered canonically as DfaMinimizer does: breadth first from the start,
        // classes ascending; blocks not reachable from the start are left out
        int[] newId = new int[blocks];
        Arrays.fill(newId, -1);
        int[] queue = new int[blocks];
        int count = 0;
        newId[blockOf[dfa.start]] = count;
        queue[count++] = blockOf[dfa.start];
        int[] table = new int[blocks * k];
        Arrays.fill(table, -1);
        for (int head = 0; head < count; head++) {
            int s = blockState[queue[head]];
            int out = head * k;
            for (int j = rowStart[s]; j < rowStart[s + 1]; j++) {
                int b = blockOf[edgeTarget[j]];
                if (b < 0) {
                    continue;
                }
                if (newId[b] < 0) {
                    newId[b] = count;
                    queue[count++] = b;
                }
                table[out + edgeClass[j]] = newId[b];
            }
        }
        boolean[] blockAccepting = new boolean[count];
        for (int i = 0; i < count; i++) {
            blockAccepting[i] = accepting[blockState[queue[i]]];
        }
        return new DfaTable(count, 0, k, dfa.byteClass, count == blocks ? table : Arrays.copyOf(table, count * k),
                blockAccepting);
    }

    /** Whether states r and s have the same live transitions: the same classes to the same blocks. */
    private static boolean sameLiveEdges(int[] rowStart, int[] edgeClass, int[] edgeTarget, int[] blockOf, int r,
            int s) {
        int i = rowStart[r];
        int j = rowStart[s];
        int iEnd = rowStart[r + 1];
        int jEnd = rowStart[s + 1];
        while (true) {
            while (i < iEnd && blockOf[edgeTarget[i]] < 0) {
                i++;
            }
            while (j < jEnd && blockOf[edgeTarget[j]] < 0) {
                j++;
            }
            if (i == iEnd || j == jEnd) {
                return i == iEnd && j == jEnd;
            }
            if (edgeClass[i] != edgeClass[j] || blockOf[edgeTarget[i]] != blockOf[edgeTarget[j]]) {
                return false;
            }
            i++;
            j++;
        }
    }
}
