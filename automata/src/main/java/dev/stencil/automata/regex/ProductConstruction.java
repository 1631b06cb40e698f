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

        // Sparse rows: most states of large lexemes (mid-UTF-8, mid-escape, a counter's chain) have a
        // transition on a few classes only, so each pair visits the live classes of one side and the
        // product classes inside them, not all k product classes.
        // per operand state, filled in when a pair first needs it: products often visit few of them
        int[][] leftLive = new int[left.stateCount][];
        int[][] rightLive = new int[right.stateCount][];
        int[] scratch = new int[Math.max(left.classCount, right.classCount)];
        int[][] leftExpansion = expansions(leftClass, k, left.classCount);
        int[][] rightExpansion = expansions(rightClass, k, right.classCount);

        Builder b = new Builder(k, mode, maxStates, description);
        b.intern(pack(left.start, right.start));
        for (int state = 0; state < b.count; state++) {
            int p = (int) (b.pairs[state] >> 32);
            int q = (int) b.pairs[state];
            b.accepting[state] = mode.accepts(p >= 0 && left.accepting[p], q >= 0 && right.accepting[q]);
            int row = state * k;
            Arrays.fill(b.table, row, row + k, -1);
            int[] pLive = p >= 0 ? liveClasses(left, p, leftLive, scratch) : null;
            int[] qLive = q >= 0 ? liveClasses(right, q, rightLive, scratch) : null;
            if (mode == Mode.INTERSECTION && pLive.length > qLive.length) {
                // walk the sparser side: q's live classes, checking p on each product class
                for (int rc : qLive) {
                    int nq = right.next(q, rc);
                    for (int c : rightExpansion[rc]) {
                        int np = left.next(p, leftClass[c]);
                        if (np >= 0) {
                            b.set(row + c, pack(np, nq));
                        }
                    }
                }
                continue;
            }
            if (p >= 0) {
                for (int lc : pLive) {
                    int np = left.next(p, lc);
                    for (int c : leftExpansion[lc]) {
                        int nq = q >= 0 ? right.next(q, rightClass[c]) : -1;
                        if (nq >= 0 || mode.keepsRightDead()) {
                            b.set(row + c, pack(np, nq));
                        }
                    }
                }
            }
            if (q >= 0 && mode.keepsLeftDead()) {
                // union: the classes where only the right side goes on
                for (int rc : qLive) {
                    int nq = right.next(q, rc);
                    for (int c : rightExpansion[rc]) {
                        if (p < 0 || left.next(p, leftClass[c]) < 0) {
                            b.set(row + c, pack(-1, nq));
                        }
                    }
                }
            }
        }
        int count = b.count;
        return new DfaTable(count, 0, k, byteClass, Arrays.copyOf(b.table, count * k),
                Arrays.copyOf(b.accepting, count));
    }

    /** The classes on which state s of d has a transition, ascending; computed once per state. */
    private static int[] liveClasses(DfaTable d, int s, int[][] memo, int[] scratch) {
        int[] known = memo[s];
        if (known != null) {
            return known;
        }
        int k = d.classCount;
        int n = 0;
        for (int c = 0; c < k; c++) {
            if (d.table[s * k + c] >= 0) {
                scratch[n++] = c;
            }
        }
        memo[s] = Arrays.copyOf(scratch, n);
        return memo[s];
    }

    /** Per operand class, the product classes inside it. */
    private static int[][] expansions(int[] operandClass, int k, int operandCount) {
        int[] counts = new int[operandCount];
        for (int c = 0; c < k; c++) {
            counts[operandClass[c]]++;
        }
        int[][] out = new int[operandCount][];
        for (int oc = 0; oc < operandCount; oc++) {
            out[oc] = new int[counts[oc]];
            counts[oc] = 0;
        }
        for (int c = 0; c < k; c++) {
            int oc = operandClass[c];
            out[oc][counts[oc]++] = c;
        }
        return out;
    }

    /** The pairs found so far, their ids and rows. */
    private static final class Builder {
        final int k;
        final Mode mode;
        final int maxStates;
        final Supplier<String> description;
        final LongIntMap ids = new LongIntMap(64);
        long[] pairs = new long[64];
        int[] table;
        boolean[] accepting = new boolean[64];
        int count;
        // neighbouring product classes usually lead to the same pair: skip the hash lookup then
        long lastPair = Long.MIN_VALUE;
        int lastId = -1;

        Builder(int k, Mode mode, int maxStates, Supplier<String> description) {
            this.k = k;
            this.mode = mode;
            this.maxStates = maxStates;
            this.description = description;
            this.table = new int[64 * k];
        }

        /** Stores the id of {@code pair} at {@code index}; the table may grow while interning, so not inline. */
        void set(int index, long pair) {
            int id = intern(pair);
            table[index] = id;
        }

        int intern(long pair) {
            if (pair == lastPair) {
                return lastId;
            }
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
            lastPair = pair;
            lastId = id;
            return id;
        }
    }

    private static long pack(int p, int q) {
        return ((long) p << 32) | (q & 0xFFFFFFFFL);
    }
}
