package dev.stencil.automata.check;

import dev.stencil.automata.parser.BnfGrammar;
import dev.stencil.automata.regex.ByteDfa;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A deliberately plain prefix recognizer, used only as an oracle for the mask engine: textbook
 * Earley sets indexed by lexeme position (no interning, no memo, no token trie, no mask cache),
 * and a lexer that keeps an explicit list of (lexeme, DFA state) pairs per byte.
 *
 * <p>It implements the same language as {@code MaskEngine}: maximal munch over the lexemes the
 * parser expects (or all lexemes, for ANTLR-style lexing), ties to the lowest priority number,
 * ignorable lexemes between any two lexemes (non-repeatable ones at most once in a row). Shares
 * only the BNF lowering and the lexeme DFAs with the engine, which have their own tests.
 *
 * <p>ANTLR-style lexing also falls back like ANTLR's lexer: a lexeme that dies (or meets the end
 * of the input) past an accept without accepting again ends at that accept, and the bytes read
 * since are lexed anew. Here that is done literally: the cursor keeps the (lexeme, state) pairs
 * of the last accept and the bytes read since, and replays them (the engine instead carries a
 * second position stepped alongside).
 *
 * <p>Usage: {@link #start()} gives a {@link Cursor}; {@link Cursor#tryBytes} checks whether bytes
 * extend the prefix, then undoes itself, so one cursor can test a whole vocabulary.
 */
public final class ReferenceRecognizer {
    private final BnfGrammar g;
    private final boolean lexAll;
    private final int[][] rhs;
    private final int[] lhs;
    private final int[][] prodsOf;
    private final boolean[] nullable;
    private final ByteDfa[] dfas;
    private final int startProd;
    /** Per lexeme DFA: states with no outgoing transition (the lexeme cannot be extended). */
    private final boolean[][] finished;

    public ReferenceRecognizer(BnfGrammar g, boolean lexAllLexemes) {
        this.g = g;
        this.lexAll = lexAllLexemes;
        int p = g.productionCount();
        rhs = new int[p][];
        lhs = new int[p];
        for (int i = 0; i < p; i++) {
            rhs[i] = g.productionRhs(i);
            lhs[i] = g.productionLhs(i);
        }
        prodsOf = new int[g.nonterminalCount()][];
        nullable = new boolean[g.nonterminalCount()];
        for (int nt = 0; nt < prodsOf.length; nt++) {
            prodsOf[nt] = g.productionsOf(nt);
            nullable[nt] = g.isNullable(nt);
        }
        dfas = new ByteDfa[g.lexemeCount()];
        for (int t = 0; t < dfas.length; t++) {
            dfas[t] = g.dfa(t);
        }
        startProd = g.startProduction();
        finished = new boolean[dfas.length][];
        for (int t = 0; t < dfas.length; t++) {
            finished[t] = new boolean[dfas[t].stateCount()];
            for (int st = 0; st < dfas[t].stateCount(); st++) {
                boolean any = false;
                for (int b = 0; b < 256 && !any; b++) {
                    any = dfas[t].next(st, b) >= 0;
                }
                finished[t][st] = !any;
            }
        }
    }

    /** ANTLR's mode commands on a plain stack; null for a pop with nothing saved. */
    private static Modes runModeCommands(Modes m, dev.stencil.automata.ir.ModeCommand[] commands) {
        for (dev.stencil.automata.ir.ModeCommand c : commands) {
            switch (c.kind()) {
                case PUSH -> m = new Modes(c.mode(), m);
                case SET -> m = new Modes(c.mode(), m.below());
                case POP -> {
                    if (m.below() == null) {
                        return null;
                    }
                    m = m.below();
                }
                default -> throw new IllegalStateException(c.toString());
            }
        }
        return m;
    }

    public Cursor start() {
        Cursor c = new Cursor();
        EarleySet first = new EarleySet();
        first.add(item(startProd, 0, 0));
        c.sets.add(first);
        closure(c.sets, 0);
        return c;
    }

    private static final int[] NONE = new int[0];
    private final java.util.concurrent.ConcurrentHashMap<String, Boolean> liveness = new java.util.concurrent.ConcurrentHashMap<>();

    private static long item(int prod, int dot, int origin) {
        return ((long) prod << 40) | ((long) dot << 32) | origin;
    }

    private static int prodOf(long item) {
        return (int) (item >>> 40);
    }

    private static int dotOf(long item) {
        return (int) ((item >>> 32) & 0xff);
    }

    private static int originOf(long item) {
        return (int) item;
    }

    /** One Earley set: items in insertion order plus a hash set for duplicates. */
    private static final class EarleySet {
        long[] items = new long[8];
        int size;
        /** The lexemes that may start after this set, by (lexer mode, after-ignorable rule) (computed on first use). */
        final java.util.Map<Integer, int[]> startPairs = new java.util.HashMap<>();
        /** Which lexemes this set expects, as a string key (computed on first use). */
        String allowedKey;
        java.util.HashSet<Long> seen = new java.util.HashSet<>();

        boolean add(long it) {
            if (!seen.add(it)) {
                return false;
            }
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = it;
            return true;
        }
    }

    private int symbolAfterDot(long it) {
        int[] r = rhs[prodOf(it)];
        int d = dotOf(it);
        return d < r.length ? r[d] : Integer.MIN_VALUE;
    }

    private void closure(List<EarleySet> sets, int k) {
        EarleySet s = sets.get(k);
        for (int i = 0; i < s.size; i++) {
            long it = s.items[i];
            int sym = symbolAfterDot(it);
            if (sym == Integer.MIN_VALUE) {
                int origin = originOf(it);
                if (origin == k) {
                    continue; // nullable completion: handled when predicting (Aycock–Horspool)
                }
                EarleySet o = sets.get(origin);
                int a = lhs[prodOf(it)];
                for (int j = 0; j < o.size; j++) {
                    long w = o.items[j];
                    if (symbolAfterDot(w) == a) {
                        s.add(item(prodOf(w), dotOf(w) + 1, originOf(w)));
                    }
                }
            } else if (sym >= 0) {
                for (int p : prodsOf[sym]) {
                    s.add(item(p, 0, k));
                }
                if (nullable[sym]) {
                    s.add(item(prodOf(it), dotOf(it) + 1, originOf(it)));
                }
            }
        }
    }

    private boolean accepting(EarleySet s) {
        for (int i = 0; i < s.size; i++) {
            long it = s.items[i];
            if (prodOf(it) == startProd && dotOf(it) == 1 && originOf(it) == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the input may end after {@code sets}: the last set accepts, or does after the
     * parser takes the end-of-input terminal a few times (ANTLR's {@code EOF} may be required
     * more than once, e.g. {@code a : b EOF; b : x EOF?}). Leaves {@code sets} as it found them.
     */
    private boolean acceptingAtEnd(List<EarleySet> sets) {
        int endOfInput = -1;
        for (int t = 0; t < g.lexemeCount(); t++) {
            if (g.isEndOfInput(t)) {
                endOfInput = t;
            }
        }
        int count = sets.size();
        boolean ok = accepting(sets.get(count - 1));
        for (int round = 0; !ok && endOfInput >= 0 && round < 8; round++) {
            EarleySet cur = sets.get(sets.size() - 1);
            EarleySet next = new EarleySet();
            for (int j = 0; j < cur.size; j++) {
                if (symbolAfterDot(cur.items[j]) == -(endOfInput + 1)) {
                    long it = cur.items[j];
                    next.add(item(prodOf(it), dotOf(it) + 1, originOf(it)));
                }
            }
            if (next.size == 0) {
                break;
            }
            sets.add(next);
            closure(sets, sets.size() - 1);
            ok = accepting(next);
        }
        while (sets.size() > count) {
            sets.remove(sets.size() - 1);
        }
        return ok;
    }

    private boolean expects(EarleySet s, int lexeme) {
        int sym = -(lexeme + 1);
        for (int i = 0; i < s.size; i++) {
            if (symbolAfterDot(s.items[i]) == sym) {
                return true;
            }
        }
        return false;
    }

    /** A lexer-mode stack as a plain immutable linked list: the current mode and the saved ones below. */
    private record Modes(int mode, Modes below) {
    }

    /** A prefix: Earley sets, the lexeme in progress, the ignorable flag and the mode stack. */
    public final class Cursor {
        final List<EarleySet> sets = new ArrayList<>();
        /** (lexeme, dfa state) pairs of the lexeme in progress; null = no byte of it yet. */
        int[] pairs;
        boolean afterIgnorable;
        Modes modes = new Modes(0, null);
        boolean dead;
        /** ANTLR-style lexing: the pairs at the lexeme's last accept when it has read on past it without accepting again, else null. */
        int[] acceptPairs;
        /** The bytes read since {@link #acceptPairs}. */
        byte[] pending;

        /** Whether {@code bytes} extend the current prefix; leaves the cursor unchanged. */
        public boolean tryBytes(byte[] bytes) {
            Saved saved = new Saved();
            boolean ok = true;
            for (byte b : bytes) {
                if (!step(b & 0xff)) {
                    ok = false;
                    break;
                }
            }
            saved.restore();
            return ok;
        }

        /** Appends {@code bytes} for good; returns false (and leaves a dead cursor) if they do not fit. */
        public boolean feed(byte[] bytes) {
            for (byte b : bytes) {
                if (dead || !step(b & 0xff)) {
                    dead = true;
                    return false;
                }
            }
            return true;
        }

        /** Whether the prefix is a complete sentence. */
        public boolean canEnd() {
            if (dead) {
                return false;
            }
            if (pairs == null) {
                return acceptingAtEnd(sets);
            }
            if (acceptPairs != null && bestPriority(pairs, endOnlyAccepts(pairs)) == Integer.MAX_VALUE) {
                // nothing accepts at the end: ANTLR ends the lexeme at its last accept and lexes the rest
                Saved saved = new Saved();
                boolean ok = fallBack() && canEnd();
                saved.restore();
                return ok;
            }
            Saved saved = new Saved();
            boolean ok = emit(true) && acceptingAtEnd(sets);
            saved.restore();
            return ok;
        }

        private boolean step(int b) {
            if (pairs != null) {
                int[] next = advance(pairs, b);
                if (next.length > 0) {
                    int[] acc = null;
                    byte[] pend = null;
                    if (lexAll && !acceptsMidInput(next)) {
                        if (acceptsMidInput(pairs)) {
                            acc = pairs;
                            pend = new byte[] {(byte) b};
                        } else if (acceptPairs != null) {
                            acc = acceptPairs;
                            pend = Arrays.copyOf(pending, pending.length + 1);
                            pend[pending.length] = (byte) b;
                        }
                    }
                    if (lexAll && !canProduceAllowed(next) && (acc == null || !fallbackViable(acc, pend))) {
                        return false; // munch must go on, into lexemes the parser cannot take
                    }
                    pairs = next;
                    acceptPairs = acc;
                    pending = pend;
                    return endIfFinished();
                }
                if (acceptPairs != null && !acceptsMidInput(pairs)) {
                    return fallBack() && step(b);
                }
                if (!emit(false)) {
                    return false;
                }
            }
            int[] fresh = advance(startPairs(), b);
            if (fresh.length == 0 || (lexAll && !canProduceAllowed(fresh))) {
                return false;
            }
            pairs = fresh;
            return endIfFinished();
        }

        /** Whether some lexeme accepts in {@code p} in the middle of the input. */
        private boolean acceptsMidInput(int[] p) {
            return bestPriority(p, false) != Integer.MAX_VALUE;
        }

        /** ANTLR's fallback: ends the lexeme at its last accept, then lexes the bytes read since. */
        private boolean fallBack() {
            byte[] replay = pending;
            pairs = acceptPairs;
            if (!emit(false)) {
                return false;
            }
            for (byte x : replay) {
                if (!step(x & 0xff)) {
                    return false;
                }
            }
            return true;
        }

        /** Whether falling back to {@code acc} with {@code pend} read since would leave a viable prefix; changes nothing. */
        private boolean fallbackViable(int[] acc, byte[] pend) {
            Saved saved = new Saved();
            acceptPairs = acc;
            pending = pend;
            boolean ok = fallBack();
            saved.restore();
            return ok;
        }

        /** A snapshot of the cursor, to undo trial steps. */
        private final class Saved {
            final int setCount = sets.size();
            final int[] savedPairs = pairs;
            final boolean savedIgn = afterIgnorable;
            final Modes savedModes = modes;
            final int[] savedAccept = acceptPairs;
            final byte[] savedPending = pending;

            void restore() {
                while (sets.size() > setCount) {
                    sets.remove(sets.size() - 1);
                }
                pairs = savedPairs;
                afterIgnorable = savedIgn;
                modes = savedModes;
                acceptPairs = savedAccept;
                pending = savedPending;
            }
        }

        /**
         * With every lexeme in play (ANTLR-style), whether some continuation of the lexeme in
         * progress ends with a winner the parser accepts here: a breadth-first search over the
         * sets of (lexeme, state) pairs reachable byte by byte.
         */
        private boolean canProduceAllowed(int[] from) {
            EarleySet cur = sets.get(sets.size() - 1);
            if (cur.allowedKey == null) {
                StringBuilder k = new StringBuilder();
                for (int t = 0; t < dfas.length; t++) {
                    k.append(!g.isIgnorable(t) && expects(cur, t) ? '1' : '0');
                }
                cur.allowedKey = k.toString();
            }
            // a pure function of (expected lexemes, ignorable rule, pairs): remember it
            String key = cur.allowedKey + (afterIgnorable ? "+" : "-") + Arrays.toString(from);
            return liveness.computeIfAbsent(key, x -> search(from, cur));
        }

        private boolean search(int[] from, EarleySet cur) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            java.util.ArrayDeque<int[]> work = new java.util.ArrayDeque<>();
            work.add(from);
            seen.add(Arrays.toString(from));
            while (!work.isEmpty()) {
                int[] p = work.poll();
                if (winnerAllowed(p, cur)) {
                    return true;
                }
                for (int b = 0; b < 256; b++) {
                    int[] q = advance(p, b);
                    if (q.length > 0 && seen.add(Arrays.toString(q))) {
                        work.add(q);
                    }
                }
            }
            return false;
        }

        /** Whether a winner at {@code p}, in the middle of the input or at its end, is one the parser takes. */
        private boolean winnerAllowed(int[] p, EarleySet cur) {
            return winnerAllowed(p, cur, false) || winnerAllowed(p, cur, true);
        }

        private boolean winnerAllowed(int[] p, EarleySet cur, boolean atEnd) {
            boolean endOnly = atEnd && endOnlyAccepts(p);
            int best = bestPriority(p, endOnly);
            for (int i = 0; i < p.length; i += 2) {
                int t = p[i];
                if (!dfas[t].isAccepting(p[i + 1]) || g.isEndOnly(t) != endOnly || g.priority(t) != best) {
                    continue;
                }
                boolean allowed = g.isIgnorable(t)
                        ? !afterIgnorable || g.isIgnorableRepeatable(t)
                        : expects(cur, t);
                if (allowed) {
                    return true;
                }
            }
            return false;
        }

        /**
         * When no byte can extend any lexeme in progress, the lexeme is over: end it now, so that
         * a prefix whose finished lexeme the parser cannot take is not viable.
         */
        private boolean endIfFinished() {
            for (int i = 0; i < pairs.length; i += 2) {
                if (!finished[pairs[i]][pairs[i + 1]]) {
                    return true;
                }
            }
            if (endOnlyAccepts(pairs)) {
                return true; // the end of the input could still pick an end-only lexeme: keep it open
            }
            return emit(false);
        }

        /** Whether an end-only lexeme accepts in {@code p}. */
        private boolean endOnlyAccepts(int[] p) {
            for (int i = 0; i < p.length; i += 2) {
                if (g.isEndOnly(p[i]) && dfas[p[i]].isAccepting(p[i + 1])) {
                    return true;
                }
            }
            return false;
        }

        /** Best priority among the accepting lexemes of {@code p} that are (not) end-only; MAX_VALUE if none. */
        private int bestPriority(int[] p, boolean endOnly) {
            int best = Integer.MAX_VALUE;
            for (int i = 0; i < p.length; i += 2) {
                if (dfas[p[i]].isAccepting(p[i + 1]) && g.isEndOnly(p[i]) == endOnly) {
                    best = Math.min(best, g.priority(p[i]));
                }
            }
            return best;
        }

        /**
         * Ends the lexeme in progress: feeds the winning lexemes to the parser and runs their mode
         * commands. At the end of the input ({@code atEnd}) end-only lexemes win if any accepts.
         */
        private boolean emit(boolean atEnd) {
            boolean endOnly = atEnd && endOnlyAccepts(pairs);
            int best = bestPriority(pairs, endOnly);
            if (best == Integer.MAX_VALUE) {
                return false;
            }
            EarleySet cur = sets.get(sets.size() - 1);
            EarleySet next = new EarleySet();
            boolean ignorable = false;
            boolean repeatable = true;
            Modes after = null;
            for (int i = 0; i < pairs.length; i += 2) {
                int t = pairs[i];
                if (!dfas[t].isAccepting(pairs[i + 1]) || g.isEndOnly(t) != endOnly || g.priority(t) != best) {
                    continue;
                }
                if (after == null) {
                    after = runModeCommands(modes, g.modeCommands(t));
                    if (after == null) {
                        return false; // popMode with nothing saved
                    }
                }
                if (g.isIgnorable(t)) {
                    ignorable = true;
                    repeatable &= g.isIgnorableRepeatable(t);
                    continue;
                }
                int sym = -(t + 1);
                for (int j = 0; j < cur.size; j++) {
                    long it = cur.items[j];
                    if (symbolAfterDot(it) == sym) {
                        next.add(item(prodOf(it), dotOf(it) + 1, originOf(it)));
                    }
                }
            }
            pairs = null;
            acceptPairs = null;
            pending = null;
            if (next.size > 0) {
                sets.add(next);
                closure(sets, sets.size() - 1);
                afterIgnorable = false;
                modes = after;
                return true;
            }
            if (!ignorable) {
                return false;
            }
            modes = after;
            if (!repeatable) {
                afterIgnorable = true;
            }
            return true;
        }

        /** The lexemes that may start at the current boundary, each at its DFA's start. */
        private int[] startPairs() {
            EarleySet cur = sets.get(sets.size() - 1);
            int variant = modes.mode() * 2 + (afterIgnorable ? 1 : 0);
            return cur.startPairs.computeIfAbsent(variant, v -> computeStartPairs(cur));
        }

        private int[] computeStartPairs(EarleySet cur) {
            int[] out = new int[2 * dfas.length];
            int n = 0;
            for (int t = 0; t < dfas.length; t++) {
                if (g.lexemeMode(t) != modes.mode() || g.isEndOfInput(t)) {
                    continue;
                }
                boolean inPlay;
                if (g.isIgnorable(t)) {
                    inPlay = !afterIgnorable || g.isIgnorableRepeatable(t);
                } else {
                    inPlay = lexAll || expects(cur, t);
                }
                if (inPlay) {
                    out[n++] = t;
                    out[n++] = dfas[t].start();
                }
            }
            return Arrays.copyOf(out, n);
        }

        private int[] advance(int[] from, int b) {
            if (from.length == 2) { // one lexeme in play: the common case, no scratch array
                int st = dfas[from[0]].next(from[1], b);
                return st < 0 ? NONE : new int[] {from[0], st};
            }
            int[] out = new int[from.length];
            int n = 0;
            for (int i = 0; i < from.length; i += 2) {
                int s = dfas[from[i]].next(from[i + 1], b);
                if (s >= 0) {
                    out[n++] = from[i];
                    out[n++] = s;
                }
            }
            return n == out.length ? out : Arrays.copyOf(out, n);
        }
    }
}
