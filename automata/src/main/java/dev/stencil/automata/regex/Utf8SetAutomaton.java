package dev.stencil.automata.regex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The minimal acyclic byte automaton accepting exactly the UTF-8 encodings of one
 * {@link CodePointSet}. {@link ByteNfa} stamps a copy of it wherever the set occurs in a regex, so
 * a large class such as {@code \p{L}} costs a few hundred states per occurrence instead of one
 * chain per range.
 *
 * <p>Built as a trie of the set's {@link Utf8Sequences} boxes, then minimised by merging nodes with
 * identical outgoing edges bottom-up (the standard construction for acyclic automata: in a DAG,
 * nodes with equal right languages have equal canonical edge lists once their children are merged).
 * Node 0 is the single accepting node; it has no outgoing edges.
 */
final class Utf8SetAutomaton {
    static final int ACCEPT = 0;

    /** Start node; equal to no edges when the set is empty. */
    final int root;
    /** Per node: lo, hi, target triples with disjoint, ascending byte ranges. */
    final int[][] edges;

    private Utf8SetAutomaton(int root, int[][] edges) {
        this.root = root;
        this.edges = edges;
    }

    int nodeCount() {
        return edges.length;
    }

    /** Process-wide: the same sets (one JSON-encoded character, hex digits, \\p classes) recur in every compile. */
    private static final Map<CodePointSet, Utf8SetAutomaton> SHARED = new ConcurrentHashMap<>();
    /** Past this many distinct sets the cache starts over, so odd patterns cannot grow it without bound. */
    private static final int SHARED_LIMIT = 4096;

    /** {@link #of}, shared across compiles (instances are immutable). */
    static Utf8SetAutomaton shared(CodePointSet set) {
        Utf8SetAutomaton known = SHARED.get(set);
        if (known != null) {
            return known;
        }
        if (SHARED.size() >= SHARED_LIMIT) {
            SHARED.clear();
        }
        Utf8SetAutomaton built = of(set);
        SHARED.putIfAbsent(set, built);
        return built;
    }

    static Utf8SetAutomaton of(CodePointSet set) {
        TrieNode trie = new TrieNode();
        for (int[] box : Utf8Sequences.of(set)) {
            insert(trie, box);
        }
        Canonicalizer c = new Canonicalizer();
        int root = c.canonical(trie);
        return new Utf8SetAutomaton(root, c.nodes.toArray(new int[0][]));
    }

    private static final class TrieNode {
        final List<int[]> ranges = new ArrayList<>(); // lo, hi
        final List<TrieNode> children = new ArrayList<>(); // null child = accept
    }

    private static void insert(TrieNode root, int[] box) {
        TrieNode node = root;
        int length = box.length / 2;
        for (int k = 0; k < length; k++) {
            int lo = box[2 * k];
            int hi = box[2 * k + 1];
            boolean last = k == length - 1;
            int n = node.ranges.size();
            // boxes arrive in ascending order, so a shared prefix can only be the newest edge
            if (n > 0) {
                int[] prev = node.ranges.get(n - 1);
                if (prev[0] == lo && prev[1] == hi && !last && node.children.get(n - 1) != null) {
                    node = node.children.get(n - 1);
                    continue;
                }
                if (lo <= prev[1]) {
                    throw new IllegalStateException("overlapping UTF-8 boxes at byte " + lo);
                }
            }
            TrieNode child = last ? null : new TrieNode();
            node.ranges.add(new int[] {lo, hi});
            node.children.add(child);
            node = child;
        }
    }

    private static final class Canonicalizer {
        final List<int[]> nodes = new ArrayList<>();
        final Map<Key, Integer> ids = new HashMap<>();

        Canonicalizer() {
            nodes.add(new int[0]); // ACCEPT
        }

        int canonical(TrieNode node) {
            int[] out = new int[3 * node.ranges.size()];
            int n = 0;
            for (int i = 0; i < node.ranges.size(); i++) {
                TrieNode child = node.children.get(i);
                int target = child == null ? ACCEPT : canonical(child);
                int lo = node.ranges.get(i)[0];
                int hi = node.ranges.get(i)[1];
                // adjacent ranges into the same node collapse, which both shrinks and canonicalises
                if (n > 0 && out[n - 1] == target && out[n - 2] + 1 == lo) {
                    out[n - 2] = hi;
                } else {
                    out[n++] = lo;
                    out[n++] = hi;
                    out[n++] = target;
                }
            }
            int[] edges = Arrays.copyOf(out, n);
            return ids.computeIfAbsent(new Key(edges), k -> {
                nodes.add(edges);
                return nodes.size() - 1;
            });
        }
    }

    private record Key(int[] edges) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(edges, k.edges);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(edges);
        }

        @Override
        public String toString() {
            return Arrays.toString(edges);
        }
    }
}
