package dev.stencil.automata.parser;

/**
 * One canonical Earley state: the items of an Earley set, each with its origin given as the
 * canonical state it started in. Because an Earley set never changes once the parser moves on,
 * "the items plus, for each, what completing it resumes in its origin" determines everything the
 * parse can do from here; {@link EarleyParser} interns states on exactly that (origins compared by
 * continuation, not by identity), so equal futures share one object.
 *
 * <p>That gives the matcher its cheap history: a parse is fully described by one
 * {@code ParseNode} (its origins chain back through the stack), rollback restores an older
 * reference, and fork shares them. It also makes states good cache keys: the scan memo and the
 * mask cache hang off the node.
 *
 * <p>Completed items are not kept (only the start production's, which marks an accepting node):
 * they did their work when the set was closed, and nothing later reads them.
 *
 * <p>Items are sorted by (symbol after the dot, core, origin continuation), so the items waiting
 * for a given symbol form one contiguous run found by binary search.
 */
public final class ParseNode {
    final int id;
    final int[] cores;
    final ParseNode[] origins;
    /**
     * Per item, the continuation id of its origin for the item's left-hand side (what completing
     * the item resumes; see {@code EarleyParser}), or -1 when the origin is this node itself.
     * Part of the node's identity in place of the origin's own identity.
     */
    final int[] originConts;
    final int[] nexts;
    final boolean afterIgnorable;
    /** The lexer-mode stack ({@code ModeStacks} id): part of the state, since it picks the lexemes in play. */
    final int modeStack;
    boolean accepting;
    /** Cache of {@code EarleyParser.acceptsAtEnd}: null until computed. */
    volatile Boolean acceptsAtEnd;
    /** Lexer start state for the lexemes allowed here, -1 if none. */
    int lexStart;
    /** Sorted ids of the lexemes allowed here (parser lexemes and ignorables). */
    int[] allowed;
    /** With ANTLR-style lexing: {@link #allowed} as a bitset over lexeme ids; null otherwise. */
    long[] allowedBits;

    /** emit-set id -> successor node ({@link EarleyParser#DEAD} when the lexemes are not allowed). */
    final CowIntMap<ParseNode> scanMemo = new CowIntMap<>();
    /** nonterminal -> continuation id of this node for it (see {@code EarleyParser#continuation}). */
    final CowIntMap<Integer> continuations = new CowIntMap<>();
    /** lexer state -> cached mask data; owned by the mask engine. */
    final CowIntMap<Object> maskCache = new CowIntMap<>();

    ParseNode(int id, int[] cores, ParseNode[] origins, int[] originConts, int[] nexts, boolean afterIgnorable, int modeStack) {
        this.id = id;
        this.originConts = originConts;
        this.modeStack = modeStack;
        this.cores = cores;
        this.origins = origins;
        this.nexts = nexts;
        this.afterIgnorable = afterIgnorable;
    }

    /** A process-unique id (for diagnostics and hashing). */
    public int id() {
        return id;
    }

    /** The lexer-mode stack after the input so far (a {@code ModeStacks} id; 0 without modes). */
    public int modeStack() {
        return modeStack;
    }

    /** Whether the input so far is a complete sentence of the grammar. */
    public boolean isAccepting() {
        return accepting;
    }

    /** Lexer state at the start of the next lexeme, or -1 when nothing may follow. */
    public int lexStart() {
        return lexStart;
    }

    /** Lexemes that may start here (sorted ids); do not modify. */
    public int[] allowedLexemes() {
        return allowed;
    }

    /**
     * With ANTLR-style lexing, the lexemes the parser takes here as a bitset (a lexeme in
     * progress must still be able to end as one of them); null with parser-driven lexing, where
     * only those lexemes compete in the first place.
     */
    public long[] allowedBits() {
        return allowedBits;
    }

    public int itemCount() {
        return cores.length;
    }

    /** Mask-engine cache slot for lexer state {@code lexState}. */
    public Object cachedMask(int lexState) {
        return maskCache.get(lexState);
    }

    public Object cacheMask(int lexState, Object entry) {
        return maskCache.putIfAbsent(lexState, entry);
    }

    /**
     * The item cores (without origins) and the ignorable flag: nodes with equal shapes allow the
     * same lexemes, so they reach the same lexer states (used to bound eager precomputation).
     */
    public String shapeKey() {
        return java.util.Arrays.toString(cores) + (afterIgnorable ? "+" : "") + "m" + modeStack;
    }

    /** First index of the items whose next symbol is {@code sym} (items are sorted by it). */
    int firstWaiting(int sym) {
        int lo = 0;
        int hi = nexts.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (nexts[mid] < sym) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Override
    public String toString() {
        return "ParseNode#" + id + "(" + cores.length + " items" + (accepting ? ", accepting" : "") + ")";
    }
}
