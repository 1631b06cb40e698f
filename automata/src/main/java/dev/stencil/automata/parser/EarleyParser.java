package dev.stencil.automata.parser;

import dev.stencil.automata.GrammarException;
import dev.stencil.automata.lexer.LexerAutomaton;
import dev.stencil.automata.lexer.ModeStacks;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Earley recognition over lexemes, on interned {@link ParseNode}s.
 *
 * <p>{@link #scan(ParseNode, int)} is the only transition: it advances the items waiting for the
 * emitted lexemes, closes the set (prediction, completion against the origin nodes, and
 * Aycock–Horspool handling of nullable nonterminals), and interns the result. Results are memoised
 * per node, so a steady-state parse does one small map lookup per lexeme.
 *
 * <p>Interning compares an item's origin by its <em>continuation</em> (what completing the item
 * resumes there, see {@link #continuation}), not by the origin's identity. With identity, an item
 * that points at the position just before it (say {@code element: atom . quantifier?} after each
 * character of a regular expression) makes every position a new node: the chain of origins never
 * repeats, so nothing is memoised, a mask walk over the vocabulary trie creates a node per trie
 * node, and the intern table grows without bound. By continuation, the state after the 1,000th
 * element is again the state after the 2nd.
 *
 * <p>Ignorable lexemes (whitespace, comments) do not move the parse: they return the same node,
 * or for non-repeatable ignorables its "after ignorable" twin, which forbids a second one in a
 * row. If a lexeme set mixes ignorable and grammar lexemes (both matched the same bytes), the
 * grammar lexemes win.
 *
 * <p>The intern tables are bounded: past {@link #stateLimit} states a new generation starts (fresh
 * tables and a fresh root), so a long-running process that sees ever new inputs does not keep
 * every state, with its memos and cached masks, forever. Nothing depends on two equal states
 * being one object (a state is a function of its key, continuation ids are never reused), so
 * matchers holding states of an old generation go on correctly; the old states are freed when
 * the last of them is dropped.
 *
 * <p>Thread-safe: nodes are immutable once published and the intern tables are concurrent.
 */
public final class EarleyParser {
    /** Sentinel stored in scan memos for "these lexemes are not allowed here". */
    static final ParseNode DEAD = new ParseNode(-1, new int[0], new ParseNode[0], new int[0], new int[0], false, 0);

    private final BnfGrammar g;
    private final LexerAutomaton lexer;
    private final boolean lexAllLexemes;
    private final int acceptCore;
    private final int[] grammarLexemes;
    /** Id of {@code Lexeme.endOfInput()} in the grammar, or -1: scanned only by {@link #acceptsAtEnd}. */
    private final int endOfInput;
    private final ModeStacks modeStacks = new ModeStacks();
    /** Default {@link #stateLimit}: about a few hundred MB of states and masks on a 128K vocabulary in the worst grammars seen. */
    private static final int DEFAULT_STATE_LIMIT = Integer.getInteger("stencil.parserStates", 50_000);
    private volatile int stateLimit = DEFAULT_STATE_LIMIT;
    private volatile ConcurrentHashMap<NodeKey, ParseNode> interned = new ConcurrentHashMap<>();
    private volatile ConcurrentHashMap<ContinuationKey, Integer> continuations = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger generations = new java.util.concurrent.atomic.AtomicInteger(1);
    private final java.util.concurrent.atomic.AtomicInteger continuationIds = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger ids = new java.util.concurrent.atomic.AtomicInteger();
    private volatile ParseNode root;

    /**
     * @param lexAllLexemes true for a context-free lexer (ANTLR semantics: every lexeme is in play
     *     at every boundary and the parser rejects unexpected ones); false to let only the lexemes
     *     the parser expects compete (the usual choice for JSON grammars).
     */
    public EarleyParser(BnfGrammar g, LexerAutomaton lexer, boolean lexAllLexemes) {
        this.g = g;
        this.lexer = lexer;
        this.lexAllLexemes = lexAllLexemes;
        if (g.modeCount() > 1 && !lexAllLexemes) {
            throw new GrammarException("grammar '" + g.name() + "' has lexer modes, which need ANTLR-style lexing"
                    + " (every lexeme of the current mode competes at every boundary)");
        }
        this.acceptCore = g.firstCore[g.startProduction] + 1;
        int n = 0;
        int[] all = new int[g.lexemeCount()];
        int endOfInput = -1;
        for (int t = 0; t < g.lexemeCount(); t++) {
            if (g.isEndOfInput(t)) {
                endOfInput = t;
            } else if (!g.isIgnorable(t)) {
                all[n++] = t;
            }
        }
        this.endOfInput = endOfInput;
        this.grammarLexemes = Arrays.copyOf(all, n);
        this.root = newRoot();
    }

    private ParseNode newRoot() {
        Builder b = new Builder();
        b.add(g.firstCore[g.startProduction], null, -1, false);
        return b.close(null, false, ModeStacks.START);
    }

    /**
     * States per generation of the intern tables (default 50,000, {@code -Dstencil.parserStates}).
     * Lowering it below the current count starts a new generation at the next new state.
     */
    public void stateLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("state limit must be positive: " + limit);
        }
        stateLimit = limit;
    }

    /** Generations of the intern tables so far (1 until the state limit is first reached). */
    public int generations() {
        return generations.get();
    }

    /** Replaces the intern tables and the root once {@code full} (the current table) is past the limit. */
    private synchronized void startGeneration(ConcurrentHashMap<NodeKey, ParseNode> full) {
        if (interned != full) {
            return; // another thread already did
        }
        interned = new ConcurrentHashMap<>();
        continuations = new ConcurrentHashMap<>();
        generations.incrementAndGet();
        root = newRoot();
    }

    /** The interned lexer-mode stacks that {@link ParseNode#modeStack()} ids refer to. */
    public ModeStacks modeStacks() {
        return modeStacks;
    }

    /**
     * Whether lexemes other than the ones the parser expects compete (ANTLR-style lexing); then
     * {@link ParseNode#allowedBits()} says which of them may actually be produced.
     */
    public boolean lexesAllLexemes() {
        return lexAllLexemes;
    }

    /** The state before any input (of the current generation: equal in behaviour to earlier roots). */
    public ParseNode root() {
        return root;
    }

    public BnfGrammar grammar() {
        return g;
    }

    /** Number of distinct parser states in the current generation (for reports and tests). */
    public int nodeCount() {
        return interned.size();
    }

    /** Number of distinct continuations in the current generation (for reports and tests). */
    public int continuationCount() {
        return continuations.size();
    }

    /**
     * The continuation id of {@code node} for nonterminal {@code lhs}: the identity of what
     * completing an item of {@code lhs} that started at {@code node} does. Completion reads the
     * node's items waiting for {@code lhs}, each with its own origin's continuation, and for those
     * that started at the node itself, recursively the items waiting for their left-hand side. Two
     * nodes with equal such item sets resume identically, so items whose origins have equal
     * continuations are interchangeable; the id is interned on exactly that item set.
     *
     * <p>Only published nodes have continuations: the items of {@code node} are final.
     */
    int continuation(ParseNode node, int lhs) {
        Integer known = node.continuations.get(lhs);
        if (known != null) {
            return known;
        }
        long[] entries = new long[8];
        int n = 0;
        int[] work = new int[4];
        int pending = 0;
        work[pending++] = lhs;
        java.util.BitSet visited = new java.util.BitSet();
        visited.set(lhs);
        while (pending > 0) {
            int sym = work[--pending];
            for (int j = node.firstWaiting(sym); j < node.nexts.length && node.nexts[j] == sym; j++) {
                int oc = node.originConts[j];
                if (n == entries.length) {
                    entries = Arrays.copyOf(entries, n * 2);
                }
                entries[n++] = ((long) node.cores[j] << 32) | ((oc + 1) & 0xffffffffL);
                int parent = g.coreLhs[node.cores[j]];
                if (oc < 0 && !visited.get(parent)) {
                    // started here: completing it resumes this node's items waiting for its lhs
                    visited.set(parent);
                    if (pending == work.length) {
                        work = Arrays.copyOf(work, pending * 2);
                    }
                    work[pending++] = parent;
                }
            }
        }
        long[] sorted = Arrays.copyOf(entries, n);
        Arrays.sort(sorted);
        ContinuationKey key = new ContinuationKey(lhs, sorted);
        Integer id = continuations.get(key);
        if (id == null) {
            Integer fresh = continuationIds.getAndIncrement();
            id = continuations.putIfAbsent(key, fresh);
            if (id == null) {
                id = fresh;
            }
        }
        return node.continuations.putIfAbsent(lhs, id);
    }

    /**
     * The node after lexemes {@code emitSet} (an id from {@link LexerAutomaton#emitSet}) end at
     * {@code node}; null if none of them may come here.
     */
    public ParseNode scan(ParseNode node, int emitSet) {
        ParseNode next = node.scanMemo.get(emitSet);
        if (next == null) {
            next = computeScan(node, lexer.emitSet(emitSet));
            next = node.scanMemo.putIfAbsent(emitSet, next == null ? DEAD : next);
        }
        return next == DEAD ? null : next;
    }

    /**
     * Whether the input may end at {@code node}: it is accepting, or becomes so after the parser
     * takes the end of the input ({@code Lexeme.endOfInput()}) one or more times.
     */
    public boolean acceptsAtEnd(ParseNode node) {
        if (node.accepting || endOfInput < 0) {
            return node.accepting;
        }
        Boolean known = node.acceptsAtEnd;
        if (known != null) {
            return known;
        }
        boolean result = false;
        java.util.Set<ParseNode> seen = new java.util.HashSet<>();
        ParseNode cur = node;
        int sym = -(endOfInput + 1);
        while (cur != null && seen.add(cur)) {
            if (cur.accepting) {
                result = true;
                break;
            }
            Builder b = new Builder();
            for (int i = cur.firstWaiting(sym); i < cur.nexts.length && cur.nexts[i] == sym; i++) {
                b.advance(cur, i);
            }
            cur = b.size == 0 ? null : b.close(cur, false, cur.modeStack);
        }
        node.acceptsAtEnd = result;
        return result;
    }

    private ParseNode computeScan(ParseNode node, int[] lexemes) {
        // lexemes of one emit set run the same mode commands (BnfGrammar checks ties)
        int stack = modeStacks.apply(node.modeStack, g.modeCommands(lexemes[0]));
        if (stack == ModeStacks.INVALID) {
            return null; // popMode with no mode saved: ANTLR's lexer fails there
        }
        Builder b = new Builder();
        boolean ignorableSeen = false;
        for (int t : lexemes) {
            if (g.isIgnorable(t)) {
                if (Arrays.binarySearch(node.allowed, t) >= 0) {
                    ignorableSeen = true;
                }
                continue;
            }
            int sym = -(t + 1);
            for (int i = node.firstWaiting(sym); i < node.nexts.length && node.nexts[i] == sym; i++) {
                b.advance(node, i);
            }
        }
        if (b.size > 0) {
            return b.close(node, false, stack);
        }
        if (!ignorableSeen) {
            return null;
        }
        boolean repeatable = true;
        for (int t : lexemes) {
            if (g.isIgnorable(t) && !g.isIgnorableRepeatable(t)) {
                repeatable = false;
            }
        }
        return twin(node, repeatable ? node.afterIgnorable : true, stack);
    }

    /**
     * The node with the same items that no longer allows non-repeatable ignorables. Its items keep
     * their origins, including those that point at {@code node} itself: both stand for the same
     * input position, so completions read the same items either way.
     */
    private ParseNode twin(ParseNode node, boolean afterIgnorable, int modeStack) {
        if (node.afterIgnorable == afterIgnorable && node.modeStack == modeStack) {
            return node;
        }
        int[] conts = new int[node.cores.length];
        for (int i = 0; i < conts.length; i++) {
            conts[i] = originContinuation(node, i);
        }
        NodeKey key = new NodeKey(node.cores, conts, afterIgnorable, modeStack);
        ParseNode existing = interned.get(key);
        if (existing != null) {
            return existing;
        }
        ParseNode fresh = new ParseNode(ids.getAndIncrement(), node.cores, node.origins, conts, node.nexts, afterIgnorable, modeStack);
        fresh.accepting = node.accepting;
        return publish(key, fresh);
    }

    /** The continuation of item {@code i}'s origin in published {@code node}, resolving "this node" to its id. */
    private int originContinuation(ParseNode node, int i) {
        int c = node.originConts[i];
        return c >= 0 ? c : continuation(node, g.coreLhs[node.cores[i]]);
    }

    private ParseNode publish(NodeKey key, ParseNode fresh) {
        fresh.accepting |= computeAccepting(fresh);
        fresh.allowed = computeAllowed(fresh);
        if (lexAllLexemes) {
            fresh.lexStart = lexer.initialState(inPlay(fresh));
            long[] bits = new long[(g.lexemeCount() + 63) >>> 6];
            for (int l : fresh.allowed) {
                bits[l >>> 6] |= 1L << l;
            }
            fresh.allowedBits = bits;
        } else {
            fresh.lexStart = lexer.initialState(fresh.allowed);
        }
        ConcurrentHashMap<NodeKey, ParseNode> table = interned;
        ParseNode raced = table.putIfAbsent(key, fresh);
        if (raced == null && table.size() > stateLimit) {
            startGeneration(table);
        }
        return raced != null ? raced : fresh;
    }

    private boolean computeAccepting(ParseNode n) {
        for (int i = 0; i < n.cores.length; i++) {
            // only a root predicts the start production, so its completed item started at one
            if (n.cores[i] == acceptCore) {
                return true;
            }
        }
        return false;
    }

    /** ANTLR-style lexing: every grammar lexeme of the current mode competes, plus the ignorables allowed here. */
    private int[] inPlay(ParseNode n) {
        int mode = modeStacks.mode(n.modeStack);
        int[] out = new int[g.lexemeCount()];
        int count = 0;
        for (int t : grammarLexemes) {
            if (g.lexemeMode(t) == mode) {
                out[count++] = t;
            }
        }
        for (int t = 0; t < g.lexemeCount(); t++) {
            if (g.isIgnorable(t) && g.lexemeMode(t) == mode && (!n.afterIgnorable || g.isIgnorableRepeatable(t))) {
                out[count++] = t;
            }
        }
        int[] set = Arrays.copyOf(out, count);
        Arrays.sort(set);
        return set;
    }

    /** The lexemes the parser accepts next (expected terminals) plus the ignorables allowed here. */
    private int[] computeAllowed(ParseNode n) {
        int mode = modeStacks.mode(n.modeStack);
        int[] out = new int[g.lexemeCount()];
        int count = 0;
        int last = 0;
        // terminals are negative symbols, sorted first (after END); walk them in order
        for (int i = 0; i < n.nexts.length && n.nexts[i] < 0; i++) {
            int sym = n.nexts[i];
            if (sym == BnfGrammar.END || sym == last || -sym - 1 == endOfInput) {
                continue;
            }
            last = sym;
            out[count++] = -sym - 1;
        }
        for (int t = 0; t < g.lexemeCount(); t++) {
            if (g.isIgnorable(t) && g.lexemeMode(t) == mode && (!n.afterIgnorable || g.isIgnorableRepeatable(t))) {
                out[count++] = t;
            }
        }
        int[] allowed = Arrays.copyOf(out, count);
        Arrays.sort(allowed);
        return allowed;
    }

    /** Accumulates the items of a new node, closes them, canonicalises and interns. */
    private final class Builder {
        int[] cores = new int[16];
        ParseNode[] origins = new ParseNode[16]; // null = this new node
        int[] conts = new int[16];               // the origin's continuation for the core's lhs; -1 = this new node
        boolean[] closed = new boolean[16];      // added with its whole prediction: nothing left to do
        int size;
        long[] seen = new long[64];
        int seenCount;
        /** Nonterminals whose whole prediction is in already (a bit per nonterminal, allocated on first use). */
        long[] predicted;

        /** Adds item {@code i} of published node {@code from} with the dot moved over its next symbol. */
        void advance(ParseNode from, int i) {
            add(from.cores[i] + 1, from.origins[i], originContinuation(from, i), false);
        }

        /**
         * Adds an item unless one with the same core and an origin of the same continuation is
         * there: such items complete identically, so one stands for all.
         */
        void add(int core, ParseNode origin, int cont, boolean alreadyClosed) {
            long key = ((long) core << 32) | ((cont + 1) & 0xffffffffL);
            if (!insertSeen(key)) {
                return;
            }
            if (size == cores.length) {
                cores = Arrays.copyOf(cores, size * 2);
                origins = Arrays.copyOf(origins, size * 2);
                conts = Arrays.copyOf(conts, size * 2);
                closed = Arrays.copyOf(closed, size * 2);
            }
            cores[size] = core;
            origins[size] = origin;
            conts[size] = cont;
            closed[size] = alreadyClosed;
            size++;
        }

        /** Open-addressing set of (core, origin) keys; returns false if already present. */
        private boolean insertSeen(long key) {
            if ((seenCount + 1) * 2 > seen.length) {
                long[] old = seen;
                seen = new long[old.length * 2];
                seenCount = 0;
                for (long k : old) {
                    if (k != 0) {
                        putSeen(k + 0); // keys are stored +1 so that 0 means free
                    }
                }
            }
            return putSeen(key + 1);
        }

        private boolean putSeen(long stored) {
            int mask = seen.length - 1;
            int i = (int) (mix(stored) & mask);
            while (seen[i] != 0) {
                if (seen[i] == stored) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            seen[i] = stored;
            seenCount++;
            return true;
        }

        /** Closes the item set, then returns the interned node ({@code previous} is the node scanned from). */
        ParseNode close(ParseNode previous, boolean afterIgnorable, int modeStack) {
            for (int i = 0; i < size; i++) {
                if (closed[i]) {
                    continue; // part of a precomputed prediction, already closed
                }
                int core = cores[i];
                ParseNode origin = origins[i];
                int cont = conts[i];
                int sym = g.coreNext[core];
                if (sym == BnfGrammar.END) {
                    if (origin == null) {
                        continue; // an empty derivation here; Aycock–Horspool already advanced its waiters
                    }
                    int lhs = g.coreLhs[core];
                    for (int j = origin.firstWaiting(lhs); j < origin.nexts.length && origin.nexts[j] == lhs; j++) {
                        advance(origin, j);
                    }
                } else if (sym >= 0) {
                    // self-origin items of a prediction need no processing: completing them is
                    // the nullable case handled by stepping over nullable symbols, and their own
                    // predictions are in the precomputed set
                    // a prediction set is closed, so it holds the prediction of every nonterminal
                    // it predicts: once a nonterminal is in, skip re-adding (re-probing) its cores
                    if (predicted == null) {
                        predicted = new long[(g.nonterminalCount() + 63) >>> 6];
                    }
                    if ((predicted[sym >>> 6] & (1L << sym)) == 0) {
                        for (int c : g.prediction(sym)) {
                            int lhs = g.coreLhs[c];
                            predicted[lhs >>> 6] |= 1L << lhs;
                            add(c, null, -1, true);
                        }
                    }
                    if (g.nullable[sym]) {
                        add(core + 1, origin, cont, false);
                    }
                }
            }
            return canonical(afterIgnorable, modeStack);
        }

        private ParseNode canonical(boolean afterIgnorable, int modeStack) {
            // Sort by (next symbol, core, origin continuation) with one primitive sort: coreRank
            // orders cores by (next symbol, core), and (core, continuation) pairs are distinct, so
            // the packed keys are.
            //
            // Completed items are left out (except the start production's, which makes the node
            // accepting): closing the set has already done everything they do, and no later step
            // reads them, so keeping them would only tell apart states with the same future, such
            // as "after letter 'a'" and "after letter 'b'".
            long[] keys = new long[size];
            int kept = 0;
            for (int i = 0; i < size; i++) {
                if (g.coreNext[cores[i]] == BnfGrammar.END && cores[i] != acceptCore) {
                    continue;
                }
                keys[kept++] = ((long) g.coreRank[cores[i]] << 32) | ((conts[i] + 1) & 0xffffffffL);
            }
            keys = Arrays.copyOf(keys, kept);
            Arrays.sort(keys);
            // any origin with a given continuation stands for all of them (same completions)
            OriginTable table = new OriginTable(size);
            for (int i = 0; i < size; i++) { // every builder item: a kept one may share its continuation with a dropped one
                if (origins[i] != null) {
                    table.put(conts[i], origins[i]);
                }
            }
            int[] sCores = new int[kept];
            int[] sNexts = new int[kept];
            int[] sConts = new int[kept];
            ParseNode[] sOrigins = new ParseNode[kept];
            for (int i = 0; i < kept; i++) {
                int core = g.coreByRank[(int) (keys[i] >>> 32)];
                int cont = (int) keys[i] - 1;
                sCores[i] = core;
                sNexts[i] = g.coreNext[core];
                sConts[i] = cont;
                sOrigins[i] = cont < 0 ? null : table.get(cont);
            }
            NodeKey key = new NodeKey(sCores, sConts, afterIgnorable, modeStack);
            ParseNode existing = interned.get(key);
            if (existing != null) {
                return existing;
            }
            ParseNode fresh = new ParseNode(ids.getAndIncrement(), sCores, sOrigins, sConts, sNexts, afterIgnorable, modeStack);
            for (int i = 0; i < kept; i++) {
                if (sOrigins[i] == null) {
                    sOrigins[i] = fresh;
                }
            }
            return publish(key, fresh);
        }
    }

    /** One origin node per continuation id, for one builder (open addressing; the first put wins). */
    private static final class OriginTable {
        final int[] keys;
        final ParseNode[] slots;

        OriginTable(int items) {
            int cap = Integer.highestOneBit(Math.max(4, items) * 2) * 2;
            keys = new int[cap];
            slots = new ParseNode[cap];
        }

        void put(int cont, ParseNode n) {
            int mask = slots.length - 1;
            int i = (int) mix(cont) & mask;
            while (slots[i] != null && keys[i] != cont) {
                i = (i + 1) & mask;
            }
            if (slots[i] == null) {
                keys[i] = cont;
                slots[i] = n;
            }
        }

        ParseNode get(int cont) {
            int mask = slots.length - 1;
            int i = (int) mix(cont) & mask;
            while (keys[i] != cont || slots[i] == null) {
                i = (i + 1) & mask;
            }
            return slots[i];
        }
    }

    private static long mix(long k) {
        k *= 0x9E3779B97F4A7C15L;
        return k ^ (k >>> 29);
    }

    /** Identity of a continuation: the nonterminal completed and the packed (core, origin continuation) items it resumes. */
    private static final class ContinuationKey {
        final int lhs;
        final long[] items;
        final int hash;

        ContinuationKey(int lhs, long[] items) {
            this.lhs = lhs;
            this.items = items;
            this.hash = Arrays.hashCode(items) * 31 + lhs;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ContinuationKey k && k.hash == hash && k.lhs == lhs && Arrays.equals(k.items, items);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** Identity of a canonical node: sorted cores, origin continuations (-1 = itself), the ignorable flag, the mode stack. */
    private static final class NodeKey {
        final int[] cores;
        final int[] originIds;
        final boolean afterIgnorable;
        final int modeStack;
        final int hash;

        NodeKey(int[] cores, int[] originIds, boolean afterIgnorable, int modeStack) {
            this.cores = cores;
            this.originIds = originIds;
            this.afterIgnorable = afterIgnorable;
            this.modeStack = modeStack;
            this.hash = ((Arrays.hashCode(cores) * 31 + Arrays.hashCode(originIds)) * 31 + modeStack) * 2 + (afterIgnorable ? 1 : 0);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof NodeKey k && k.hash == hash && k.afterIgnorable == afterIgnorable && k.modeStack == modeStack
                    && Arrays.equals(k.cores, cores) && Arrays.equals(k.originIds, originIds);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
