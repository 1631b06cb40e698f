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

    private volatile int[] trans = filled(256 * 64);
    private volatile int[] emit = filled(64);
    private volatile boolean[] complete = new boolean[64];
    private volatile int[][] emitSets = new int[16][];
    private int stateCount;
    private int emitSetCount;

    private final Map<IntArrayKey, Integer> stateIds = new HashMap<>();
    private final Map<IntArrayKey, Integer> emitSetIds = new HashMap<>();
    private final Map<IntArrayKey, Integer> initialByAllowed = new HashMap<>();
    private final List<int[]> descriptors = new ArrayList<>();

    public LexerAutomaton(BnfGrammar grammar) {
        this.grammar = grammar;
        this.dfas = new ByteDfa[grammar.lexemeCount()];
        for (int t = 0; t < dfas.length; t++) {
            dfas[t] = grammar.dfa(t);
        }
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
     * Per state: true when no byte can continue any lexeme in play, so the lexeme is finished
     * the moment this state is reached. The mask engine ends such lexemes eagerly (see
     * {@code MaskEngine}), which turns "after a punctuation lexeme" into a plain boundary whose
     * token classes do not depend on the parser stack.
     */
    public boolean[] completes() {
        return complete;
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
            out[i] = d[1 + 2 * i];
        }
        return out;
    }

    /**
     * The start state for a boundary where exactly {@code allowedLexemes} (sorted, distinct) may
     * begin and compete (parser-driven lexing); builds and publishes every state reachable from
     * it. Returns -1 for an empty set.
     */
    public synchronized int initialState(int[] allowedLexemes) {
        return initialState(allowedLexemes, allowedLexemes);
    }

    /**
     * The start state for a boundary where the lexemes {@code inPlay} compete (longest match,
     * then priority) but only those in {@code allowed} (a subset) may actually be produced, as
     * with ANTLR's context-free lexer in front of a parser that expects {@code allowed}.
     *
     * <p>Maximal munch still follows every lexeme in play, but a byte that leads to a state from
     * which no allowed lexeme can ever win is marked {@link #DOOMED} instead of giving a state:
     * the lexer would be forced on (it cannot end the lexeme there) into a lexeme the parser
     * rejects, so the prefix is dead. With {@code inPlay == allowed} nothing is doomed.
     */
    public synchronized int initialState(int[] inPlay, int[] allowed) {
        if (inPlay.length == 0) {
            return -1;
        }
        boolean restricted = !Arrays.equals(inPlay, allowed);
        int tag = restricted ? allowedSetId(allowed) : -1;
        IntArrayKey k = new IntArrayKey(restricted ? concat(new int[] {tag}, inPlay) : inPlay);
        Integer known = initialByAllowed.get(k);
        if (known != null) {
            return known;
        }
        int[] desc = new int[1 + inPlay.length * 2];
        desc[0] = tag;
        for (int i = 0; i < inPlay.length; i++) {
            desc[1 + 2 * i] = inPlay[i];
            desc[2 + 2 * i] = dfas[inPlay[i]].start();
        }
        int[] localTrans = trans;
        int[] localEmit = emit;
        boolean[] localComplete = complete;
        ArrayDeque<Integer> work = new ArrayDeque<>();
        int start = intern(desc, work);
        java.util.List<Integer> built = new java.util.ArrayList<>();
        int[] scratch = new int[desc.length];
        while (!work.isEmpty()) {
            int s = work.poll();
            built.add(s);
            int[] d = descriptors.get(s);
            if (scratch.length < d.length) {
                scratch = new int[d.length];
            }
            boolean anyTransition = false;
            for (int b = 0; b < 256; b++) {
                int n = 1;
                scratch[0] = tag;
                for (int i = 1; i < d.length; i += 2) {
                    int next = dfas[d[i]].next(d[i + 1], b);
                    if (next >= 0) {
                        scratch[n++] = d[i];
                        scratch[n++] = next;
                    }
                }
                int target = n == 1 ? -1 : intern(Arrays.copyOf(scratch, n), work);
                localTrans = ensureTrans(localTrans, s);
                localTrans[s * 256 + b] = target;
                anyTransition |= target >= 0;
            }
            localEmit = ensureEmit(localEmit, s);
            localEmit[s] = emitSetOf(d);
            if (s >= localComplete.length) {
                localComplete = Arrays.copyOf(localComplete, Math.max(localComplete.length * 2, s + 1));
            }
            localComplete[s] = !anyTransition && localEmit[s] >= 0;
        }
        localTrans = ensureTrans(localTrans, stateCount - 1);
        localEmit = ensureEmit(localEmit, stateCount - 1);
        if (stateCount > localComplete.length) {
            localComplete = Arrays.copyOf(localComplete, stateCount);
        }
        if (restricted && !markDoomed(built, allowed, localTrans, localEmit).contains(start)) {
            start = -1; // no allowed lexeme can ever be produced here
        }
        // Publish tables before the id escapes (the id is returned to callers that publish it).
        complete = localComplete;
        emit = localEmit;
        trans = localTrans;
        initialByAllowed.put(k, start);
        return start;
    }

    /** Transition value: a lexeme in play continues, but no allowed lexeme can ever win from there. */
    public static final int DOOMED = -2;

    /**
     * Backward reachability over the states just built: a state is live if an allowed lexeme wins
     * there or a live state is reachable; transitions into states that are not live become
     * {@link #DOOMED}. (A state's tag ties it to one allowed set, so this is final.)
     */
    private java.util.Set<Integer> markDoomed(java.util.List<Integer> built, int[] allowed, int[] t, int[] e) {
        java.util.Set<Integer> live = new java.util.HashSet<>();
        for (int s : built) {
            if (winsAllowed(e[s], allowed)) {
                live.add(s);
            }
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int s : built) {
                if (live.contains(s)) {
                    continue;
                }
                for (int b = 0; b < 256; b++) {
                    int target = t[s * 256 + b];
                    if (target >= 0 && live.contains(target)) {
                        live.add(s);
                        changed = true;
                        break;
                    }
                }
            }
        }
        for (int s : built) {
            for (int b = 0; b < 256; b++) {
                int target = t[s * 256 + b];
                if (target >= 0 && !live.contains(target)) {
                    t[s * 256 + b] = DOOMED;
                }
            }
        }
        return live;
    }

    private boolean winsAllowed(int emitId, int[] allowed) {
        if (emitId < 0) {
            return false;
        }
        for (int l : emitSets[emitId]) {
            if (Arrays.binarySearch(allowed, l) >= 0) {
                return true;
            }
        }
        return false;
    }

    private final Map<IntArrayKey, Integer> allowedSetIds = new HashMap<>();

    private int allowedSetId(int[] allowed) {
        return allowedSetIds.computeIfAbsent(new IntArrayKey(allowed), x -> allowedSetIds.size());
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private int intern(int[] desc, ArrayDeque<Integer> work) {
        IntArrayKey k = new IntArrayKey(desc);
        Integer id = stateIds.get(k);
        if (id != null) {
            return id;
        }
        if (stateCount >= MAX_STATES) {
            throw new GrammarException("grammar '" + grammar.name() + "': the lexer needs more than "
                    + MAX_STATES + " states; its lexemes overlap too much to be tabulated");
        }
        id = stateCount++;
        stateIds.put(k, id);
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

    private int[] ensureEmit(int[] e, int s) {
        if (s + 1 > e.length) {
            int old = e.length;
            e = Arrays.copyOf(e, Math.max(e.length * 2, s + 1));
            Arrays.fill(e, old, e.length, -1);
        }
        return e;
    }

    /** Lexemes that accept in descriptor {@code d}, keeping only the best (lowest) priority. */
    private int emitSetOf(int[] d) {
        int best = Integer.MAX_VALUE;
        for (int i = 1; i < d.length; i += 2) {
            if (dfas[d[i]].isAccepting(d[i + 1])) {
                best = Math.min(best, grammar.priority(d[i]));
            }
        }
        if (best == Integer.MAX_VALUE) {
            return -1;
        }
        int[] set = new int[d.length / 2];
        int n = 0;
        for (int i = 1; i < d.length; i += 2) {
            if (dfas[d[i]].isAccepting(d[i + 1]) && grammar.priority(d[i]) == best) {
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
