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
        // successors not yet visited, and predecessor lists (one entry per edge)
        int[] pending = new int[n];
        int[] predOffsets = new int[n + 1];
        for (int s = 0; s < n; s++) {
            int row = s * k;
            for (int c = 0; c < k; c++) {
                int to = t[row + c];
                if (to == s) {
                    return null; // a loop: cyclic, and cheap to tell before any further pass
                }
                if (to >= 0) {
                    pending[s]++;
                    predOffsets[to + 1]++;
                }
            }
        }
        for (int i = 1; i <= n; i++) {
            predOffsets[i] += predOffsets[i - 1];
        }
        int[] preds = new int[predOffsets[n]];
        int[] fill = Arrays.copyOf(predOffsets, n);
        for (int s = 0; s < n; s++) {
            int row = s * k;
            for (int c = 0; c < k; c++) {
                int to = t[row + c];
                if (to >= 0) {
                    preds[fill[to]++] = s;
                }
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

        // signature table: open addressing over representative states, keyed by (accepting, merged row);
        // a state none of whose successors is live, and that does not accept, is dead: block -1
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
            int row = s * k;
            boolean live = accepting[s];
            int h = live ? 1 : 0;
            for (int c = 0; c < k; c++) {
                int to = t[row + c];
                int b = to < 0 ? -1 : blockOf[to];
                live |= b >= 0;
                h = h * 31 + b;
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
                if (slotHash[slot] == h && sameSignature(t, k, accepting, blockOf, r, s)) {
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
        for (int head = 0; head < count; head++) {
            int s = blockState[queue[head]];
            int out = head * k;
            for (int c = 0; c < k; c++) {
                int to = t[s * k + c];
                int b = to < 0 ? -1 : blockOf[to];
                if (b >= 0 && newId[b] < 0) {
                    newId[b] = count;
                    queue[count++] = b;
                }
                table[out + c] = b < 0 ? -1 : newId[b];
            }
        }
        boolean[] blockAccepting = new boolean[count];
        for (int i = 0; i < count; i++) {
            blockAccepting[i] = accepting[blockState[queue[i]]];
        }
        return new DfaTable(count, 0, k, dfa.byteClass, Arrays.copyOf(table, count * k), blockAccepting);
    }

    private static boolean sameSignature(int[] t, int k, boolean[] accepting, int[] blockOf, int r, int s) {
        if (accepting[r] != accepting[s]) {
            return false;
        }
        for (int c = 0; c < k; c++) {
            int a = t[r * k + c];
            int b = t[s * k + c];
            if ((a < 0 ? -1 : blockOf[a]) != (b < 0 ? -1 : blockOf[b])) {
                return false;
            }
        }
        return true;
    }
}
