package dev.stencil.automata.lexer;

import dev.stencil.automata.GrammarException;
import dev.stencil.automata.parser.BnfGrammar;
import dev.stencil.automata.regex.ByteDfa;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The lexer of a compiled grammar: one deterministic automaton over bytes whose states are sets
 * of (lexeme, lexeme-DFA state) pairs, i.e. "which of the lexemes in play could the bytes since
 * the last boundary still be, and how far into each".
 *
 * <p>States are created per <em>allowed-lexeme set</em> (what the parser accepts at a point):
 * {@link #initialState(int[])} builds every state reachable from that set's start at once, so a
 * published state id always has all 256 transitions filled. Readers take {@link #transitions()}
 * and {@link #emits()} (volatile reads) once per operation and then index plain int arrays: the
 * mask hot loops do nothing else.
 *
 * <p>Maximal munch: {@code next(s, b) >= 0} means byte {@code b} continues some lexeme in play,
 * and then the current lexeme does not end here. Only when {@code next(s, b) == -1} may the
 * lexeme end, if {@code s} accepts: {@code emit(s)} is the id of the set of lexemes completed at
 * {@code s} (after priority filtering), or -1.
 */
public final class LexerAutomaton {
    /** Hard cap on combined states; beyond it the grammar's lexemes interact too much to tabulate. */
    public static final int MAX_STATES = 2_000_000;

    private final BnfGrammar grammar;
    private final ByteDfa[] dfas;
    private final boolean tracksWinners;

    /**
     * Most combined states are one lexeme's DFA state (once a lexeme's first bytes rule out the
     * others), so the lexemes' DFA sizes summed estimate the final state count well. Sizing the
     * tables for it up front (up to this many states, 8 MB of transitions) replaces the table
     * doublings that otherwise happen in the middle of mask computations: copying and refilling
     * a megabyte table was most of the cost of the slowest first-use masks.
     */
    private static final int PRESIZE_MAX_STATES = 8192;

    private volatile int[] trans;
    private volatile int[] emit;
    private volatile int[] emitAtEnd;
    private volatile boolean[] complete;
    private volatile int[][] transitionRuns = new int[64][];
    private volatile int[][] emitSets = new int[16][];
    private int stateCount;
    private int emitSetCount;

    private final Map<IntArrayKey, Integer> stateIds = new HashMap<>();
    private final Map<IntArrayKey, Integer> emitSetIds = new HashMap<>();
    private final Map<IntArrayKey, Integer> initialByAllowed = new HashMap<>();
    private final List<int[]> descriptors = new ArrayList<>();
    /** Per lexeme, per DFA state: the state where only that lexeme is in play, or -1 (see {@link #internSingle}). */
    private final int[][] singleIds;

    public LexerAutomaton(BnfGrammar grammar) {
        this(grammar, true);
    }

    /**
     * @param tracksWinners whether to maintain {@link #reachableWinners()}, which only ANTLR-style
     *     lexing reads; it is a fixpoint over every new state, so parser-driven grammars (all JSON
     *     Schema grammars) skip it
     */
    public LexerAutomaton(BnfGrammar grammar, boolean tracksWinners) {
        this.grammar = grammar;
        this.tracksWinners = tracksWinners;
        this.dfas = new ByteDfa[grammar.lexemeCount()];
        this.singleIds = new int[dfas.length][];
        for (int t = 0; t < dfas.length; t++) {
            dfas[t] = grammar.dfa(t);
        }
        long estimate = 64;
        for (ByteDfa d : dfas) {
            estimate += d.stateCount();
        }
        int capacity = (int) Math.min(estimate, PRESIZE_MAX_STATES);
        trans = filled(256 * capacity);
        emit = filled(capacity);
        emitAtEnd = filled(capacity);
        complete = new boolean[capacity];
    }

    /** Transition table, {@code state * 256 + byte}, -1 where no lexeme in play continues. */
    public int[] transitions() {
        return trans;
    }

    /** Per state: the id of the lexeme set that ends there ({@link #emitSet(int)}), or -1. */
    public int[] emits() {
        return emit;
    }

    /**
     * Per state: the id of the lexeme set that ends there when the input ends right after it, or
     * -1. It differs from {@link #emits()} only where a lexeme that may end only at the end of
     * the input ({@code Grammar.isEndOnly}) accepts: then those win, as ANTLR's lexer takes its
     * match on the {@code EOF} symbol after any earlier match of the same length.
     */
    public int[] emitsAtEnd() {
        return emitAtEnd;
    }

    /**
     * Per state: true when no byte can continue any lexeme in play, so the lexeme is finished
     * the moment this state is reached. The mask engine ends such lexemes eagerly (see
     * {@code MaskEngine}), which turns "after a punctuation lexeme" into a plain boundary whose
     * token classes do not depend on the parser stack.
     */
    public boolean[] completes() {
        return complete;
    }

    /**
     * State {@code s}'s transition row in run-length form: {@code (first byte, target)} pairs, one
     * per run of bytes with the same target (-1 for none). A string or number state has a handful
     * of runs among its 256 bytes; lexer-state signatures explore hundreds of states through
     * these rather than reading 256 entries of each. Recorded while the row is built.
     */
    public int[] transitionRuns(int s) {
        return transitionRuns[s];
    }

    /** The lexemes (sorted ids) of emit set {@code id}. */
    public int[] emitSet(int id) {
        return emitSets[id];
    }

    public synchronized int stateCount() {
        return stateCount;
    }

    /** The lexemes still possible in state {@code s} (for diagnostics). */
    public synchronized int[] lexemesInPlay(int s) {
        int[] d = descriptors.get(s);
        int[] out = new int[d.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = d[2 * i];
        }
        return out;
    }

    /**
     * The start state for a boundary where exactly the lexemes {@code inPlay} (sorted, distinct)
     * compete; builds and publishes every state reachable from it. Returns -1 for an empty set.
     */
    public synchronized int initialState(int[] inPlay) {
        if (inPlay.length == 0) {
            return -1;
        }
        IntArrayKey k = new IntArrayKey(inPlay);
        Integer known = initialByAllowed.get(k);
        if (known != null) {
            return known;
        }
        int[] desc = new int[inPlay.length * 2];
        for (int i = 0; i < inPlay.length; i++) {
            desc[2 * i] = inPlay[i];
            desc[2 * i + 1] = dfas[inPlay[i]].start();
        }
        int[] localTrans = trans;
        int[] localEmit = emit;
        int[] localEmitAtEnd = emitAtEnd;
        boolean[] localComplete = complete;
        ArrayDeque<Integer> work = new ArrayDeque<>();
        int start = intern(desc, work);
        List<Integer> built = new ArrayList<>();
        int[] scratch = new int[desc.length];
        int[] bounds = new int[257];
        int[] mergeScratch = new int[257];
        int[] boundsFor = null; // the descriptor whose lexemes' run union is in bounds
        TargetMemo targets = new TargetMemo();
        RunBuilder runs = new RunBuilder();
        int[][] localRuns = transitionRuns;
        while (!work.isEmpty()) {
            int s = work.poll();
            built.add(s);
            int[] d = descriptors.get(s);
            if (scratch.length < d.length) {
                scratch = new int[d.length];
            }
            boolean anyTransition = false;
            targets.clear();
            runs.clear();
            localTrans = ensureTrans(localTrans, s);
            if (d.length == 2) {
                // one lexeme in play: its DFA row maps straight onto single-lexeme states
                int lexeme = d[0];
                ByteDfa dfa = dfas[lexeme];
                int row = s * 256;
                int[] starts = dfa.classRunStarts(); // rows start as -1; fill the live byte runs
                for (int r = 0; r + 1 < starts.length; r++) {
                    int next = dfa.next(d[1], starts[r]);
                    int target = next < 0 ? -1 : internSingle(lexeme, next, work);
                    if (target >= 0) {
                        // a plain loop: runs are short (one per letter of a key), and a call
                        // to Arrays.fill per run cost more than the stores
                        for (int b = row + starts[r], end = row + starts[r + 1]; b < end; b++) {
                            localTrans[b] = target;
                        }
                        anyTransition = true;
                    }
                    runs.add(starts[r], target);
                }
            } else {
                // several lexemes in play: every byte of a run where none of their DFAs changes
                // byte class has the same successor, so one byte per run is computed
                if (!sameLexemes(d, boundsFor)) { // consecutive states mostly have the same lexemes in play
                    bounds = runUnion(d, bounds, mergeScratch);
                    boundsFor = d;
                }
                int row = s * 256;
                for (int r = 0; bounds[r] < 256; r++) {
                    int b = bounds[r];
                    int n = 0;
                    for (int i = 0; i < d.length; i += 2) {
                        int next = dfas[d[i]].next(d[i + 1], b);
                        if (next >= 0) {
                            scratch[n++] = d[i];
                            scratch[n++] = next;
                        }
                    }
                    int target = n == 0 ? -1 : targets.find(scratch, n);
                    if (target == TargetMemo.MISSING) {
                        target = intern(Arrays.copyOf(scratch, n), work);
                        targets.remember(scratch, n, target);
                    }
                    if (target >= 0) { // rows start as -1
                        for (int x = row + b, end = row + bounds[r + 1]; x < end; x++) {
                            localTrans[x] = target;
                        }
                        anyTransition = true;
                    }
                    runs.add(b, target);
                }
            }
            localRuns = ensureRuns(localRuns, s);
            localRuns[s] = runs.take();
            localEmit = ensureEmit(localEmit, s);
            localEmit[s] = emitSetOf(d, false);
            localEmitAtEnd = ensureEmit(localEmitAtEnd, s);
            localEmitAtEnd[s] = emitSetOf(d, true);
            if (s >= localComplete.length) {
                localComplete = Arrays.copyOf(localComplete, Math.max(localComplete.length * 2, s + 1));
            }
            // ended eagerly only if the end of the input would not pick another lexeme
            localComplete[s] = !anyTransition && localEmit[s] >= 0 && localEmitAtEnd[s] == localEmit[s];
        }
        localTrans = ensureTrans(localTrans, stateCount - 1);
        localEmit = ensureEmit(localEmit, stateCount - 1);
        localEmitAtEnd = ensureEmit(localEmitAtEnd, stateCount - 1);
        if (stateCount > localComplete.length) {
            localComplete = Arrays.copyOf(localComplete, stateCount);
        }
        if (tracksWinners) {
            reachableWinners = computeReachableWinners(built, localTrans, localEmit, localEmitAtEnd);
        }
        // Publish tables before the id escapes (the id is returned to callers that publish it).
        complete = localComplete;
        transitionRuns = localRuns;
        emitAtEnd = localEmitAtEnd;
        emit = localEmit;
        trans = localTrans;
        initialByAllowed.put(k, start);
        return start;
    }

    /**
     * The union of the byte-class run starts ({@link ByteDfa#classRunStarts()}) of the lexemes in
     * descriptor {@code d}, ascending and ending with 256, written into {@code out} ({@code merged}
     * is scratch; 257 entries each suffice: one per byte plus the end).
     */
    /** Whether descriptors {@code a} and {@code b} (null: none) have the same lexemes in play. */
    private static boolean sameLexemes(int[] a, int[] b) {
        if (b == null || a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i += 2) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    private int[] runUnion(int[] d, int[] out, int[] merged) {
        int[] first = dfas[d[0]].classRunStarts();
        int n = first.length;
        System.arraycopy(first, 0, out, 0, n);
        for (int i = 2; i < d.length; i += 2) {
            int[] other = dfas[d[i]].classRunStarts();
            int a = 0;
            int b = 0;
            int m = 0;
            while (a < n || b < other.length) {
                int x = a < n ? out[a] : Integer.MAX_VALUE;
                int y = b < other.length ? other[b] : Integer.MAX_VALUE;
                int v = Math.min(x, y);
                merged[m++] = v;
                if (x == v) {
                    a++;
                }
                if (y == v) {
                    b++;
                }
            }
            System.arraycopy(merged, 0, out, 0, m);
            n = m;
        }
        return out;
    }

    /**
     * The distinct successor descriptors of one state, while its 256 bytes are tabulated. The
     * bytes of a state lead to a handful of distinct successors (runs of letters or digits, the
     * UTF-8 lead-byte ranges), so remembering them interns each successor once instead of once
     * per byte; interning (copy, hash, map lookup) was most of the cost of a new lexer state, and
     * schema grammars create lexer states during masks.
     */
    private static final class TargetMemo {
        static final int MISSING = -2;
        private static final int CAPACITY = 16;
        private final int[][] tuples = new int[CAPACITY][];
        private final int[] lengths = new int[CAPACITY];
        private final int[] ids = new int[CAPACITY];
        private int size;
        private int last = -1;

        void clear() {
            size = 0;
            last = -1;
        }

        /** The state id remembered for {@code scratch[0, n)}, or {@link #MISSING}. */
        int find(int[] scratch, int n) {
            if (last >= 0 && matches(last, scratch, n)) {
                return ids[last]; // consecutive bytes usually share their successor
            }
            for (int k = 0; k < size; k++) {
                if (matches(k, scratch, n)) {
                    last = k;
                    return ids[k];
                }
            }
            return MISSING;
        }

        void remember(int[] scratch, int n, int id) {
            if (size == CAPACITY) {
                return; // a state with many distinct successors interns the rest per byte
            }
            if (tuples[size] == null || tuples[size].length < n) {
                tuples[size] = new int[Math.max(n, 8)];
            }
            System.arraycopy(scratch, 0, tuples[size], 0, n);
            lengths[size] = n;
            ids[size] = id;
            last = size++;
        }

        private boolean matches(int k, int[] scratch, int n) {
            return lengths[k] == n && Arrays.equals(tuples[k], 0, n, scratch, 0, n);
        }
    }

    /**
     * Per state: id of the set of lexemes that can still <em>win</em> (end a lexeme after
     * priority) from this state, see {@link #winnerSetBits(int)}. With ANTLR-style lexing every
     * lexeme competes but the parser takes only some: a state whose reachable winners miss the
     * parser's lexemes is a dead end even though the lexer would happily go on. Empty unless the
     * automaton was built to track winners.
     */
    public int[] reachableWinners() {
        return reachableWinners;
    }

    /** The lexemes of reachable-winner set {@code id}, as a bitset over lexeme ids. */
    public long[] winnerSetBits(int id) {
        return winnerSets[id];
    }

    /** Whether a lexeme of {@code allowedBits} can still win from a state with winner set {@code winnerSet}. */
    public static boolean intersects(long[] allowedBits, long[] winnerSet) {
        for (int i = 0; i < allowedBits.length; i++) {
            if ((allowedBits[i] & winnerSet[i]) != 0) {
                return true;
            }
        }
        return false;
    }

    private volatile int[] reachableWinners = new int[0];
    private volatile long[][] winnerSets = new long[0][];
    private final Map<IntArrayKey, Integer> winnerSetIds = new HashMap<>();

    /** Fixpoint W(s) = winners(s) ∪ W(successors) over the states just built (older ones are final). */
    private int[] computeReachableWinners(List<Integer> built, int[] t, int[] e, int[] eAtEnd) {
        int words = (dfas.length + 63) >>> 6;
        Map<Integer, long[]> w = new HashMap<>();
        for (int s : built) {
            long[] bits = new long[words];
            if (e[s] >= 0) {
                for (int l : emitSets[e[s]]) {
                    bits[l >>> 6] |= 1L << l;
                }
            }
            if (eAtEnd[s] >= 0) {
                for (int l : emitSets[eAtEnd[s]]) {
                    bits[l >>> 6] |= 1L << l;
                }
            }
            w.put(s, bits);
        }
        int[] old = reachableWinners;
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int s : built) {
                long[] bits = w.get(s);
                for (int b = 0; b < 256; b++) {
                    int target = t[s * 256 + b];
                    if (target < 0) {
                        continue;
                    }
                    long[] other = w.containsKey(target) ? w.get(target) : winnerSets[old[target]];
                    for (int i = 0; i < words; i++) {
                        long merged = bits[i] | other[i];
                        if (merged != bits[i]) {
                            bits[i] = merged;
                            changed = true;
                        }
                    }
                }
            }
        }
        int[] out = Arrays.copyOf(old, Math.max(old.length, stateCount));
        long[][] sets = winnerSets;
        for (int s : built) {
            long[] bits = w.get(s);
            int[] asInts = new int[words * 2];
            for (int i = 0; i < words; i++) {
                asInts[2 * i] = (int) bits[i];
                asInts[2 * i + 1] = (int) (bits[i] >>> 32);
            }
            IntArrayKey key = new IntArrayKey(asInts);
            Integer id = winnerSetIds.get(key);
            if (id == null) {
                id = winnerSetIds.size();
                winnerSetIds.put(key, id);
                sets = Arrays.copyOf(sets, id + 1);
                sets[id] = bits;
            }
            out[s] = id;
        }
        winnerSets = sets;
        return out;
    }

    private int intern(int[] desc, ArrayDeque<Integer> work) {
        if (desc.length == 2) {
            return internSingle(desc[0], desc[1], work);
        }
        IntArrayKey k = new IntArrayKey(desc);
        Integer id = stateIds.get(k);
        if (id != null) {
            return id;
        }
        int fresh = newState(desc, work);
        stateIds.put(k, fresh);
        return fresh;
    }

    /**
     * Interns the state where only {@code lexeme} is in play, in DFA state {@code dfaState}. Most
     * states are of this kind (a lexeme's first bytes usually rule the others out), so they are
     * kept in a per-lexeme array rather than hashed.
     */
    private int internSingle(int lexeme, int dfaState, ArrayDeque<Integer> work) {
        int[] ids = singleIds[lexeme];
        if (ids == null) {
            ids = new int[dfas[lexeme].stateCount()];
            Arrays.fill(ids, -1);
            singleIds[lexeme] = ids;
        }
        int id = ids[dfaState];
        if (id < 0) {
            id = newState(new int[] {lexeme, dfaState}, work);
            ids[dfaState] = id;
        }
        return id;
    }

    private int newState(int[] desc, ArrayDeque<Integer> work) {
        if (stateCount >= MAX_STATES) {
            throw new GrammarException("grammar '" + grammar.name() + "': the lexer needs more than "
                    + MAX_STATES + " states; its lexemes overlap too much to be tabulated");
        }
        int id = stateCount++;
        descriptors.add(desc);
        work.add(id);
        return id;
    }

    private int[] ensureTrans(int[] t, int s) {
        if ((s + 1) * 256 > t.length) {
            int old = t.length;
            t = Arrays.copyOf(t, Math.max(t.length * 2, (s + 1) * 256));
            Arrays.fill(t, old, t.length, -1);
        }
        return t;
    }

    private static int[][] ensureRuns(int[][] r, int s) {
        return s < r.length ? r : Arrays.copyOf(r, Math.max(r.length * 2, s + 1));
    }

    /** Collects one row's runs while its 256 bytes are tabulated in order. */
    private static final class RunBuilder {
        private int[] buf = new int[32];
        private int n;
        private int prev;

        void clear() {
            n = 0;
            prev = Integer.MIN_VALUE;
        }

        void add(int b, int target) {
            if (target != prev) {
                if (n + 2 > buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                buf[n++] = b;
                buf[n++] = target;
                prev = target;
            }
        }

        int[] take() {
            return Arrays.copyOf(buf, n);
        }
    }

    private int[] ensureEmit(int[] e, int s) {
        if (s + 1 > e.length) {
            int old = e.length;
            e = Arrays.copyOf(e, Math.max(e.length * 2, s + 1));
            Arrays.fill(e, old, e.length, -1);
        }
        return e;
    }

    /**
     * Lexemes that accept in descriptor {@code d}, keeping only the best (lowest) priority. In the
     * middle of the input end-only lexemes do not count; at its end they win if any accepts.
     */
    private int emitSetOf(int[] d, boolean atEnd) {
        boolean endOnly = false;
        if (atEnd) {
            for (int i = 0; i < d.length; i += 2) {
                endOnly |= grammar.isEndOnly(d[i]) && dfas[d[i]].isAccepting(d[i + 1]);
            }
        }
        int best = Integer.MAX_VALUE;
        for (int i = 0; i < d.length; i += 2) {
            if (dfas[d[i]].isAccepting(d[i + 1]) && grammar.isEndOnly(d[i]) == endOnly) {
                best = Math.min(best, grammar.priority(d[i]));
            }
        }
        if (best == Integer.MAX_VALUE) {
            return -1;
        }
        int[] set = new int[d.length / 2];
        int n = 0;
        for (int i = 0; i < d.length; i += 2) {
            if (dfas[d[i]].isAccepting(d[i + 1]) && grammar.isEndOnly(d[i]) == endOnly && grammar.priority(d[i]) == best) {
                set[n++] = d[i];
            }
        }
        set = Arrays.copyOf(set, n);
        IntArrayKey k = new IntArrayKey(set);
        Integer id = emitSetIds.get(k);
        if (id == null) {
            id = emitSetCount++;
            emitSetIds.put(k, id);
            int[][] sets = emitSets;
            if (id >= sets.length) {
                sets = Arrays.copyOf(sets, sets.length * 2);
            }
            sets[id] = set;
            emitSets = sets;
        }
        return id;
    }

    private static int[] filled(int n) {
        int[] a = new int[n];
        Arrays.fill(a, -1);
        return a;
    }
}
