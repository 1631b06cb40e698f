package dev.stencil.automata.mask;

import dev.stencil.automata.lexer.IntArrayKey;
import dev.stencil.automata.lexer.LexerAutomaton;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds the {@link TokenClasses} of a lexer state: which tokens stay inside the lexeme(s) in
 * play, which die there, and which cross a boundary (grouped by the lexemes that end there, with
 * their suffixes). Pure precomputation: nothing here looks at a parser state.
 *
 * <p>The vocabulary trie is taken one first byte at a time. A first byte that kills or ends the
 * lexeme is settled on the spot; any other leads to a state whose subtree is walked depth-first
 * ({@link #walkSubtree}) or, when an equivalent state's walk of the same subtree is in
 * {@link SharedTokenClasses}, reused from there. Most first bytes of a new state lead to states
 * seen before (after the first character of a key, the key is usually just a string), so a new
 * state costs the walks of the few subtrees that really differ.
 */
final class TokenClassifier {
    /**
     * Groups up to this many tokens get a trie of their suffixes, which merges equal suffixes
     * (many tokens end in {@code ",}); larger groups, such as every word after a whitespace run,
     * are walked in place in the vocabulary trie instead of being copied.
     */
    static final int SUFFIX_TRIE_MAX_TOKENS = 4096;
    /** Deepest signature cut for subtrees; longer tokens (a few hundred per vocabulary) are deferred. */
    static final int MAX_CUT = 32;

    private static final int[] NONE = new int[0];
    private static final int[][] NO_PAIRS = new int[0][];

    private final VocabularyIndex vocab;
    private final LexerAutomaton lexer;
    private final boolean lexesAllLexemes;
    /** Suffix tries this grammar's classes use (each counted once in {@link #sharedTrieHeapBytes}). */
    private final Map<ByteTrie, Boolean> triesUsed = new IdentityHashMap<>();
    /** Subtree signatures by (lexer state, cut), see {@link #subtreeSignature}; classification may run on several threads. */
    private final Map<Long, Object> subtreeSignatures = new ConcurrentHashMap<>();
    private static final Object NO_SIGNATURE = new Object();

    TokenClassifier(VocabularyIndex vocab, LexerAutomaton lexer, boolean lexesAllLexemes) {
        this.vocab = vocab;
        this.lexer = lexer;
        this.lexesAllLexemes = lexesAllLexemes;
    }

    /** Heap held by the suffix tries this grammar's classes use (shared with other grammars). */
    synchronized long sharedTrieHeapBytes() {
        long b = 0;
        for (ByteTrie t : triesUsed.keySet()) {
            b += t.heapBytes();
        }
        return b;
    }

    /** The suffix trie of a boundary group, shared by content across states and grammars. */
    private ByteTrie suffixTrie(int[] pairs) {
        IntArrayKey key = new IntArrayKey(pairs);
        ByteTrie t = vocab.sharedClasses.suffixTrie(key);
        if (t == null) {
            int m = pairs.length / 2;
            byte[][] strings = new byte[m][];
            int[] ids = new int[m];
            for (int k = 0; k < m; k++) {
                int id = pairs[2 * k];
                byte[] full = vocab.tokenBytes[id];
                strings[k] = Arrays.copyOfRange(full, pairs[2 * k + 1], full.length);
                ids[k] = id;
            }
            t = ByteTrie.build(strings, ids);
            vocab.sharedClasses.putSuffixTrie(key, t);
        }
        synchronized (this) {
            triesUsed.put(t, Boolean.TRUE);
        }
        return t;
    }

    /** (token id, suffix offset) pairs of the tokens under the given segment nodes. */
    private int[] suffixPairs(int[] segs) {
        ByteTrie trie = vocab.trie;
        MaskEngine.IntList pairs = new MaskEngine.IntList();
        for (int c : segs) {
            for (int k = trie.idStart[c]; k < trie.idStart[trie.skip[c]]; k++) {
                pairs.add(trie.ids[k]);
                pairs.add(trie.depth[c] - 1);
            }
        }
        return pairs.toArray();
    }

    /** Fallback groups being collected: emit-set id -> (token id, offset) pairs. */
    private static final class FallbackGroups {
        final Map<Integer, MaskEngine.IntList> pairs = new TreeMap<>();

        void add(int emit, int id, int offset) {
            MaskEngine.IntList l = pairs.computeIfAbsent(emit, k -> new MaskEngine.IntList());
            l.add(id);
            l.add(offset);
        }
    }

    /** Boundary groups being collected, by emit-set id. */
    private static final class Groups {
        final List<Integer> emit = new ArrayList<>();
        final List<MaskEngine.IntList> segments = new ArrayList<>();
        final List<MaskEngine.IntList> at = new ArrayList<>();
        final List<int[]> size = new ArrayList<>();
        int[] indexOf = new int[0]; // emit id -> group index + 1 (0 = none yet)

        int group(int e) {
            if (e >= indexOf.length) {
                indexOf = Arrays.copyOf(indexOf, Math.max(e + 1, indexOf.length * 2));
            }
            int g = indexOf[e] - 1;
            if (g < 0) {
                g = emit.size();
                indexOf[e] = g + 1;
                emit.add(e);
                segments.add(new MaskEngine.IntList());
                at.add(new MaskEngine.IntList());
                size.add(new int[1]);
            }
            return g;
        }
    }

    /** The classes of lexer state {@code start}. */
    TokenClasses classify(int start) {
        LexerAutomaton.Tables tables = lexer.tables();
        if (!tables.ready(start)) {
            tables = lexer.ensureRow(start);
        }
        int[] emit = tables.emit;
        int words = vocab.maskWords();
        int rootEmit = emit[start];
        Acc acc = new Acc(words, lexesAllLexemes, rootEmit >= 0);
        if (lexesAllLexemes) {
            ByteTrie trie = vocab.trie;
            for (int c = 1; c < trie.label.length; c = trie.skip[c]) { // the root's children: one per first byte
                firstByte(start, c, acc);
            }
        } else {
            int[] trans = tables.trans;
            for (int from = 0; from < 256; from += BLOCK) {
                if (rootEmit < 0 && allDead(trans, start * 256 + from)) {
                    continue; // no token starting with these bytes continues or ends a lexeme
                }
                Block b = block(start, from, acc);
                if (b == null) {
                    continue; // classified straight into acc
                }
                merge(b.part, acc.accept, null, acc.groups, acc.fallbacks);
                acc.acceptCount += b.part.acceptCount;
                acc.dependent += b.part.dependent;
                if (b.rootFilter != null) {
                    for (int w = 0; w < words; w++) {
                        acc.rootFilter[w] |= b.rootFilter[w];
                    }
                }
            }
        }
        return toClasses(acc, rootEmit);
    }

    /** The finished classes of what {@code acc} gathered: boundary groups get their suffix tries. */
    private TokenClasses toClasses(Acc acc, int rootEmit) {
        long[] accept = acc.accept;
        Groups groups = acc.groups;
        FallbackGroups fallbacks = acc.fallbacks;
        int gs = groups.emit.size();
        int[] emitIds = new int[gs];
        ByteTrie[] suffixes = new ByteTrie[gs];
        int[][] segments = new int[gs][];
        int[][] atBoundary = new int[gs][];
        for (int g = 0; g < gs; g++) {
            emitIds[g] = groups.emit.get(g);
            atBoundary[g] = groups.at.get(g).toArray();
            int[] segs = groups.segments.get(g).toArray();
            if (groups.size.get(g)[0] <= SUFFIX_TRIE_MAX_TOKENS) {
                suffixes[g] = suffixTrie(suffixPairs(segs));
            } else {
                segments[g] = segs;
            }
        }
        int[] winnerIds = null;
        long[][] winnerGroups = null;
        if (acc.byWinners != null) {
            winnerIds = acc.byWinners.keySet().stream().mapToInt(Integer::intValue).toArray();
            winnerGroups = acc.byWinners.values().toArray(new long[0][]);
            for (long[] group : winnerGroups) {
                for (int w = 0; w < accept.length; w++) {
                    accept[w] |= group[w];
                }
            }
        }
        int[] fallbackEmitIds = fallbacks.pairs.isEmpty() ? NONE : fallbacks.pairs.keySet().stream().mapToInt(Integer::intValue).toArray();
        ByteTrie[] fallbackSuffixes = new ByteTrie[fallbackEmitIds.length];
        for (int g = 0; g < fallbackEmitIds.length; g++) {
            fallbackSuffixes[g] = suffixTrie(fallbacks.pairs.get(fallbackEmitIds[g]).toArray());
        }
        return new TokenClasses(accept, acc.acceptCount, emitIds, suffixes, segments, atBoundary, rootEmit,
                acc.rootFilter, acc.dependent, winnerIds, winnerGroups, fallbackEmitIds, fallbackSuffixes);
    }

    /** What {@link #classify} accumulates over first bytes. */
    private static final class Acc {
        final long[] accept;
        final Map<Integer, long[]> byWinners;
        final Groups groups = new Groups();
        final FallbackGroups fallbacks = new FallbackGroups();
        /** Tokens judged by the next lexeme, when the start state itself may end; else null. */
        final long[] rootFilter;
        int acceptCount;
        int dependent;

        Acc(int words, boolean byWinners, boolean rootFilter) {
            this.accept = new long[words];
            this.byWinners = byWinners ? new TreeMap<>() : null;
            this.rootFilter = rootFilter ? new long[words] : null;
        }
    }

    /** First bytes per {@link Block}. */
    static final int BLOCK = 16;
    /** Heap the per-grammar block cache may hold (accept bitsets of 16 KB at Llama-3's vocabulary). */
    static final long BLOCK_CACHE_BYTES = 8L << 20;
    /** Block keys remembered as seen once; beyond this many the memory of first sightings starts over. */
    static final int BLOCKS_SEEN_MAX = 1 << 16;

    /**
     * The classes contributed by first bytes {@code [from, from + BLOCK)} of some state: a pure
     * function of the targets of those bytes and of whether the state itself ends (see
     * {@link #block}).
     */
    private record Block(SubtreeClasses part, long[] rootFilter, long heapBytes) {
    }

    private final Map<IntArrayKey, Block> blocks = new ConcurrentHashMap<>();
    private final Map<IntArrayKey, Boolean> blocksSeen = new ConcurrentHashMap<>();
    private final AtomicLong blocksBytes = new AtomicLong();
    private final AtomicLong blockHits = new AtomicLong();

    /** Heap held by this grammar's kept blocks. */
    long blockHeapBytes() {
        return blocksBytes.get();
    }

    /** {@code [blocks kept, block hits]} of this grammar's block cache (see {@link #block}). */
    long[] blockStats() {
        return new long[] {blocks.size(), blockHits.get()};
    }

    /**
     * First bytes {@code [from, from + BLOCK)} of state {@code start}, from the grammar's block
     * cache when another state had the same targets for them. Inside a key that may also be an
     * additional property, every first byte but the key's next letter (and the escape) leads to
     * the same "any other key" states, so successive positions of a key share all blocks but one
     * or two, and their classification merges a dozen cached blocks instead of walking or
     * looking up some hundred and fifty subtrees. A block is kept the second time its targets
     * occur (inside a counted string every position has new ones), within
     * {@link #BLOCK_CACHE_BYTES}; otherwise the block is classified straight into {@code into}
     * and null is returned.
     */
    private Block block(int start, int from, Acc into) {
        LexerAutomaton.Tables tables = lexer.tables(); // start's row is ready (see classify)
        int[] trans = tables.trans;
        int[] key = new int[BLOCK + 2];
        key[0] = from;
        key[1] = tables.emit[start] >= 0 ? 1 : 0;
        System.arraycopy(trans, start * 256 + from, key, 2, BLOCK);
        IntArrayKey k = new IntArrayKey(key);
        Block b = blocks.get(k);
        if (b != null) {
            blockHits.incrementAndGet();
            return b;
        }
        if (blocksSeen.size() >= BLOCKS_SEEN_MAX) {
            blocksSeen.clear(); // a long counted string: every position has new targets
        }
        if (blocksSeen.putIfAbsent(k, Boolean.TRUE) == null || blocksBytes.get() >= BLOCK_CACHE_BYTES) {
            // first time (or no room): no block is kept, so classify straight into the caller's classes
            for (int byteValue = from; byteValue < from + BLOCK; byteValue++) {
                int c = vocab.rootChild[byteValue];
                if (c > 0) {
                    firstByte(start, c, into);
                }
            }
            return null;
        }
        Acc acc = new Acc(vocab.maskWords(), false, key[1] == 1);
        for (int byteValue = from; byteValue < from + BLOCK; byteValue++) {
            int c = vocab.rootChild[byteValue];
            if (c > 0) {
                firstByte(start, c, acc);
            }
        }
        Groups groups = acc.groups;
        int gs = groups.emit.size();
        int[] groupEmit = new int[gs];
        int[][] groupSegments = new int[gs][];
        int[][] groupAt = new int[gs][];
        int[] groupSize = new int[gs];
        long heap = 128;
        for (int g = 0; g < gs; g++) {
            groupEmit[g] = groups.emit.get(g);
            groupSegments[g] = groups.segments.get(g).toArray();
            groupAt[g] = groups.at.get(g).toArray();
            groupSize[g] = groups.size.get(g)[0];
            heap += 4L * (groupSegments[g].length + groupAt[g].length) + 48;
        }
        long[] acceptBits = acc.acceptCount > 0 ? acc.accept : null;
        long[] rootFilter = acc.rootFilter;
        if (rootFilter != null && isZero(rootFilter)) {
            rootFilter = null;
        }
        heap += (acceptBits == null ? 0 : 8L * acceptBits.length) + (rootFilter == null ? 0 : 8L * rootFilter.length);
        SubtreeClasses part = new SubtreeClasses(acceptBits == null ? NONE : null, acceptBits, acc.acceptCount, null, null, groupEmit, groupSegments,
                groupAt, groupSize, acc.dependent, NONE, NONE, null, null, NONE, NO_PAIRS);
        b = new Block(part, rootFilter, heap);
        if (blocks.putIfAbsent(k, b) == null) {
            blocksBytes.addAndGet(heap);
        }
        return b;
    }

    /**
     * Adds tokens {@code ids[from, to)} to a walk's accepted tokens: to {@code accepted} while
     * they are fewer than a bitmask has words, then to a bitmask (cheaper to merge: a
     * string-content subtree accepts tens of thousands, and listing them first, growing the list
     * and then copying it into bits, was a fifth of a slow mask's time). Returns the bitmask, or
     * null while there is none.
     */
    private static long[] accept(int[] ids, int from, int to, MaskEngine.IntList accepted, long[] bits, int words) {
        if (bits == null && accepted.size() + (to - from) <= words) {
            for (int k = from; k < to; k++) {
                accepted.add(ids[k]);
            }
            return null;
        }
        if (bits == null) {
            bits = new long[words];
            for (int k = 0; k < accepted.size(); k++) {
                int id = accepted.get(k);
                bits[id >>> 6] |= 1L << id;
            }
        }
        for (int k = from; k < to; k++) {
            int id = ids[k];
            bits[id >>> 6] |= 1L << id;
        }
        return bits;
    }

    /** Whether every byte below trie node {@code node} leads from lexer state {@code s} back to {@code s}. */
    private boolean staysIn(long[] selfLoops, int s, int node) {
        long[] below = vocab.bytesBelow;
        int b = 4 * node;
        int l = 4 * s;
        return (below[b] & ~selfLoops[l]) == 0 && (below[b + 1] & ~selfLoops[l + 1]) == 0
                && (below[b + 2] & ~selfLoops[l + 2]) == 0 && (below[b + 3] & ~selfLoops[l + 3]) == 0;
    }

    private static boolean allDead(int[] trans, int row) {
        for (int i = row; i < row + BLOCK; i++) {
            if (trans[i] >= 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isZero(long[] bits) {
        for (long w : bits) {
            if (w != 0) {
                return false;
            }
        }
        return true;
    }

    /** Classifies the tokens under root child {@code c} (first byte) of state {@code start} into {@code acc}. */
    private void firstByte(int start, int c, Acc acc) {
        ByteTrie trie = vocab.trie;
        LexerAutomaton.Tables tables = lexer.tables(); // start's row is ready (see classify)
        int[] trans = tables.trans;
        int[] emit = tables.emit;
        boolean[] complete = tables.complete;
        int rootEmit = emit[start];
        int t = trans[start * 256 + (trie.label[c] & 0xff)];
        if (t >= 0 && !complete[t]) {
            // ANTLR-style lexing past the start's own accept: the subtree falls back to it, which
            // a signature of t does not describe, so it is walked for this state alone
            boolean pastStartAccept = lexesAllLexemes && rootEmit >= 0 && emit[t] < 0;
            SubtreeClasses part = pastStartAccept
                    ? walk(c, trie.skip[c], -1, t, Integer.MAX_VALUE, rootEmit, 0)
                    : subtree(t, c);
            merge(part, acc.accept, acc.byWinners, acc.groups, acc.fallbacks);
            acc.acceptCount += part.acceptCount;
            acc.dependent += part.dependent;
            for (int k = 0; k < part.deferredNodes.length; k++) {
                int node = part.deferredNodes[k];
                boolean tracked = part.deferredAcceptEmits != null;
                SubtreeClasses rest = walk(node, trie.skip[node], part.deferredStates[k], -1, Integer.MAX_VALUE,
                        tracked ? part.deferredAcceptEmits[k] : -1, tracked ? part.deferredAcceptDepths[k] : 0);
                merge(rest, acc.accept, acc.byWinners, acc.groups, acc.fallbacks);
                acc.acceptCount += rest.acceptCount;
                acc.dependent += rest.dependent;
            }
            return;
        }
        // t >= 0: the lexeme is complete after this byte; t < 0: it ends before this byte, if it can
        int e = t >= 0 ? emit[t] : rootEmit;
        if (e < 0) {
            return; // the first byte kills every lexeme in play
        }
        if (t < 0) {
            // the start state itself may end: the whole subtree is judged by the next lexeme
            long[] rootFilter = acc.rootFilter;
            for (int k = trie.idStart[c]; k < trie.idStart[trie.skip[c]]; k++) {
                int id = trie.ids[k];
                rootFilter[id >>> 6] |= 1L << id;
                acc.dependent++;
            }
            return;
        }
        // complete after this byte: tokens ending here, then each child subtree
        Groups groups = acc.groups;
        int g = groups.group(e);
        for (int k = trie.idStart[c]; k < trie.idStart[c + 1]; k++) {
            groups.at.get(g).add(trie.ids[k]);
            acc.dependent++;
        }
        for (int child = c + 1; child < trie.skip[c]; child = trie.skip[child]) {
            groups.segments.get(g).add(child);
        }
        int count = trie.idStart[trie.skip[c]] - trie.idStart[c + 1];
        groups.size.get(g)[0] += count;
        acc.dependent += count;
    }

    /** Adds a subtree's part to the classes being built (accepted tokens and boundary groups). */
    private void merge(SubtreeClasses part, long[] accept, Map<Integer, long[]> byWinners, Groups groups,
            FallbackGroups fallbacks) {
        int words = accept.length;
        for (int g = 0; g < part.fallbackEmit.length; g++) {
            int[] pairs = part.fallbackPairs[g];
            for (int k = 0; k < pairs.length; k += 2) {
                fallbacks.add(part.fallbackEmit[g], pairs[k], pairs[k + 1]);
            }
        }
        if (part.winnerIds != null) {
            for (int w = 0; w < part.winnerIds.length; w++) {
                long[] bits = byWinners.computeIfAbsent(part.winnerIds[w], k -> new long[words]);
                for (int id : part.winnerAccept[w]) {
                    bits[id >>> 6] |= 1L << id;
                }
            }
        } else if (part.acceptBits != null) {
            for (int w = 0; w < words; w++) {
                accept[w] |= part.acceptBits[w];
            }
        } else {
            for (int id : part.acceptIds) {
                accept[id >>> 6] |= 1L << id;
            }
        }
        for (int g = 0; g < part.groupEmit.length; g++) {
            int mine = groups.group(part.groupEmit[g]);
            MaskEngine.IntList segs = groups.segments.get(mine);
            for (int seg : part.groupSegments[g]) {
                segs.add(seg);
            }
            MaskEngine.IntList at = groups.at.get(mine);
            for (int id : part.groupAt[g]) {
                at.add(id);
            }
            groups.size.get(mine)[0] += part.groupSize[g];
        }
    }

    /**
     * The part of first-byte subtree {@code node}, entered in lexer state {@code t}: shared when
     * possible. The signature is cut at the subtree's depth, rounded up to 8, 16 or
     * {@link #MAX_CUT} bytes (few signatures per state, each cheap); the rare tokens longer than
     * the cut are walked per grammar from the deferred nodes the shared part records. Inside a
     * string bounded by {@code maxLength}, every position far enough from the bound then shares
     * its subtrees.
     */
    private SubtreeClasses subtree(int t, int node) {
        int walkDepth = vocab.subtreeDepth[node] - 1; // lexer steps after the first byte's state
        int cut = walkDepth <= 8 ? 8 : walkDepth <= 16 ? 16 : MAX_CUT;
        LexerStateSignature sig = subtreeSignature(t, cut);
        if (sig == null) {
            return walk(node, vocab.trie.skip[node], -1, t, Integer.MAX_VALUE, -1, 0);
        }
        SharedTokenClasses.SubtreeKey key = new SharedTokenClasses.SubtreeKey(sig.sharedId(), node);
        SubtreeClasses local = vocab.sharedClasses.subtree(key);
        if (local != null) {
            return local.renamed(sig::globalEmit, sig::globalWinner, sig::globalState);
        }
        // nodes deeper than cut + 1 bytes read lexer states beyond the signature: deferred
        SubtreeClasses part = walk(node, vocab.trie.skip[node], -1, t, cut + 1, -1, 0);
        vocab.sharedClasses.putSubtree(key, part.renamed(sig::localEmit, sig::localWinner, sig::localState));
        return part;
    }

    /**
     * States with more lexemes in play than this get no subtree signature. Past a first byte, that
     * is a key among other keys: its exploration spells out every key still possible, each
     * character also as a JSON escape, to the cut's depth (hundreds or thousands of states, each
     * row tabulated for it), and another state rarely has the same.
     */
    static final int SUBTREE_SIGNATURE_MAX_LEXEMES = 2;

    /**
     * The signature of state {@code t} cut at {@code cut} bytes, computed once per grammar: most
     * first bytes of most states lead into the same few states (inside a string, after a
     * letter), and building a signature (a breadth-first exploration) costs more than the
     * lookup it enables.
     */
    private LexerStateSignature subtreeSignature(int t, int cut) {
        long memo = ((long) t << 8) | cut;
        Object known = subtreeSignatures.get(memo);
        if (known == null) {
            LexerStateSignature sig = lexer.inPlayCount(t) > SUBTREE_SIGNATURE_MAX_LEXEMES ? null
                    : LexerStateSignature.interned(lexer, t, cut, lexesAllLexemes, vocab.sharedClasses);
            known = sig == null ? NO_SIGNATURE : sig;
            subtreeSignatures.putIfAbsent(memo, known);
        }
        return known == NO_SIGNATURE ? null : (LexerStateSignature) known;
    }

    /**
     * One depth-first pass over trie nodes {@code [from, to)} (whole subtrees): node {@code from}
     * is entered in lexer state {@code firstState} when that is given (>= 0), else by its byte
     * from {@code parentState}. Nodes deeper than {@code limitDepth} are not walked but returned
     * as deferred, with their parent's state.
     *
     * <p>ANTLR-style lexing falls back to the last accept when a lexeme dies past it:
     * {@code acceptEmit} and {@code acceptDepth} give the last accept above node {@code from}
     * (-1 if none); below, the walk tracks it per depth. A token that dies past an accept, or
     * ends past one, joins the fallback group of that accept with its bytes after it (the latter
     * also stays in its winner group: the lexeme may still accept later).
     */
    private SubtreeClasses walk(int from, int to, int parentState, int firstState, int limitDepth,
            int acceptEmit, int acceptDepth) {
        ByteTrie trie = vocab.trie;
        LexerAutomaton.Tables tables = lexer.tables();
        if (parentState >= 0 && !tables.ready(parentState)) {
            tables = lexer.ensureRow(parentState);
        }
        int[] trans = tables.trans;
        int[] emit = tables.emit;
        boolean[] complete = tables.complete;
        int[] reach = lexer.reachableWinners();
        byte[] label = trie.label;
        int[] depth = trie.depth;
        MaskEngine.IntList accepted = lexesAllLexemes ? null : new MaskEngine.IntList();
        int maskWords = vocab.maskWords();
        long[] acceptBits = null;
        Map<Integer, MaskEngine.IntList> byWinners = lexesAllLexemes ? new TreeMap<>() : null;
        MaskEngine.IntList deferredNodes = new MaskEngine.IntList();
        MaskEngine.IntList deferredStates = new MaskEngine.IntList();
        int acceptCount = 0;
        Groups groups = new Groups();
        int dependent = 0;
        int[] stack = new int[trie.maxDepth + 1];
        if (parentState >= 0) {
            stack[depth[from] - 1] = parentState;
        }
        boolean fallsBack = lexesAllLexemes;
        // last accept on the path: its emit set (or -1) and depth, per depth (ANTLR-style lexing only)
        int[] accEmit = fallsBack ? new int[trie.maxDepth + 1] : null;
        int[] accDepth = fallsBack ? new int[trie.maxDepth + 1] : null;
        if (fallsBack) {
            accEmit[depth[from] - 1] = acceptEmit;
            accDepth[depth[from] - 1] = acceptDepth;
        }
        // ANTLR-style lexing only (parser-driven lexing allocates nothing for fallbacks)
        MaskEngine.IntList deferredAccEmits = fallsBack ? new MaskEngine.IntList() : null;
        MaskEngine.IntList deferredAccDepths = fallsBack ? new MaskEngine.IntList() : null;
        FallbackGroups fallbacks = fallsBack ? new FallbackGroups() : null;
        int i = from;
        while (i < to) {
            int d = depth[i];
            if (d > limitDepth) {
                deferredNodes.add(i);
                deferredStates.add(stack[d - 1]);
                if (fallsBack) {
                    deferredAccEmits.add(accEmit[d - 1]);
                    deferredAccDepths.add(accDepth[d - 1]);
                }
                i = trie.skip[i];
                continue;
            }
            int t = i == from && firstState >= 0 ? firstState : trans[stack[d - 1] * 256 + (label[i] & 0xff)];
            if (t >= 0 && !complete[t]) {
                if (d < limitDepth && trie.skip[i] != i + 1) {
                    if (!tables.ready(t)) {
                        // the children read t's row (rows are tabulated on first use)
                        tables = lexer.ensureRow(t);
                        trans = tables.trans;
                        emit = tables.emit;
                        complete = tables.complete;
                    }
                    if (!fallsBack && staysIn(tables.selfLoops, t, i)) {
                        // every byte below keeps the lexer in t (letters inside a free string):
                        // the whole subtree stays inside the lexeme, no need to walk it. What is
                        // deeper than limitDepth is taken too: t's own row, which says so, is
                        // within any signature this walk is stored under.
                        int idFrom = trie.idStart[i];
                        int idTo = trie.idStart[trie.skip[i]];
                        acceptCount += idTo - idFrom;
                        acceptBits = accept(trie.ids, idFrom, idTo, accepted, acceptBits, maskWords);
                        i = trie.skip[i];
                        continue;
                    }
                }
                stack[d] = t;
                if (fallsBack) {
                    boolean accepts = emit[t] >= 0;
                    accEmit[d] = accepts ? emit[t] : accEmit[d - 1];
                    accDepth[d] = accepts ? d : accDepth[d - 1];
                    if (!accepts && accEmit[d] >= 0) {
                        // tokens ending past an accept: the lexeme may still die before accepting again
                        for (int k = trie.idStart[i]; k < trie.idStart[i + 1]; k++) {
                            fallbacks.add(accEmit[d], trie.ids[k], accDepth[d]);
                            dependent++;
                        }
                    }
                }
                int idFrom = trie.idStart[i];
                int idTo = trie.idStart[i + 1];
                if (idFrom < idTo) {
                    acceptCount += idTo - idFrom;
                    if (accepted != null) {
                        acceptBits = accept(trie.ids, idFrom, idTo, accepted, acceptBits, maskWords);
                    } else {
                        // ANTLR-style lexing: whether a token ending here is allowed depends on the
                        // lexemes that can still win from its last state, so group by them
                        MaskEngine.IntList out = byWinners.computeIfAbsent(reach[t], w -> new MaskEngine.IntList());
                        for (int k = idFrom; k < idTo; k++) {
                            out.add(trie.ids[k]);
                        }
                    }
                }
                i++;
                continue;
            }
            // t >= 0: the lexeme is complete after this byte; t < 0: it ends before this byte, if it can
            int e = t >= 0 ? emit[t] : emit[stack[d - 1]];
            if (e >= 0) {
                int g = groups.group(e);
                if (t >= 0) {
                    // complete after this byte: tokens ending here, then each child subtree
                    for (int k = trie.idStart[i]; k < trie.idStart[i + 1]; k++) {
                        groups.at.get(g).add(trie.ids[k]);
                        dependent++;
                    }
                    for (int c = i + 1; c < trie.skip[i]; c = trie.skip[c]) {
                        groups.segments.get(g).add(c);
                    }
                } else {
                    groups.segments.get(g).add(i); // this byte starts the next lexeme
                }
                int count = trie.idStart[trie.skip[i]] - trie.idStart[i]
                        - (t >= 0 ? trie.idStart[i + 1] - trie.idStart[i] : 0);
                groups.size.get(g)[0] += count;
                dependent += count;
            } else if (fallsBack && t < 0 && accEmit[d - 1] >= 0) {
                // the lexeme dies past its last accept: ANTLR ends it there and lexes the rest anew
                for (int k = trie.idStart[i]; k < trie.idStart[trie.skip[i]]; k++) {
                    fallbacks.add(accEmit[d - 1], trie.ids[k], accDepth[d - 1]);
                    dependent++;
                }
            }
            i = trie.skip[i];
        }
        int[] acceptIds = accepted != null && acceptBits == null ? accepted.toArray() : null;
        int[] winnerIds = null;
        int[][] winnerAccept = null;
        if (byWinners != null) {
            winnerIds = byWinners.keySet().stream().mapToInt(Integer::intValue).toArray();
            winnerAccept = byWinners.values().stream().map(MaskEngine.IntList::toArray).toArray(int[][]::new);
        }
        int gs = groups.emit.size();
        int[] groupEmit = new int[gs];
        int[][] groupSegments = new int[gs][];
        int[][] groupAt = new int[gs][];
        int[] groupSize = new int[gs];
        for (int g = 0; g < gs; g++) {
            groupEmit[g] = groups.emit.get(g);
            groupSegments[g] = groups.segments.get(g).toArray();
            groupAt[g] = groups.at.get(g).toArray();
            groupSize[g] = groups.size.get(g)[0];
        }
        int[] fallbackEmit = NONE;
        int[][] fallbackPairs = NO_PAIRS;
        if (fallbacks != null && !fallbacks.pairs.isEmpty()) {
            fallbackEmit = fallbacks.pairs.keySet().stream().mapToInt(Integer::intValue).toArray();
            fallbackPairs = new int[fallbackEmit.length][];
            for (int g = 0; g < fallbackEmit.length; g++) {
                fallbackPairs[g] = fallbacks.pairs.get(fallbackEmit[g]).toArray();
            }
        }
        return new SubtreeClasses(acceptIds, acceptBits, acceptCount, winnerIds, winnerAccept, groupEmit,
                groupSegments, groupAt, groupSize, dependent, deferredNodes.toArray(), deferredStates.toArray(),
                fallsBack ? deferredAccEmits.toArray() : null, fallsBack ? deferredAccDepths.toArray() : null,
                fallbackEmit, fallbackPairs);
    }
}
