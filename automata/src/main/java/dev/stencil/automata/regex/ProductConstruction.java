package dev.stencil.automata.regex;

import dev.stencil.automata.GrammarException;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Synchronous product of two byte DFAs, for intersection, union and relative complement. Each
 * product state is a pair (p, q) where either side may be -1 ("that automaton has rejected"); only
 * pairs reachable from the start pair are built, and transitions are computed per pair of operand
 * byte classes. The caller minimises the result.
 */
final class ProductConstruction {
    private ProductConstruction() {
    }

    /** How a pair's acceptance follows from its components' acceptance (false for a -1 side). */
    enum Mode {
        INTERSECTION {
            @Override
            boolean accepts(boolean left, boolean right) {
                return left && right;
            }
        },
        UNION {
            @Override
            boolean accepts(boolean left, boolean right) {
                return left || right;
            }
        },
        /** left minus right: the complement of right within the universe left. */
        DIFFERENCE {
            @Override
            boolean accepts(boolean left, boolean right) {
                return left && !right;
            }
        };

        abstract boolean accepts(boolean left, boolean right);

        /** Whether a pair with this side dead can still accept, i.e. is worth exploring. */
        boolean keepsLeftDead() {
            return this == UNION;
        }

        boolean keepsRightDead() {
            return this != INTERSECTION;
        }
    }

    static DfaTable product(DfaTable left, DfaTable right, Mode mode, int maxStates,
            Supplier<String> description) {
        // product byte classes: pairs of operand classes, numbered by smallest byte (see DfaTable)
        int[] byteClass = new int[256];
        int[] pairId = new int[left.classCount * right.classCount];
        Arrays.fill(pairId, -1);
        int[] leftClass = new int[256];
        int[] rightClass = new int[256];
        int k = 0;
        for (int b = 0; b < 256; b++) {
            int key = left.byteClass[b] * right.classCount + right.byteClass[b];
            if (pairId[key] < 0) {
                pairId[key] = k;
                leftClass[k] = left.byteClass[b];
                rightClass[k] = right.byteClass[b];
                k++;
            }
            byteClass[b] = pairId[key];
        }

        LongIntMap ids = new LongIntMap(64);
        long[] pairs = new long[64];
        int[] table = new int[64 * k];
        boolean[] accepting = new boolean[64];
        int count = 0;

        long startPair = pack(left.start, right.start);
        ids.put(startPair, 0);
        pairs[count++] = startPair;
        for (int state = 0; state < count; state++) {
            int p = (int) (pairs[state] >> 32);
            int q = (int) pairs[state];
            accepting[state] = mode.accepts(p >= 0 && left.accepting[p], q >= 0 && right.accepting[q]);
            for (int c = 0; c < k; c++) {
                int np = p >= 0 ? left.next(p, leftClass[c]) : -1;
                int nq = q >= 0 ? right.next(q, rightClass[c]) : -1;
                boolean dead = (np < 0 && nq < 0) || (np < 0 && !mode.keepsLeftDead())
                        || (nq < 0 && !mode.keepsRightDead());
                int target = -1;
                if (!dead) {
                    long pair = pack(np, nq);
                    int id = ids.get(pair);
                    if (id < 0) {
                        if (count >= maxStates) {
                            throw new GrammarException("The " + mode.name().toLowerCase(Locale.ROOT) + " of "
                                    + description.get() + " is too large: its product automaton would exceed " + maxStates
                                    + " states");
                        }
                        if (count == pairs.length) {
                            pairs = Arrays.copyOf(pairs, count * 2);
                            table = Arrays.copyOf(table, count * 2 * k);
                            accepting = Arrays.copyOf(accepting, count * 2);
                        }
                        id = count;
                        pairs[count++] = pair;
                        ids.put(pair, id);
                    }
                    target = id;
                }
                table[state * k + c] = target;
            }
        }
        return new DfaTable(count, 0, k, byteClass, Arrays.copyOf(table, count * k), Arrays.copyOf(accepting, count));
    }

    private static long pack(int p, int q) {
        return ((long) p << 32) | (q & 0xFFFFFFFFL);
    }
}
