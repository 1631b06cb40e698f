package dev.stencil.automata.mask;

import dev.stencil.automata.lexer.LexerAutomaton;
import dev.stencil.automata.parser.EarleyParser;
import dev.stencil.automata.parser.ParseNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Computes allowed-token masks for a (parser node, lexer state) position, and steps positions
 * byte by byte. One per compiled grammar; thread-safe; all caches fill lazily and monotonically.
 *
 * <p>A position is a {@link ParseNode} (the parse up to the last finished lexeme) plus the lexer
 * state inside the current lexeme, or {@link #AT_START} before any byte of it. The mask for a
 * position is {@code classes(lexState).accept} plus the boundary-crossing tokens the node allows;
 * the latter are found by walking the lexer state's small suffix tries with the real parser
 * (usually a few hundred trie nodes) and are then cached on the node.
 */
public final class MaskEngine {
    /** Lexer "state" of a position at a lexeme boundary: nothing of the next lexeme read yet. */
    public static final int AT_START = -2;

    private final VocabularyIndex vocab;
    private final LexerAutomaton lexer;
    private final EarleyParser parser;
    private final TokenClassifier classifier;
    /** ANTLR-style lexing: a lexeme that dies past an accept falls back to it (see {@link Fallback}). */
    private final boolean fallsBack;
    private volatile TokenClasses[] classes = new TokenClasses[64];
    /** Per lexer state, computed on first use: see {@link #noAcceptAhead}. */
    private volatile long[][] noAccept = new long[64][];
    private long classesHeap;

    public MaskEngine(VocabularyIndex vocab, LexerAutomaton lexer, EarleyParser parser) {
        this.vocab = vocab;
        this.lexer = lexer;
        this.parser = parser;
        this.classifier = new TokenClassifier(vocab, lexer, parser.lexesAllLexemes());
        this.fallsBack = parser.lexesAllLexemes();
    }

    public VocabularyIndex vocabulary() {
        return vocab;
    }

    public EarleyParser parser() {
        return parser;
    }

    public LexerAutomaton lexer() {
        return lexer;
    }

    // ------------------------------------------------------------------ masks

    /**
     * Writes the allowed-token mask for position ({@code node}, {@code lexState}) into {@code mask}
     * (bit {@code id & 63} of word {@code id >>> 6}); every bit past the vocabulary is cleared.
     */
    public void fillMask(ParseNode node, int lexState, long[] mask) {
        MaskEntry e = entry(node, lexState);
        long[] accept = e.accept;
        int words = Math.min(accept.length, mask.length);
        System.arraycopy(accept, 0, mask, 0, words);
        if (mask.length > words) {
            Arrays.fill(mask, words, mask.length, 0L);
        }
        MaskEntry root = e.root;
        if (root != null) {
            long[] filter = e.rootFilter;
            long[] next = root.accept;
            for (int w = 0; w < words; w++) {
                mask[w] |= next[w] & filter[w];
            }
            for (int id : root.extra) {
                mask[id >>> 6] |= (1L << id) & filter[id >>> 6];
            }
        }
        for (int id : e.extra) {
            mask[id >>> 6] |= 1L << id;
        }
        int eos = vocab.eosTokenId;
        if (e.eos && eos >= 0 && (eos >>> 6) < mask.length) {
            mask[eos >>> 6] |= 1L << eos;
        }
    }

    /**
     * {@link #fillMask(ParseNode, int, long[])} for a position that may carry a {@link Fallback}:
     * a token is allowed if the lexeme in progress takes it (the position's own mask, whose
     * classes already fall back to accepts <em>inside</em> the token), or if the lexeme reaches
     * no accept within the token's bytes and the fallback position takes the token.
     */
    public void fillMask(Position pos, long[] mask) {
        fillMask(pos.node, pos.lexState, mask);
        Fallback fb = pos.fallback;
        if (fb == null) {
            return;
        }
        long[] noAcc = noAcceptAhead(pos.lexState);
        int words = Math.min(noAcc.length, mask.length);
        int[][] undecided = undecidedByFirstByte(entry(pos.node, pos.lexState), noAcc, mask, words);
        if (undecided != null) {
            // usually the lexeme in progress already allows nearly every token that reaches no
            // accept (inside "<script ...>" it can only die on bytes that are not UTF-8), and the
            // fallback's parser node is new at each step: step the few undecided tokens instead
            // of computing a whole mask there, each first byte once (most kill the fallback)
            for (int first = 0; first < 256; first++) {
                int[] ids = undecided[first];
                if (ids == null) {
                    continue;
                }
                Position p = fb.toPosition();
                if (!step(p, first)) {
                    continue;
                }
                for (int id : ids) {
                    if (takesBytes(p, vocab.tokenBytes[id])) {
                        mask[id >>> 6] |= 1L << id;
                    }
                }
            }
        } else {
            long[] alt = new long[mask.length];
            fillMask(fb.toPosition(), alt);
            for (int w = 0; w < words; w++) {
                mask[w] |= alt[w] & noAcc[w];
            }
        }
        int eos = vocab.eosTokenId;
        if (eos >= 0 && (eos >>> 6) < mask.length && canEnd(pos)) {
            mask[eos >>> 6] |= 1L << eos;
        }
    }

    /** Below this many tokens for a {@link Fallback} to decide, they are stepped one by one rather than masked. */
    private static final int FALLBACK_TOKENS_STEPPED = 2048;
    private static final int[][] TOO_MANY = new int[0][];

    /**
     * The tokens that {@code e}'s mask (already in {@code mask}) leaves to a fallback, grouped by
     * first byte and cached on the entry; null when there are more than
     * {@link #FALLBACK_TOKENS_STEPPED} (then the fallback's whole mask is cheaper).
     */
    private int[][] undecidedByFirstByte(MaskEntry e, long[] noAcc, long[] mask, int words) {
        int[][] groups = e.fallbackUndecided;
        if (groups == null) {
            int[] perByte = new int[256];
            int total = 0;
            for (int w = 0; w < words; w++) {
                for (long bits = noAcc[w] & ~mask[w]; bits != 0; bits &= bits - 1) {
                    perByte[vocab.tokenBytes[(w << 6) + Long.numberOfTrailingZeros(bits)][0] & 0xff]++;
                    total++;
                }
            }
            if (total > FALLBACK_TOKENS_STEPPED) {
                groups = TOO_MANY;
            } else {
                groups = new int[256][];
                int[] fill = new int[256];
                for (int w = 0; w < words; w++) {
                    for (long bits = noAcc[w] & ~mask[w]; bits != 0; bits &= bits - 1) {
                        int id = (w << 6) + Long.numberOfTrailingZeros(bits);
                        int first = vocab.tokenBytes[id][0] & 0xff;
                        if (groups[first] == null) {
                            groups[first] = new int[perByte[first]];
                        }
                        groups[first][fill[first]++] = id;
                    }
                }
            }
            e.fallbackUndecided = groups;
        }
        return groups == TOO_MANY ? null : groups;
    }

    /** Whether {@code bytes[1..]} can follow {@code afterFirst}, the position after {@code bytes[0]} (what a mask bit says, by stepping). */
    private boolean takesBytes(Position afterFirst, byte[] bytes) {
        if (bytes.length == 1) {
            return true;
        }
        Position p = new Position(afterFirst.node, afterFirst.lexState, afterFirst.fallback);
        for (int i = 1; i < bytes.length; i++) {
            if (!step(p, bytes[i] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the input may end at this position, falling back to the last accept if the lexeme in progress accepts nothing. */
    public boolean canEnd(Position pos) {
        if (pos.fallback != null && pos.lexState != AT_START && lexer.tables().emitAtEnd[pos.lexState] < 0) {
            return canEnd(pos.fallback.toPosition());
        }
        return canEnd(pos.node, pos.lexState);
    }

    /**
     * Tokens whose bytes, read from lexer state {@code s}, never reach an accepting state before
     * the lexeme in progress dies or the token ends: exactly the tokens for which a position's
     * {@link Fallback} decides (any accept on the way replaces the fallback). Parser-independent;
     * computed on first use, only for states that a position with a fallback reaches.
     */
    private long[] noAcceptAhead(int s) {
        long[][] arr = noAccept;
        if (s < arr.length && arr[s] != null) {
            return arr[s];
        }
        ByteTrie trie = vocab.trie;
        LexerAutomaton.Tables tables = lexer.tables();
        int[] trans = tables.trans;
        int[] emit = tables.emit;
        long[] bits = new long[vocab.maskWords()];
        int[] stack = new int[trie.maxDepth + 1];
        stack[0] = s;
        int i = 1;
        while (i < trie.label.length) {
            int d = trie.depth[i];
            int t = trans[stack[d - 1] * 256 + (trie.label[i] & 0xff)];
            if (t >= 0 && emit[t] >= 0) {
                i = trie.skip[i]; // accepts: the fallback is replaced
                continue;
            }
            int end = t < 0 ? trie.idStart[trie.skip[i]] : trie.idStart[i + 1]; // dies: the whole subtree
            for (int k = trie.idStart[i]; k < end; k++) {
                int id = trie.ids[k];
                bits[id >>> 6] |= 1L << id;
            }
            if (t < 0) {
                i = trie.skip[i];
            } else {
                if (trie.skip[i] != i + 1 && !tables.ready(t)) { // its children read t's row
                    tables = lexer.ensureRow(t);
                    trans = tables.trans;
                    emit = tables.emit;
                }
                stack[d] = t;
                i++;
            }
        }
        synchronized (this) {
            // copy on write: a reader that sees the new table through the volatile read sees the bits
            arr = Arrays.copyOf(noAccept, Math.max(noAccept.length, s + 1));
            arr[s] = bits;
            noAccept = arr;
        }
        return bits;
    }

    /** Whether the input may end at this position. */
    public boolean canEnd(ParseNode node, int lexState) {
        if (lexState == AT_START) {
            return parser.acceptsAtEnd(node);
        }
        int e = lexer.tables().emitAtEnd[lexState];
        if (e < 0) {
            return false;
        }
        ParseNode after = parser.scan(node, e);
        return after != null && parser.acceptsAtEnd(after);
    }

    private MaskEntry entry(ParseNode node, int lexState) {
        Object cached = node.cachedMask(lexState);
        if (cached != null) {
            return (MaskEntry) cached;
        }
        return (MaskEntry) node.cacheMask(lexState, computeEntry(node, lexState));
    }

    private MaskEntry computeEntry(ParseNode node, int lexState) {
        int state = lexState == AT_START ? node.lexStart() : lexState;
        boolean eos = canEnd(node, lexState);
        if (state < 0) {
            return new MaskEntry(new long[vocab.maskWords()], new int[0], eos, null, null);
        }
        TokenClasses tc = classes(state);
        IntList extra = new IntList();
        Walk walk = null;
        for (int g = 0; g < tc.emitIds.length; g++) {
            ParseNode next = parser.scan(node, tc.emitIds[g]);
            if (next == null) {
                continue;
            }
            for (int id : tc.atBoundary[g]) {
                extra.add(id);
            }
            if (next.lexStart() < 0) {
                continue;
            }
            if (tc.suffixes[g] != null) {
                ByteTrie t = tc.suffixes[g];
                walkWithParser(t, 1, t.label.length, 0, next, extra, new Walk(t.maxDepth + 1, fallsBack));
            } else {
                ByteTrie t = vocab.trie;
                walk = walk != null ? walk : new Walk(t.maxDepth + 1, fallsBack);
                for (int c : tc.segments[g]) {
                    walkWithParser(t, c, t.skip[c], t.depth[c] - 1, next, extra, walk);
                }
            }
        }
        for (int g = 0; g < tc.fallbackEmitIds.length; g++) {
            // tokens that run past an accept inside them and then die there: lexing restarts
            // right after that accept, with the rest of the token as the next lexemes' bytes
            ParseNode next = parser.scan(node, tc.fallbackEmitIds[g]);
            if (next == null || next.lexStart() < 0) {
                continue;
            }
            ByteTrie t = tc.fallbackSuffixes[g];
            walkWithParser(t, 1, t.label.length, 0, next, extra, new Walk(t.maxDepth + 1, fallsBack));
        }
        MaskEntry root = null;
        if (tc.rootEmit >= 0) {
            ParseNode next = parser.scan(node, tc.rootEmit);
            if (next != null) {
                root = entry(next, AT_START);
            }
        }
        return new MaskEntry(acceptFor(tc, node), extra.toArray(), eos, root, root == null ? null : tc.rootFilter);
    }

    /**
     * The tokens that stay inside the lexeme(s) in play and are allowed here. With parser-driven
     * lexing that is the state's shared bitset; with ANTLR-style lexing only the groups whose
     * possible winners include a lexeme this node accepts.
     */
    private long[] acceptFor(TokenClasses tc, ParseNode node) {
        long[] allowed = node.allowedBits();
        if (allowed == null || tc.winnerIds == null) {
            return tc.accept;
        }
        long[] out = null;
        boolean all = true;
        for (int g = 0; g < tc.winnerIds.length; g++) {
            if (!LexerAutomaton.intersects(allowed, lexer.winnerSetBits(tc.winnerIds[g]))) {
                all = false;
                continue;
            }
            if (out == null) {
                out = new long[tc.accept.length];
            }
            for (int w = 0; w < out.length; w++) {
                out[w] |= tc.winnerGroups[g][w];
            }
        }
        return all ? tc.accept : out == null ? new long[tc.accept.length] : out;
    }

    /** Whether the lexeme that started at {@code node} and is now in state {@code t} can still end as a lexeme the node accepts. */
    private boolean canStillWin(ParseNode node, int t) {
        long[] allowed = node.allowedBits();
        return allowed == null || LexerAutomaton.intersects(allowed, lexer.winnerSetBits(lexer.reachableWinners()[t]));
    }

    /** Scratch stacks of one walk: the parser node and lexer state at each depth. */
    private static final class Walk {
        final ParseNode[] nodes;
        final int[] states;
        /** ANTLR-style lexing: the {@link Fallback} at each depth (mostly null); else null. */
        final Fallback[] fallbacks;

        Walk(int depth, boolean fallsBack) {
            nodes = new ParseNode[depth];
            states = new int[depth];
            fallbacks = fallsBack ? new Fallback[depth] : null;
        }
    }

    /**
     * Walks trie nodes {@code [from, to)} (a run of whole subtrees whose strings start right after
     * a boundary at depth {@code baseDepth}) from the start of a new lexeme at {@code start},
     * crossing further lexeme boundaries through the parser; adds the ids of every string that
     * stays viable.
     */
    private void walkWithParser(ByteTrie trie, int from, int to, int baseDepth, ParseNode start, IntList out, Walk w) {
        ParseNode[] nodes = w.nodes;
        int[] states = w.states;
        Fallback[] fallbacks = w.fallbacks;
        nodes[0] = start;
        states[0] = AT_START;
        if (fallsBack) {
            fallbacks[0] = null;
        }
        LexerAutomaton.Tables tables = lexer.tables();
        int[] trans = tables.trans;
        int[] emit = tables.emit;
        boolean[] complete = tables.complete;
        byte[] label = trie.label;
        int[] depth = trie.depth;
        int i = from;
        while (i < to) {
            int d = depth[i] - baseDepth;
            ParseNode pn = nodes[d - 1];
            int ps = states[d - 1];
            int b = label[i] & 0xff;
            int src = ps == AT_START ? pn.lexStart() : ps;
            int t = src < 0 ? -1 : trans[src * 256 + b];
            Fallback fb = null;
            if (fallsBack) {
                Fallback before = fallbacks[d - 1];
                if (t < 0 && before != null && emit[ps] < 0) {
                    // the lexeme dies past its last accept: continue from that accept
                    Position p = before.toPosition();
                    if (!step(p, b)) {
                        i = trie.skip[i];
                        continue;
                    }
                    tables = lexer.tables();
                    trans = tables.trans;
                    emit = tables.emit;
                    complete = tables.complete;
                    nodes[d] = p.node;
                    states[d] = p.lexState;
                    fallbacks[d] = p.fallback;
                    for (int k = trie.idStart[i]; k < trie.idStart[i + 1]; k++) {
                        out.add(trie.ids[k]);
                    }
                    i++;
                    continue;
                }
                if (t >= 0 && ps != AT_START && emit[t] < 0) {
                    fb = fallbackAfter(pn, ps, before, b);
                    tables = lexer.tables();
                    trans = tables.trans;
                    emit = tables.emit;
                    complete = tables.complete;
                }
            }
            if (t < 0) {
                // maximal munch: the lexeme in progress ends before this byte, if it can
                int e = ps == AT_START ? -1 : emit[ps];
                ParseNode after = e < 0 ? null : parser.scan(pn, e);
                if (after == null || after.lexStart() < 0) {
                    i = trie.skip[i];
                    continue;
                }
                tables = lexer.tables(); // the scan may have added lexer states
                trans = tables.trans;
                emit = tables.emit;
                complete = tables.complete;
                t = trans[after.lexStart() * 256 + b];
                if (t < 0) {
                    i = trie.skip[i];
                    continue;
                }
                pn = after;
            }
            if (!canStillWin(pn, t) && fb == null) {
                i = trie.skip[i]; // forced on into lexemes the parser cannot take here
                continue;
            }
            if (complete[t]) {
                // nothing can extend this lexeme: it ends here
                ParseNode after = parser.scan(pn, emit[t]);
                if (after == null) {
                    i = trie.skip[i];
                    continue;
                }
                tables = lexer.tables();
                trans = tables.trans;
                emit = tables.emit;
                complete = tables.complete;
                pn = after;
                t = AT_START;
            } else if (trie.skip[i] != i + 1 && !tables.ready(t)) { // its children read t's row
                tables = lexer.ensureRow(t);
                trans = tables.trans;
                emit = tables.emit;
                complete = tables.complete;
            }
            nodes[d] = pn;
            states[d] = t;
            if (fallsBack) {
                fallbacks[d] = fb;
            }
            for (int k = trie.idStart[i]; k < trie.idStart[i + 1]; k++) {
                out.add(trie.ids[k]);
            }
            i++;
        }
    }

    // ------------------------------------------------------------------ per-lexer-state classes

    TokenClasses classes(int state) {
        TokenClasses[] arr = classes;
        if (state < arr.length && arr[state] != null) {
            return arr[state];
        }
        TokenClasses tc = classifyOrShare(state);
        synchronized (this) {
            arr = classes;
            if (state >= arr.length) {
                arr = Arrays.copyOf(arr, Math.max(arr.length * 2, state + 1));
            }
            if (arr[state] == null) {
                arr[state] = tc;
                classesHeap += tc.ownHeapBytes();
            }
            classes = arr;
            return arr[state];
        }
    }

    /**
     * Whole-state signatures reach the vocabulary's full depth; beyond this many states (a long
     * counted lexeme) computing one costs more than classifying through shared subtrees. Lexer
     * rows are tabulated on first use, so an exploration that gives up has tabulated every row it
     * visited for nothing: full JSONSchemaBench runs read mask p99 263–267 µs at 64 against 294–296
     * at 256 (283 at 16, 259–284 at 32).
     */
    private static final int WHOLE_STATE_SIGNATURE_MAX = 64;

    /**
     * States with more lexemes in play than this are classified without a whole-state signature:
     * a key position where several keys are possible, whose exploration (cut at
     * {@link #WHOLE_STATE_SIGNATURE_MAX} states) rarely matches another state's.
     */
    private static final int WHOLE_STATE_SIGNATURE_MAX_LEXEMES = 4;

    /**
     * Classifies {@code state}, or renames the classification of an equivalent state that any
     * grammar on this vocabulary classified before (see {@link LexerStateSignature}).
     */
    private TokenClasses classifyOrShare(int state) {
        if (lexer.inPlayCount(state) > WHOLE_STATE_SIGNATURE_MAX_LEXEMES) {
            return classifier.classify(state);
        }
        LexerStateSignature sig = LexerStateSignature.of(lexer, state, vocab.trie.maxDepth, parser.lexesAllLexemes(),
                WHOLE_STATE_SIGNATURE_MAX);
        if (sig == null) {
            return classifier.classify(state);
        }
        TokenClasses local = vocab.sharedClasses.state(sig);
        if (local != null) {
            return sig.toGlobal(local);
        }
        TokenClasses tc = classifier.classify(state);
        vocab.sharedClasses.putState(sig, sig.toLocal(tc));
        return tc;
    }

    /** {@code [first-byte blocks kept, block hits]} of this grammar's classifications (diagnostics, tests). */
    public long[] blockStats() {
        return classifier.blockStats();
    }

    /** Number of lexer states classified so far. */
    public synchronized int classifiedStates() {
        int n = 0;
        for (TokenClasses tc : classes) {
            if (tc != null) {
                n++;
            }
        }
        return n;
    }

    /** One line per classified lexer state: allowed, boundary groups and their trie sizes (diagnostics). */
    public synchronized String describeClasses() {
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < classes.length; s++) {
            TokenClasses tc = classes[s];
            if (tc == null) {
                continue;
            }
            sb.append("lex ").append(s).append(": accept ").append(tc.acceptCount).append(", boundary ").append(tc.dependentCount);
            if (tc.rootEmit >= 0) {
                sb.append(", ends before ").append(Arrays.toString(lexer.emitSet(tc.rootEmit)));
            }
            for (int g = 0; g < tc.emitIds.length; g++) {
                sb.append(" [emit ").append(Arrays.toString(lexer.emitSet(tc.emitIds[g])))
                        .append(tc.suffixes[g] != null ? " trie " + tc.suffixes[g].nodeCount() : " segments " + tc.segments[g].length)
                        .append(" at ").append(tc.atBoundary[g].length).append(']');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Approximate heap held by the per-lexer-state tables. */
    public synchronized long classesHeapBytes() {
        return classesHeap + classifier.sharedTrieHeapBytes() + classifier.blockHeapBytes();
    }

    // ------------------------------------------------------------------ stepping

    /**
     * Advances {@code pos} over byte {@code b}; returns false (leaving {@code pos} unchanged) if
     * the byte cannot come next. A lexeme that nothing can extend is ended at once, so a position
     * is either inside a lexeme that may continue or {@link #AT_START} of the next one.
     */
    public boolean step(Position pos, int b) {
        ParseNode node = pos.node;
        int ls = pos.lexState;
        int from = ls == AT_START ? node.lexStart() : ls;
        if (from < 0) {
            return false;
        }
        LexerAutomaton.Tables tables = lexer.tables();
        int t = tables.trans[from * 256 + b];
        Fallback fb = null;
        if (fallsBack) {
            if (t < 0 && pos.fallback != null && tables.emit[ls] < 0) {
                // the lexeme dies past its last accept: lexing goes on from that accept
                Position p = pos.fallback.toPosition();
                if (!step(p, b)) {
                    return false;
                }
                pos.node = p.node;
                pos.lexState = p.lexState;
                pos.fallback = p.fallback;
                return true;
            }
            if (t >= 0 && ls != AT_START && tables.emit[t] < 0) {
                fb = fallbackAfter(node, ls, pos.fallback, b);
            }
        }
        if (t < 0) {
            if (ls == AT_START) {
                return false;
            }
            int e = tables.emit[ls];
            if (e < 0) {
                return false;
            }
            node = parser.scan(node, e);
            if (node == null || node.lexStart() < 0) {
                return false;
            }
            tables = lexer.tables(); // the scan may have added lexer states
            t = tables.trans[node.lexStart() * 256 + b];
            if (t < 0) {
                return false;
            }
        }
        if (!canStillWin(node, t) && fb == null) {
            return false;
        }
        if (tables.complete[t]) {
            node = parser.scan(node, tables.emit[t]);
            if (node == null) {
                return false;
            }
            t = AT_START;
        } else if (!tables.ready(t)) {
            lexer.ensureRow(t); // a position's state has its row: the next step reads it
        }
        pos.node = node;
        pos.lexState = t;
        pos.fallback = fb;
        return true;
    }

    /**
     * The {@link Fallback} after byte {@code b} takes the lexeme in progress from state {@code ls}
     * (not {@link #AT_START}) to a state that accepts nothing: from an accepting {@code ls}, the
     * lexeme ended at {@code ls} and {@code b} starting the next; otherwise the old fallback
     * {@code before} stepped over {@code b}. Null when that hypothesis is dead.
     */
    private Fallback fallbackAfter(ParseNode node, int ls, Fallback before, int b) {
        Position alt;
        int e = lexer.tables().emit[ls];
        if (e >= 0) {
            ParseNode after = parser.scan(node, e);
            if (after == null || after.lexStart() < 0) {
                return null;
            }
            alt = new Position(after, AT_START);
        } else if (before != null) {
            alt = before.toPosition();
        } else {
            return null;
        }
        return step(alt, b) ? Fallback.of(alt) : null;
    }

    /** A mutable position for {@link #step}. */
    public static final class Position {
        public ParseNode node;
        public int lexState;
        /** ANTLR-style lexing: where lexing would be had the lexeme ended at its last accept, or null. */
        public Fallback fallback;

        public Position(ParseNode node, int lexState) {
            this.node = node;
            this.lexState = lexState;
        }

        public Position(ParseNode node, int lexState, Fallback fallback) {
            this.node = node;
            this.lexState = lexState;
            this.fallback = fallback;
        }
    }

    // ------------------------------------------------------------------ eager precomputation

    /**
     * Classifies the lexer states reachable from the start, exploring parser states breadth-first
     * but only one node per distinct item-core set (nesting depth does not create new lexer
     * states). Stops after {@code maxStates} lexer states; everything else is computed on first
     * use. Returns the number of lexer states classified.
     */
    public int precompute(int maxStates) {
        return precompute(maxStates, 0);
    }

    /**
     * As {@link #precompute(int)}, within about {@code budgetNanos} of wall time (0: no limit).
     * The states are classified in order of their distance in bytes from a lexeme's start, every
     * node's start first: those are the first masks of every key and value, while the states deep
     * inside a long counted string or key are each met by few masks and mostly share their
     * classification anyway.
     */
    public int precompute(int maxStates, long budgetNanos) {
        long deadline = budgetNanos > 0 ? System.nanoTime() + budgetNanos : Long.MAX_VALUE;
        Set<String> seenShapes = new HashSet<>();
        Set<Integer> seenLex = new HashSet<>();
        List<IntList> byDepth = new ArrayList<>();
        ArrayDeque<ParseNode> work = new ArrayDeque<>();
        work.add(parser.root());
        int found = 0;
        while (!work.isEmpty() && found < maxStates && System.nanoTime() < deadline) {
            ParseNode node = work.poll();
            if (!seenShapes.add(node.shapeKey())) {
                continue;
            }
            int start = node.lexStart();
            if (start < 0) {
                continue;
            }
            // all lexer states reachable inside this node's lexemes, breadth-first (by bytes read)
            IntList lexWork = new IntList();
            IntList depths = new IntList();
            Set<Integer> local = new HashSet<>();
            lexWork.add(start);
            depths.add(0);
            local.add(start);
            for (int q = 0; q < lexWork.size() && System.nanoTime() < deadline; q++) {
                int s = lexWork.get(q);
                int depth = depths.get(q);
                LexerAutomaton.Tables tables = lexer.tables();
                boolean done = tables.complete[s]; // never a position: ended eagerly
                if (!done && seenLex.add(s)) {
                    while (byDepth.size() <= depth) {
                        byDepth.add(new IntList());
                    }
                    byDepth.get(depth).add(s);
                    found++;
                }
                if (!done && !tables.ready(s)) {
                    tables = lexer.ensureRow(s);
                }
                int[] trans = tables.trans;
                for (int b = 0; b < 256 && !done; b++) {
                    int t = trans[s * 256 + b];
                    if (t >= 0 && local.add(t)) {
                        lexWork.add(t);
                        depths.add(depth + 1);
                    }
                }
                int e = tables.emit[s];
                if (e >= 0) {
                    ParseNode after = parser.scan(node, e);
                    if (after != null) {
                        work.add(after);
                    }
                }
            }
        }
        int classified = 0;
        for (IntList level : byDepth) {
            for (int k = 0; k < level.size(); k++) {
                if (classified >= maxStates || System.nanoTime() >= deadline) {
                    return classified;
                }
                classes(level.get(k));
                classified++;
            }
        }
        return classified;
    }

    /** A growable int array (no boxing on the mask paths). */
    static final class IntList {
        int[] a = new int[16];
        int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int get(int i) {
            return a[i];
        }

        int size() {
            return n;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
