package dev.stencil.automata.mask;

import dev.stencil.automata.lexer.LexerAutomaton;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A canonical description of everything {@link TokenClassifier#classify} reads from a lexer
 * state, so that equal signatures give the same {@link TokenClasses} up to the renaming of
 * emit-set and winner-set ids. It lets grammars share classifications: every JSON Schema with a
 * plain string property has the same "inside a string" state, although each grammar numbers its
 * lexer states and emit sets its own way.
 *
 * <p>The classifier walks the vocabulary trie from the state, reading {@code trans} of states at
 * walk depth below the trie's maximum depth {@code D} and the emit / complete / winner flags of
 * every state it reaches. The signature is the breadth-first exploration from the state, states
 * numbered in discovery order (bytes visited in ascending order), cut at depth {@code D}: flags
 * of every discovered state, transitions of those discovered above depth {@code D}, and
 * emit-set / winner-set ids renamed in order of first appearance. Two states with equal
 * signatures have isomorphic explorations, so every trie walk from one corresponds step by step
 * to a walk from the other. The depth cut is what makes counted lexemes share: inside a string
 * with {@code maxLength: 255}, every state with at least {@code D} characters left looks alike.
 */
final class LexerStateSignature {
    /** Signatures beyond this many discovered states are not worth keeping (the walk is cheaper). */
    static final int MAX_STATES = 4096;

    private final int[] code;
    private final int hash;
    /** Local emit-set id -> this grammar's emit-set id. */
    final int[] emitOfLocal;
    /** Local winner-set id -> this grammar's winner-set id (ANTLR-style lexing), else empty. */
    final int[] winnerOfLocal;
    private final Map<Integer, Integer> localOfEmit;
    private final Map<Integer, Integer> localOfWinner;

    /** Local state id (discovery order) -> this grammar's lexer state. */
    private final int[] stateOfLocal;
    private final IntIntMap localOfState;

    private LexerStateSignature(int[] code, int[] emitOfLocal, int[] winnerOfLocal, Map<Integer, Integer> localOfEmit,
            Map<Integer, Integer> localOfWinner, int[] stateOfLocal, IntIntMap localOfState) {
        this.code = code;
        this.stateOfLocal = stateOfLocal;
        this.localOfState = localOfState;
        this.hash = Arrays.hashCode(code);
        this.emitOfLocal = emitOfLocal;
        this.winnerOfLocal = winnerOfLocal;
        this.localOfEmit = localOfEmit;
        this.localOfWinner = localOfWinner;
    }

    /**
     * The signature of lexer state {@code start}, or null when more than {@link #MAX_STATES}
     * states are in reach (then the state is classified without sharing).
     *
     * @param depth the vocabulary trie's maximum depth (longest token in bytes)
     * @param lexesAll whether winner sets matter (ANTLR-style lexing)
     */
    static LexerStateSignature of(LexerAutomaton lexer, int start, int depth, boolean lexesAll) {
        return of(lexer, start, depth, lexesAll, MAX_STATES);
    }

    /** As {@link #of(LexerAutomaton, int, int, boolean)}, giving up beyond {@code maxStates} states. */
    static LexerStateSignature of(LexerAutomaton lexer, int start, int depth, boolean lexesAll, int maxStates) {
        int[] emit = lexer.emits();
        boolean[] complete = lexer.completes();
        int[] reach = lexesAll ? lexer.reachableWinners() : null;
        IntIntMap local = new IntIntMap();
        Map<Integer, Integer> localOfEmit = new HashMap<>();
        Map<Integer, Integer> localOfWinner = new HashMap<>();
        int[] queue = new int[16];
        int[] queueDepth = new int[16];
        int head = 0;
        int tail = 0;
        queue[tail] = start;
        queueDepth[tail++] = 0;
        local.put(start, 0);
        IntBuffer out = new IntBuffer();
        out.add(lexesAll ? 1 : 0);
        out.add(depth);
        while (head < tail) {
            int s = queue[head];
            int d = queueDepth[head++];
            out.add(emit[s] < 0 ? -1 : localOfEmit.computeIfAbsent(emit[s], k -> localOfEmit.size()));
            out.add(complete[s] ? 1 : 0);
            if (reach != null) {
                out.add(localOfWinner.computeIfAbsent(reach[s], k -> localOfWinner.size()));
            }
            if (d >= depth) {
                continue; // the walk never reads transitions this deep
            }
            // transitions as runs of equal targets: (first byte of the run, local target)
            int[] row = lexer.transitionRuns(s);
            for (int r = 0; r < row.length; r += 2) {
                int t = row[r + 1];
                int lt = -1;
                if (t >= 0) {
                    lt = local.get(t);
                    if (lt < 0) {
                        if (tail == maxStates) {
                            return null;
                        }
                        lt = tail;
                        local.put(t, lt);
                        if (tail == queue.length) {
                            queue = Arrays.copyOf(queue, tail * 2);
                            queueDepth = Arrays.copyOf(queueDepth, tail * 2);
                        }
                        queue[tail] = t;
                        queueDepth[tail++] = d + 1;
                    }
                }
                out.add(row[r]);
                out.add(lt);
            }
            out.add(256); // end of this state's runs
        }
        return new LexerStateSignature(out.toArray(), inverse(localOfEmit), inverse(localOfWinner), localOfEmit,
                localOfWinner, Arrays.copyOf(queue, tail), local);
    }

    private static int[] inverse(Map<Integer, Integer> localOf) {
        int[] out = new int[localOf.size()];
        localOf.forEach((global, l) -> out[l] = global);
        return out;
    }

    /** This grammar's lexer state for local state id {@code local}. */
    int globalState(int local) {
        return stateOfLocal[local];
    }

    /** The local id of this grammar's lexer state {@code global} (it must have been discovered). */
    int localState(int global) {
        int l = localOfState.get(global);
        if (l < 0) {
            throw new IllegalStateException("lexer state " + global + " is outside the signature");
        }
        return l;
    }

    /** This grammar's emit-set id {@code global} as a local id (it must be in reach of the state). */
    int localEmit(int global) {
        return localOfEmit.get(global);
    }

    int globalEmit(int local) {
        return emitOfLocal[local];
    }

    /** This grammar's winner-set id {@code global} as a local id (ANTLR-style lexing only). */
    int localWinner(int global) {
        return localOfWinner.get(global);
    }

    int globalWinner(int local) {
        return winnerOfLocal[local];
    }

    /** The classes with this grammar's ids replaced by local ones (to store in a shared cache). */
    TokenClasses toLocal(TokenClasses tc) {
        return rename(tc, this::localEmit, this::localWinner);
    }

    /** Classes stored by a state with an equal signature, with ids renamed to this grammar's. */
    TokenClasses toGlobal(TokenClasses local) {
        return rename(local, this::globalEmit, this::globalWinner);
    }

    private static TokenClasses rename(TokenClasses tc, java.util.function.IntUnaryOperator emits,
            java.util.function.IntUnaryOperator winners) {
        int[] emitIds = new int[tc.emitIds.length];
        for (int g = 0; g < emitIds.length; g++) {
            emitIds[g] = emits.applyAsInt(tc.emitIds[g]);
        }
        int rootEmit = tc.rootEmit < 0 ? -1 : emits.applyAsInt(tc.rootEmit);
        int[] winnerIds = null;
        if (tc.winnerIds != null) {
            winnerIds = new int[tc.winnerIds.length];
            for (int g = 0; g < winnerIds.length; g++) {
                winnerIds[g] = winners.applyAsInt(tc.winnerIds[g]);
            }
        }
        int[] fallbackEmitIds = new int[tc.fallbackEmitIds.length];
        for (int g = 0; g < fallbackEmitIds.length; g++) {
            fallbackEmitIds[g] = emits.applyAsInt(tc.fallbackEmitIds[g]);
        }
        return new TokenClasses(tc.accept, tc.acceptCount, emitIds, tc.suffixes, tc.segments, tc.atBoundary, rootEmit,
                tc.rootFilter, tc.dependentCount, winnerIds, tc.winnerGroups, fallbackEmitIds, tc.fallbackSuffixes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LexerStateSignature s && s.hash == hash && Arrays.equals(s.code, code);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Heap held by the signature's code (for the cache's budget). */
    long heapBytes() {
        return 4L * code.length + 64;
    }

    /** Non-negative int keys to non-negative values, open addressing; {@code get} answers -1 when absent. */
    private static final class IntIntMap {
        int[] keys = new int[32];
        int[] values = new int[32];
        int size;

        IntIntMap() {
            Arrays.fill(keys, -1);
        }

        int get(int k) {
            int mask = keys.length - 1;
            for (int i = mix(k) & mask; ; i = (i + 1) & mask) {
                if (keys[i] == k) {
                    return values[i];
                }
                if (keys[i] < 0) {
                    return -1;
                }
            }
        }

        void put(int k, int v) {
            if ((size + 1) * 2 > keys.length) {
                int[] oldKeys = keys;
                int[] oldValues = values;
                keys = new int[oldKeys.length * 2];
                values = new int[oldKeys.length * 2];
                Arrays.fill(keys, -1);
                size = 0;
                for (int i = 0; i < oldKeys.length; i++) {
                    if (oldKeys[i] >= 0) {
                        put(oldKeys[i], oldValues[i]);
                    }
                }
            }
            int mask = keys.length - 1;
            int i = mix(k) & mask;
            while (keys[i] >= 0 && keys[i] != k) {
                i = (i + 1) & mask;
            }
            if (keys[i] < 0) {
                size++;
            }
            keys[i] = k;
            values[i] = v;
        }

        private static int mix(int k) {
            int h = k * 0x9E3779B9;
            return h ^ (h >>> 16);
        }
    }

    private static final class IntBuffer {
        int[] a = new int[256];
        int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
