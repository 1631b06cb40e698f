package dev.stencil.automata.mask;

import dev.stencil.automata.lexer.LexerAutomaton;
import java.util.Arrays;

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
    /**
     * Signatures beyond this many discovered states are not worth keeping (the walk is cheaper).
     * Lexer rows are tabulated on first use, so an exploration that gives up has tabulated the
     * rows it visited for nothing: full JSONSchemaBench runs, interleaved, read mask p99 256.8 /
     * 268.4 µs at 1,024 against 276.1 / 275.4 at 4,096.
     */
    static final int MAX_STATES = 1024;

    /** The canonical exploration; null for {@linkplain #interned interned} signatures (then see {@link #sharedId}). */
    private final int[] code;
    private final int hash;
    /** Local emit-set id -> this grammar's emit-set id. */
    final int[] emitOfLocal;
    /** Local winner-set id -> this grammar's winner-set id (ANTLR-style lexing), else empty. */
    final int[] winnerOfLocal;

    /** Local state id (discovery order) -> this grammar's lexer state. */
    private final int[] stateOfLocal;
    /** The inverse of {@link #stateOfLocal}, built on first use (only when classes are stored). */
    private IntIntMap localOfState;
    /** This signature's id in the vocabulary's shared table of signatures ({@link #interned}), else -1. */
    private final int sharedId;

    private LexerStateSignature(int[] code, int hash, int[] emitOfLocal, int[] winnerOfLocal, int[] stateOfLocal,
            int sharedId) {
        this.code = code;
        this.stateOfLocal = stateOfLocal;
        this.hash = hash;
        this.emitOfLocal = emitOfLocal;
        this.winnerOfLocal = winnerOfLocal;
        this.sharedId = sharedId;
    }

    /**
     * The signature of lexer state {@code start} cut at {@code depth} bytes, with its code (the
     * whole-state classifications are keyed by it), or null when more than {@code maxStates}
     * states are in reach (then the state is classified without sharing).
     *
     * <p>A first-use mask computes dozens of signatures (one per distinct state after a first
     * byte), each exploring a few hundred states, so the exploration runs on per-thread scratch
     * arrays indexed by state id (stamped, never cleared) instead of hash maps: it was the largest
     * part of first-use masks in schema grammars, and its allocations the largest share of garbage.
     *
     * @param depth how far the classifier can read: the vocabulary trie's maximum depth for a
     *     whole state, a subtree's depth for {@link #interned}
     * @param lexesAll whether winner sets matter (ANTLR-style lexing)
     */
    static LexerStateSignature of(LexerAutomaton lexer, int start, int depth, boolean lexesAll, int maxStates) {
        Scratch sc = SCRATCH.get();
        int n = explore(sc, lexer, start, depth, lexesAll, maxStates);
        if (n < 0) {
            return null;
        }
        int[] code = Arrays.copyOf(sc.code, n);
        return new LexerStateSignature(code, hash(code, n), Arrays.copyOf(sc.emitOrder, sc.emits),
                Arrays.copyOf(sc.winnerOrder, sc.winners), Arrays.copyOf(sc.queue, sc.tail), -1);
    }

    /**
     * The signature of {@code start} cut at {@code depth}, numbered in {@code shared}'s table of
     * signatures ({@link #sharedId}), or null beyond {@link #MAX_STATES} states (then the subtree
     * is walked without sharing). The code is
     * compared in place and copied only when it is new to the table: subtree signatures are
     * computed dozens of times per first-use mask and run to thousands of ints.
     */
    static LexerStateSignature interned(LexerAutomaton lexer, int start, int depth, boolean lexesAll,
            SharedTokenClasses shared) {
        Scratch sc = SCRATCH.get();
        int n = explore(sc, lexer, start, depth, lexesAll, MAX_STATES);
        if (n < 0) {
            return null;
        }
        int h = hash(sc.code, n);
        int id = shared.signatureId(sc.code, n, h);
        return new LexerStateSignature(null, h, Arrays.copyOf(sc.emitOrder, sc.emits),
                Arrays.copyOf(sc.winnerOrder, sc.winners), Arrays.copyOf(sc.queue, sc.tail), id);
    }

    /**
     * Breadth-first exploration from {@code start} into {@code sc}: the code in {@code sc.code}
     * (its length returned), states in discovery order in {@code sc.queue[0, sc.tail)}, emit and
     * winner sets in order of appearance; -1 beyond {@code maxStates} states.
     */
    private static int explore(Scratch sc, LexerAutomaton lexer, int start, int depth, boolean lexesAll,
            int maxStates) {
        LexerAutomaton.Tables tables = lexer.tables();
        int[] emit = tables.emit;
        boolean[] complete = tables.complete;
        int[] reach = lexesAll ? lexer.reachableWinners() : null;
        int stamp = sc.next();
        int[] seen = sc.seen;
        int[] local = sc.local;
        int[] queue = sc.queue;
        int[] queueDepth = sc.queueDepth;
        int head = 0;
        int tail = 0;
        queue[tail] = start;
        queueDepth[tail++] = 0;
        if (start >= seen.length) {
            sc.growStates(start + 1);
            seen = sc.seen;
            local = sc.local;
        }
        seen[start] = stamp;
        local[start] = 0;
        int[] out = sc.code;
        int n = 0;
        out[n++] = lexesAll ? 1 : 0;
        out[n++] = depth;
        int emits = 0;
        int winners = 0;
        while (head < tail) {
            int s = queue[head];
            int d = queueDepth[head++];
            if (d < depth && !tables.ready(s)) {
                tables = lexer.ensureRow(s); // rows are tabulated on first use
                emit = tables.emit;
                complete = tables.complete;
            }
            int[] row = d >= depth ? null : tables.transitionRuns(s);
            // room for this state's flags and runs (3 ints + 2 per run + the end marker)
            int need = n + 4 + (row == null ? 0 : row.length);
            if (need > out.length) {
                out = sc.code = Arrays.copyOf(out, Math.max(need, out.length * 2));
            }
            int e = emit[s];
            if (e >= sc.emitSeen.length) {
                sc.growEmits(e + 1);
            }
            if (e < 0) {
                out[n++] = -1;
            } else {
                if (sc.emitSeen[e] != stamp) {
                    sc.emitSeen[e] = stamp;
                    sc.emitLocal[e] = emits;
                    sc.emitOrder = add(sc.emitOrder, emits++, e);
                }
                out[n++] = sc.emitLocal[e];
            }
            out[n++] = complete[s] ? 1 : 0;
            if (reach != null) {
                int w = reach[s];
                int l = sc.winnerIndex(w, winners);
                if (l < 0) {
                    sc.winnerOrder = add(sc.winnerOrder, winners, w);
                    l = winners++;
                }
                out[n++] = l;
            }
            if (row == null) {
                continue; // the walk never reads transitions this deep
            }
            // transitions as runs of equal targets: (first byte of the run, local target)
            for (int r = 0; r < row.length; r += 2) {
                int t = row[r + 1];
                int lt = -1;
                if (t >= 0) {
                    if (t >= seen.length) {
                        sc.growStates(t + 1);
                        seen = sc.seen;
                        local = sc.local;
                    }
                    if (seen[t] == stamp) {
                        lt = local[t];
                    } else {
                        if (tail == maxStates) {
                            return -1;
                        }
                        lt = tail;
                        seen[t] = stamp;
                        local[t] = lt;
                        if (tail == queue.length) {
                            queue = sc.queue = Arrays.copyOf(queue, tail * 2);
                            queueDepth = sc.queueDepth = Arrays.copyOf(queueDepth, tail * 2);
                        }
                        queue[tail] = t;
                        queueDepth[tail++] = d + 1;
                    }
                }
                out[n++] = row[r];
                out[n++] = lt;
            }
            out[n++] = 256; // end of this state's runs
        }
        sc.tail = tail;
        sc.emits = emits;
        sc.winners = winners;
        return n;
    }

    /**
     * A hash of the whole code in four independent lanes: signatures run to thousands of ints,
     * and {@code Arrays.hashCode}'s single multiply chain made hashing a visible part of
     * first-use masks.
     */
    static int hash(int[] code, int length) {
        int h0 = 1;
        int h1 = 7;
        int h2 = 11;
        int h3 = 13;
        int i = 0;
        for (; i + 3 < length; i += 4) {
            h0 = 31 * h0 + code[i];
            h1 = 37 * h1 + code[i + 1];
            h2 = 41 * h2 + code[i + 2];
            h3 = 43 * h3 + code[i + 3];
        }
        for (; i < length; i++) {
            h0 = 31 * h0 + code[i];
        }
        int h = h0 * 0x9E3779B9 + h1 * 0x85EBCA6B + h2 * 0xC2B2AE35 + h3 + length;
        return h ^ (h >>> 16);
    }

    private static int[] add(int[] a, int i, int v) {
        if (i == a.length) {
            a = Arrays.copyOf(a, a.length * 2);
        }
        a[i] = v;
        return a;
    }

    /** Exploration scratch of one thread, reused across signatures and grammars. */
    private static final class Scratch {
        int[] seen = new int[0];
        int[] local = new int[0];
        int[] emitSeen = new int[0];
        int[] emitLocal = new int[0];
        int[] emitOrder = new int[16];
        int[] winnerOrder = new int[16];
        int[] queue = new int[256];
        int[] queueDepth = new int[256];
        int[] code = new int[4096];
        int stamp;
        /** Results of the last exploration besides the code: states, emit sets, winner sets. */
        int tail;
        int emits;
        int winners;

        void growStates(int size) {
            size = Math.max(size, seen.length * 2);
            seen = Arrays.copyOf(seen, size);
            local = Arrays.copyOf(local, size);
        }

        void growEmits(int size) {
            size = Math.max(size, emitSeen.length * 2);
            emitSeen = Arrays.copyOf(emitSeen, size);
            emitLocal = Arrays.copyOf(emitLocal, size);
        }

        /** A fresh stamp: a state or emit set is seen by this exploration iff its entry holds it. */
        int next() {
            if (++stamp == 0) { // wrapped: old stamps could collide
                Arrays.fill(seen, 0);
                Arrays.fill(emitSeen, 0);
                stamp = 1;
            }
            return stamp;
        }

        /** The local id of winner set {@code w} among the first {@code count}, or -1 (few per signature). */
        int winnerIndex(int w, int count) {
            for (int i = 0; i < count; i++) {
                if (winnerOrder[i] == w) {
                    return i;
                }
            }
            return -1;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** The id that {@link #interned} gave this signature. */
    int sharedId() {
        if (sharedId < 0) {
            throw new IllegalStateException("signature was not interned");
        }
        return sharedId;
    }

    /** This grammar's lexer state for local state id {@code local}. */
    int globalState(int local) {
        return stateOfLocal[local];
    }

    /** The local id of this grammar's lexer state {@code global} (it must have been discovered). */
    int localState(int global) {
        if (localOfState == null) {
            IntIntMap m = new IntIntMap();
            for (int i = 0; i < stateOfLocal.length; i++) {
                m.put(stateOfLocal[i], i);
            }
            localOfState = m;
        }
        int l = localOfState.get(global);
        if (l < 0) {
            throw new IllegalStateException("lexer state " + global + " is outside the signature");
        }
        return l;
    }

    /** This grammar's emit-set id {@code global} as a local id (it must be in reach of the state). */
    int localEmit(int global) {
        return indexOf(emitOfLocal, global);
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        throw new IllegalStateException("id " + v + " is outside the signature");
    }

    int globalEmit(int local) {
        return emitOfLocal[local];
    }

    /** This grammar's winner-set id {@code global} as a local id (ANTLR-style lexing only). */
    int localWinner(int global) {
        return indexOf(winnerOfLocal, global);
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
        return o instanceof LexerStateSignature s && s.hash == hash && s.sharedId == sharedId && Arrays.equals(s.code, code);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Heap held by the signature's code (for the cache's budget). */
    long heapBytes() {
        return 4L * (code == null ? 0 : code.length) + 64;
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
}
