package dev.stencil.automata.lexer;

import dev.stencil.automata.GrammarException;
import dev.stencil.automata.parser.BnfGrammar;
import dev.stencil.automata.regex.ByteDfa;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * <p>States are created per <em>allowed-lexeme set</em> (what the parser accepts at a point) by
 * {@link #initialState(int[])}. A state's flags ({@code emit}, {@code emitAtEnd},
 * {@code complete}) are set when the state is created; its 256 transitions (its <em>row</em>) are
 * tabulated on first use, by {@link #ensureRow(int)}. Rows are lazy because most of a lexer's
 * states are never read: each allowed-key set makes its own states (the keys still possible,
 * alongside "any other key" where additional properties are allowed), and five of six of them
 * spell the keys' characters as JSON escapes ({@code \u0061}) that no token of a real
 * vocabulary reaches. Tabulating them all up front was two fifths of the slowest masks.
 * Grammars lexed ANTLR-style ({@code tracksWinners}) still build every reachable row at once:
 * their reachable-winner sets are a fixpoint over them.
 *
 * <p>Readers take a {@link Tables} snapshot once per operation and index its plain arrays; before
 * reading the row of a state reached through a transition, they check {@link Tables#ready(int)}
 * and, when it is false, call {@link #ensureRow(int)} and continue with the snapshot it returns.
 * Rows are written once, under this object's lock, before their ready flag is set with release
 * semantics, and are copied along whenever the arrays grow; so a ready flag read with acquire
 * semantics in any snapshot guarantees that snapshot's row (and the flags of its targets, which
 * were set before it).
 *
 * <p>Maximal munch: {@code next(s, b) >= 0} means byte {@code b} continues some lexeme in play,
 * and then the current lexeme does not end here. Only when {@code next(s, b) == -1} may the
 * lexeme end, if {@code s} accepts: {@code emit(s)} is the id of the set of lexemes completed at
 * {@code s} (after priority filtering), or -1.
 */
public final class LexerAutomaton {
    /** Hard cap on combined states; beyond it the grammar's lexemes interact too much to tabulate. */
    public static final int MAX_STATES = 2_000_000;

    private static final VarHandle READY = MethodHandles.arrayElementVarHandle(byte[].class);

    /**
     * A consistent view of the lexer's tables. Arrays are replaced (copied) only when they grow;
     * entries of existing states are written in place, rows only before their ready flag.
     */
    public static final class Tables {
        /** Transition table, {@code state * 256 + byte}, -1 where no lexeme in play continues; valid for {@linkplain #ready ready} rows only. */
        public final int[] trans;
        /** Per state: the id of the lexeme set that ends there ({@link #emitSet(int)}), or -1. */
        public final int[] emit;
        /**
         * Per state: the id of the lexeme set that ends there when the input ends right after it,
         * or -1. It differs from {@link #emit} only where a lexeme that may end only at the end of
         * the input ({@code Grammar.isEndOnly}) accepts: then those win, as ANTLR's lexer takes
         * its match on the {@code EOF} symbol after any earlier match of the same length.
         */
        public final int[] emitAtEnd;
        /**
         * Per state: true when no byte can continue any lexeme in play, so the lexeme is finished
         * the moment this state is reached. The mask engine ends such lexemes eagerly (see
         * {@code MaskEngine}), which turns "after a punctuation lexeme" into a plain boundary
         * whose token classes do not depend on the parser stack.
         */
        public final boolean[] complete;
        /**
         * Per ready state {@code s}, words {@code [4s, 4s + 4)}: the bytes that lead from {@code s}
         * back to {@code s} (a 256-bit set), e.g. the letters inside a free string.
         */
        public final long[] selfLoops;
        private final int[][] runs;
        private final byte[] ready;

        Tables(int[] trans, int[] emit, int[] emitAtEnd, boolean[] complete, long[] selfLoops, int[][] runs, byte[] ready) {
            this.trans = trans;
            this.emit = emit;
            this.emitAtEnd = emitAtEnd;
            this.complete = complete;
            this.selfLoops = selfLoops;
            this.runs = runs;
            this.ready = ready;
        }

        /** Whether state {@code s}'s row may be read in this snapshot (else call {@link #ensureRow}). */
        public boolean ready(int s) {
            return (byte) READY.getAcquire(ready, s) != 0;
        }

        /**
         * Ready state {@code s}'s row in run-length form: {@code (first byte, target)} pairs, one
         * per run of bytes with the same target (-1 for none). A string or number state has a
         * handful of runs among its 256 bytes; lexer-state signatures explore hundreds of states
         * through these rather than reading 256 entries of each.
         */
        public int[] transitionRuns(int s) {
            return runs[s];
        }
    }

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

    private volatile Tables tables;
    private volatile int[][] emitSets = new int[16][];
    // the arrays of the newest Tables, written under the lock (published through `tables`)
    private int[] trans;
    private int[] emit;
    private int[] emitAtEnd;
    private boolean[] complete;
    private long[] selfLoops;
    private int[][] runs;
    private byte[] ready;
    private int stateCount;
    private int emitSetCount;

    private final Map<IntArrayKey, Integer> stateIds = new HashMap<>();
    private final Map<IntArrayKey, Integer> emitSetIds = new HashMap<>();
    private final Map<IntArrayKey, Integer> initialByAllowed = new HashMap<>();
    private final List<int[]> descriptors = new ArrayList<>();
    /** Per lexeme, per DFA state: the state where only that lexeme is in play, or -1 (see {@link #internSingle}). */
    private final int[][] singleIds;
    /** Per lexeme, per DFA state: 1 if some byte continues it, 0 if none, -1 not yet known. */
    private final byte[][] continues;
    /** States created and not yet tabulated, in creation order (ANTLR-style lexing drains it). */
    private final ArrayDeque<Integer> unbuilt = new ArrayDeque<>();

    // row-building scratch, used under the lock
    private int[] scratch = new int[16];
    private int[] bounds = new int[257];
    private final int[] mergeScratch = new int[257];
    /** Byte -> index of its run in {@code bounds}. */
    private final int[] runOf = new int[256];
    /** Per run of {@code bounds}: ints of successor pairs gathered (see {@link #buildRow}). */
    private final int[] runFill = new int[256];
    private int[] successors = new int[1024];
    private int[] boundsFor; // the descriptor whose lexemes' run union is in bounds
    private final TargetMemo targets = new TargetMemo();
    private final RunBuilder rowRuns = new RunBuilder();

    public LexerAutomaton(BnfGrammar grammar) {
        this(grammar, true);
    }

    /**
     * @param tracksWinners whether to maintain {@link #reachableWinners()}, which only ANTLR-style
     *     lexing reads; it is a fixpoint over every new state, so parser-driven grammars (all JSON
     *     Schema grammars) skip it and tabulate rows lazily
     */
    public LexerAutomaton(BnfGrammar grammar, boolean tracksWinners) {
        this.grammar = grammar;
        this.tracksWinners = tracksWinners;
        this.dfas = new ByteDfa[grammar.lexemeCount()];
        this.singleIds = new int[dfas.length][];
        this.continues = new byte[dfas.length][];
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
        selfLoops = new long[4 * capacity];
        runs = new int[capacity][];
        ready = new byte[capacity];
        tables = new Tables(trans, emit, emitAtEnd, complete, selfLoops, runs, ready);
    }

    /** The current tables (a volatile read): take once per operation, refresh after {@link #ensureRow}. */
    public Tables tables() {
        return tables;
    }

    /**
     * Tabulates state {@code s}'s row if no one has yet, and returns the tables to continue
     * with, in which {@code s} is {@linkplain Tables#ready ready}. Creates the row's target
     * states (their flags, not their rows).
     *
     * @throws GrammarException beyond {@link #MAX_STATES} states
     */
    public synchronized Tables ensureRow(int s) {
        if (ready[s] == 0) {
            buildRow(s);
            if (!tracksWinners) {
                unbuilt.clear(); // built on demand
            }
            publish();
        }
        return tables;
    }

    /** The lexemes (sorted ids) of emit set {@code id}. */
    public int[] emitSet(int id) {
        return emitSets[id];
    }

    /** How many lexemes are in play in state {@code s}. */
    public synchronized int inPlayCount(int s) {
        return descriptors.get(s).length / 2;
    }

    /** States created so far (rows tabulated or not). */
    public synchronized int stateCount() {
        return stateCount;
    }

    /** States whose rows have been tabulated so far (diagnostics, tests). */
    public synchronized int rowsBuilt() {
        int n = 0;
        for (int s = 0; s < stateCount; s++) {
            n += ready[s];
        }
        return n;
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
     * compete, with its row ready (with ANTLR-style lexing, every reachable row). Returns -1 for
     * an empty set.
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
        int start = intern(desc);
        if (ready[start] == 0) {
            buildRow(start);
        }
        if (tracksWinners) {
            List<Integer> built = new ArrayList<>();
            while (!unbuilt.isEmpty()) {
                int s = unbuilt.poll();
                if (ready[s] == 0) {
                    buildRow(s);
                }
                built.add(s);
            }
            reachableWinners = computeReachableWinners(built, trans, emit, emitAtEnd);
        } else {
            unbuilt.clear();
        }
        // Publish the tables before the id escapes (the id is returned to callers that publish it).
        publish();
        initialByAllowed.put(k, start);
        return start;
    }

    /** Makes the newest arrays the current {@link Tables} if they were replaced. */
    private void publish() {
        Tables t = tables;
        if (t.trans != trans || t.emit != emit || t.emitAtEnd != emitAtEnd || t.complete != complete
                || t.selfLoops != selfLoops || t.runs != runs || t.ready != ready) {
            tables = new Tables(trans, emit, emitAtEnd, complete, selfLoops, runs, ready);
        }
    }

    /**
     * Tabulates state {@code s}'s row: first its runs (creating the target states, which may
     * replace the arrays), then the row in the newest arrays, then the ready flag (release).
     */
    private void buildRow(int s) {
        int[] d = descriptors.get(s);
        if (scratch.length < d.length) {
            scratch = new int[d.length];
        }
        targets.clear();
        RunBuilder out = rowRuns;
        out.clear();
        if (d.length == 2) {
            // one lexeme in play: its DFA row maps straight onto single-lexeme states
            int lexeme = d[0];
            ByteDfa dfa = dfas[lexeme];
            int[] starts = dfa.classRunStarts();
            for (int r = 0; r + 1 < starts.length; r++) {
                int next = dfa.next(d[1], starts[r]);
                out.add(starts[r], next < 0 ? -1 : internSingle(lexeme, next));
            }
        } else {
            // several lexemes in play: every byte of a run where none of their DFAs changes
            // byte class has the same successor. The successors are gathered lexeme by lexeme,
            // over each lexeme's live runs only: in a key set, each key continues on one or two
            // bytes (its next letter, the escape) of the dozens of runs, so asking every lexeme
            // about every run was most of the cost of these rows.
            if (!sameLexemes(d, boundsFor)) { // consecutive states mostly have the same lexemes in play
                bounds = runUnion(d, bounds, mergeScratch);
                boundsFor = d;
                for (int r = 0; bounds[r] < 256; r++) {
                    for (int b = bounds[r]; b < bounds[r + 1]; b++) {
                        runOf[b] = r;
                    }
                }
            }
            int runCount = runOf[255] + 1;
            Arrays.fill(runFill, 0, runCount, 0);
            int capacity = d.length; // per run: at most every lexeme in play, two ints each
            if (successors.length < runCount * capacity) {
                successors = new int[Math.max(runCount * capacity, successors.length * 2)];
            }
            for (int i = 0; i < d.length; i += 2) {
                ByteDfa dfa = dfas[d[i]];
                int[] starts = dfa.classRunStarts();
                for (int c = 0; c + 1 < starts.length; c++) {
                    int next = dfa.next(d[i + 1], starts[c]);
                    if (next < 0) {
                        continue;
                    }
                    for (int r = runOf[starts[c]], end = starts[c + 1]; r < runCount && bounds[r] < end; r++) {
                        int at = r * capacity + runFill[r];
                        successors[at] = d[i];
                        successors[at + 1] = next;
                        runFill[r] += 2;
                    }
                }
            }
            for (int r = 0; r < runCount; r++) {
                int n = runFill[r];
                int target = -1;
                if (n > 0) {
                    System.arraycopy(successors, r * capacity, scratch, 0, n);
                    target = targets.find(scratch, n);
                    if (target == TargetMemo.MISSING) {
                        target = intern(Arrays.copyOf(scratch, n));
                        targets.remember(scratch, n, target);
                    }
                }
                out.add(bounds[r], target);
            }
        }
        int[] row = out.take();
        int[] t = trans; // after interning: the arrays the row belongs in
        int base = s * 256;
        for (int r = 0; r < row.length; r += 2) {
            int target = row[r + 1];
            if (target >= 0) { // rows start as -1
                // a plain loop: runs are short (one per letter of a key), and a call to
                // Arrays.fill per run cost more than the stores
                int from = row[r];
                int to = r + 2 < row.length ? row[r + 2] : 256;
                for (int x = base + from, end = base + to; x < end; x++) {
                    t[x] = target;
                }
                if (target == s) {
                    for (int b = from; b < to; b++) {
                        selfLoops[4 * s + (b >>> 6)] |= 1L << b;
                    }
                }
            }
        }
        runs[s] = row;
        READY.setRelease(ready, s, (byte) 1);
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

    private int intern(int[] desc) {
        if (desc.length == 2) {
            return internSingle(desc[0], desc[1]);
        }
        IntArrayKey k = new IntArrayKey(desc);
        Integer id = stateIds.get(k);
        if (id != null) {
            return id;
        }
        int fresh = newState(desc);
        stateIds.put(k, fresh);
        return fresh;
    }

    /**
     * Interns the state where only {@code lexeme} is in play, in DFA state {@code dfaState}. Most
     * states are of this kind (a lexeme's first bytes usually rule the others out), so they are
     * kept in a per-lexeme array rather than hashed.
     */
    private int internSingle(int lexeme, int dfaState) {
        int[] ids = singleIds[lexeme];
        if (ids == null) {
            ids = new int[dfas[lexeme].stateCount()];
            Arrays.fill(ids, -1);
            singleIds[lexeme] = ids;
        }
        int id = ids[dfaState];
        if (id < 0) {
            id = newState(new int[] {lexeme, dfaState});
            ids[dfaState] = id;
        }
        return id;
    }

    /**
     * Creates a state with its flags (its row comes later, see {@link #buildRow}), growing the
     * arrays if needed; the flags are written before any row that leads to the state is marked
     * ready.
     */
    private int newState(int[] desc) {
        if (stateCount >= MAX_STATES) {
            throw new GrammarException("grammar '" + grammar.name() + "': the lexer needs more than "
                    + MAX_STATES + " states; its lexemes overlap too much to be tabulated");
        }
        int id = stateCount++;
        descriptors.add(desc);
        unbuilt.add(id);
        if (id >= emit.length) {
            int capacity = Math.max(emit.length * 2, id + 1);
            int[] t = Arrays.copyOf(trans, capacity * 256);
            Arrays.fill(t, trans.length, t.length, -1);
            trans = t;
            emit = grown(emit, capacity);
            emitAtEnd = grown(emitAtEnd, capacity);
            complete = Arrays.copyOf(complete, capacity);
            selfLoops = Arrays.copyOf(selfLoops, 4 * capacity);
            runs = Arrays.copyOf(runs, capacity);
            ready = Arrays.copyOf(ready, capacity);
        }
        emit[id] = emitSetOf(desc, false);
        emitAtEnd[id] = emitSetOf(desc, true);
        // ended eagerly only if the end of the input would not pick another lexeme
        complete[id] = !anyContinues(desc) && emit[id] >= 0 && emitAtEnd[id] == emit[id];
        return id;
    }

    /** Whether some byte continues some lexeme of descriptor {@code d} (i.e. the row is not empty). */
    private boolean anyContinues(int[] d) {
        for (int i = 0; i < d.length; i += 2) {
            int lexeme = d[i];
            byte[] known = continues[lexeme];
            if (known == null) {
                known = new byte[dfas[lexeme].stateCount()];
                Arrays.fill(known, (byte) -1);
                continues[lexeme] = known;
            }
            if (known[d[i + 1]] < 0) {
                ByteDfa dfa = dfas[lexeme];
                int[] starts = dfa.classRunStarts();
                byte any = 0;
                for (int r = 0; r + 1 < starts.length && any == 0; r++) {
                    any = dfa.next(d[i + 1], starts[r]) >= 0 ? (byte) 1 : 0;
                }
                known[d[i + 1]] = any;
            }
            if (known[d[i + 1]] == 1) {
                return true;
            }
        }
        return false;
    }

    private static int[] grown(int[] a, int capacity) {
        int[] out = Arrays.copyOf(a, capacity);
        Arrays.fill(out, a.length, capacity, -1);
        return out;
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
