package dev.stencil.automata.mask;

import java.util.Arrays;

/**
 * A trie of byte strings laid out in depth-first order in flat arrays, the shape every mask walk
 * wants: visiting node {@code i} means "the string of node i's depth is a prefix of some token";
 * when the lexer rejects node {@code i}'s byte, {@code skip[i]} jumps past its whole subtree, so
 * a prefix shared by ten thousand tokens is lexed once and rejected once.
 *
 * <p>Node 0 is the root (empty string). For node {@code i > 0}: {@code label[i]} is its last byte,
 * {@code depth[i]} its length, {@code skip[i]} the index after its subtree, and the ids of the
 * strings that end exactly there are {@code ids[idStart[i] .. idStart[i + 1])}.
 */
public final class ByteTrie {
    final byte[] label;
    final int[] depth;
    final int[] skip;
    final int[] idStart;
    final int[] ids;
    final int maxDepth;

    private ByteTrie(byte[] label, int[] depth, int[] skip, int[] idStart, int[] ids, int maxDepth) {
        this.label = label;
        this.depth = depth;
        this.skip = skip;
        this.idStart = idStart;
        this.ids = ids;
        this.maxDepth = maxDepth;
    }

    /**
     * Builds the trie of {@code strings[k]} with id {@code ids[k]} (empty strings are ignored;
     * equal strings share a node and keep all their ids).
     */
    public static ByteTrie build(byte[][] strings, int[] stringIds) {
        Integer[] order = new Integer[strings.length];
        int n = 0;
        for (int k = 0; k < strings.length; k++) {
            if (strings[k] != null && strings[k].length > 0) {
                order[n++] = k;
            }
        }
        order = Arrays.copyOf(order, n);
        Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(strings[a], strings[b]));

        // Upper bound on nodes: total bytes + root.
        long total = 1;
        int maxDepth = 0;
        for (Integer k : order) {
            total += strings[k].length;
            maxDepth = Math.max(maxDepth, strings[k].length);
        }
        int cap = (int) Math.min(total, Integer.MAX_VALUE - 8);
        byte[] label = new byte[cap];
        int[] depth = new int[cap];
        int[] skip = new int[cap];
        int[] idCount = new int[cap];
        int[] nodeOfString = new int[n];
        int[] pathNode = new int[maxDepth + 1]; // node index at each depth of the current path
        int nodes = 1;
        byte[] prev = new byte[0];
        for (int r = 0; r < n; r++) {
            byte[] s = strings[order[r]];
            int common = 0;
            int lim = Math.min(prev.length, s.length);
            while (common < lim && prev[common] == s[common]) {
                common++;
            }
            for (int d = common + 1; d <= s.length; d++) {
                label[nodes] = s[d - 1];
                depth[nodes] = d;
                pathNode[d] = nodes;
                nodes++;
            }
            int node = s.length == 0 ? 0 : pathNode[s.length];
            nodeOfString[r] = node;
            idCount[node]++;
            prev = s;
        }
        label = Arrays.copyOf(label, nodes);
        depth = Arrays.copyOf(depth, nodes);
        skip = Arrays.copyOf(skip, nodes);
        // skip[i]: the first later node whose depth is <= depth[i] (a stack pass from the right).
        int[] stack = new int[maxDepth + 2];
        int sp = 0;
        for (int i = nodes - 1; i >= 0; i--) {
            while (sp > 0 && depth[stack[sp - 1]] > depth[i]) {
                sp--;
            }
            skip[i] = sp == 0 ? nodes : stack[sp - 1];
            // a later node at the same depth is shadowed by i for every earlier query
            while (sp > 0 && depth[stack[sp - 1]] >= depth[i]) {
                sp--;
            }
            stack[sp++] = i;
        }
        skip[0] = nodes;
        int[] idStart = new int[nodes + 1];
        for (int i = 0; i < nodes; i++) {
            idStart[i + 1] = idStart[i] + idCount[i];
        }
        int[] fill = Arrays.copyOf(idStart, nodes);
        int[] ids = new int[n];
        for (int r = 0; r < n; r++) {
            ids[fill[nodeOfString[r]]++] = stringIds[order[r]];
        }
        return new ByteTrie(label, depth, skip, idStart, ids, maxDepth);
    }

    /** Last byte of node {@code i} (i > 0). */
    public int label(int i) {
        return label[i] & 0xff;
    }

    /** Length of node {@code i}'s string. */
    public int depth(int i) {
        return depth[i];
    }

    /** The node after node {@code i}'s whole subtree (depth-first order): where a walk goes when it rejects node i. */
    public int skip(int i) {
        return skip[i];
    }

    /** First index into {@link #id} of the strings that end exactly at node {@code i}; they run to {@code idStart(i + 1)}. */
    public int idStart(int i) {
        return idStart[i];
    }

    /** The string id at index {@code k} (see {@link #idStart}). */
    public int id(int k) {
        return ids[k];
    }

    public int nodeCount() {
        return label.length;
    }

    public int maxDepth() {
        return maxDepth;
    }

    /** Approximate heap use in bytes. */
    public long heapBytes() {
        return label.length + 4L * (depth.length + skip.length + idStart.length + ids.length);
    }
}
