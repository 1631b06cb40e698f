package dev.stencil.automata.regex;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Case-insensitive closure of code point sets, used by {@link RegexParser} when the
 * case-insensitive flag is set.
 *
 * <p>Two code points are case variants when one is reachable from the other through any chain of
 * {@link Character#toUpperCase(int)} / {@link Character#toLowerCase(int)} mappings, taken in either
 * direction. This is the equivalence that the JDK's one-to-one (simple) case mappings induce; it
 * puts, for example, k, K and KELVIN SIGN (U+212A) in one class, and s, S and LONG S (U+017F) in
 * another, much as ECMAScript's {@code /iu} does.
 *
 * <p>Limits, by design: multi-character foldings (ß ↔ SS, ﬁ ↔ FI) are not applied, because a
 * set of single code points cannot express them; locale-specific rules (Turkish dotted/dotless i)
 * are not applied, and the closure is transitive, so i, I, U+0130 and U+0131 end up in a single class.
 * The case data is that of the running JDK's {@link Character} tables.
 */
final class CaseFolding {
    private CaseFolding() {
    }

    /** Built once on first use: scanning all code points costs a few milliseconds. */
    private static final class Table {
        /** Sorted code points that have at least one other case variant. */
        static final int[] CASED;
        /** For CASED[i], all members of its class (including itself). */
        static final int[][] CLASS_OF;

        static {
            Map<Integer, Integer> parent = new HashMap<>();
            for (int cp = 0; cp <= CodePointSet.MAX_CODE_POINT; cp++) {
                if (cp == CodePointSet.SURROGATE_MIN) {
                    cp = CodePointSet.SURROGATE_MAX;
                    continue;
                }
                int upper = Character.toUpperCase(cp);
                int lower = Character.toLowerCase(cp);
                if (upper != cp) {
                    union(parent, cp, upper);
                }
                if (lower != cp) {
                    union(parent, cp, lower);
                }
            }
            Map<Integer, int[]> members = new HashMap<>();
            for (Integer cp : parent.keySet()) {
                int root = find(parent, cp);
                int[] list = members.getOrDefault(root, new int[0]);
                int[] grown = Arrays.copyOf(list, list.length + 1);
                grown[list.length] = cp;
                members.put(root, grown);
            }
            int[] cased = parent.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
            int[][] classes = new int[cased.length][];
            for (int i = 0; i < cased.length; i++) {
                classes[i] = members.get(find(parent, cased[i]));
            }
            CASED = cased;
            CLASS_OF = classes;
        }

        private static int find(Map<Integer, Integer> parent, int x) {
            int root = x;
            while (parent.get(root) != root) {
                root = parent.get(root);
            }
            // path compression keeps later finds short
            while (x != root) {
                int next = parent.get(x);
                parent.put(x, root);
                x = next;
            }
            return root;
        }

        private static void union(Map<Integer, Integer> parent, int a, int b) {
            parent.putIfAbsent(a, a);
            parent.putIfAbsent(b, b);
            int ra = find(parent, a);
            int rb = find(parent, b);
            if (ra != rb) {
                parent.put(ra, rb);
            }
        }
    }

    /** {@code set} plus every case variant of each member. */
    static CodePointSet close(CodePointSet set) {
        int[] cased = Table.CASED;
        CodePointSet.Builder b = new CodePointSet.Builder().addAll(set);
        for (int r = 0; r < set.rangeCount(); r++) {
            int lo = set.rangeLo(r);
            int hi = set.rangeHi(r);
            // only cased code points inside the range can contribute anything new
            int i = Arrays.binarySearch(cased, lo);
            if (i < 0) {
                i = -i - 1;
            }
            for (; i < cased.length && cased[i] <= hi; i++) {
                for (int variant : Table.CLASS_OF[i]) {
                    b.add(variant, variant);
                }
            }
        }
        return b.build();
    }
}
