package dev.stencil.automata;

import dev.stencil.automata.mask.Fallback;
import dev.stencil.automata.mask.MaskEngine;
import dev.stencil.automata.mask.VocabularyIndex;
import dev.stencil.automata.parser.ParseNode;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The constraint state of one sequence: which tokens may come next, and what the sequence has
 * accepted so far. Cheap to create, fork and roll back; not thread-safe (one per sequence).
 *
 * <p>The whole state is a parser node and a lexer state (see {@link ParseNode}), so each accepted
 * step stores the previous pair in two arrays: {@link #rollback} is an index move and
 * {@link #fork} copies two small arrays.
 */
public final class Matcher {
    private final CompiledGrammar grammar;
    private final MaskEngine engine;
    private final VocabularyIndex vocab;
    private final MaskEngine.Position pos;
    private boolean terminated;

    // history[k] = the position before step k
    private ParseNode[] histNode;
    private int[] histLex;
    private Fallback[] histFallback;
    private boolean[] histTerminated;
    private int steps;

    Matcher(CompiledGrammar grammar) {
        this.grammar = grammar;
        this.engine = grammar.engine();
        this.vocab = engine.vocabulary();
        this.pos = new MaskEngine.Position(engine.parser().root(), MaskEngine.AT_START);
        this.histNode = new ParseNode[32];
        this.histLex = new int[32];
        this.histFallback = new Fallback[32];
        this.histTerminated = new boolean[32];
    }

    private Matcher(Matcher other) {
        this.grammar = other.grammar;
        this.engine = other.engine;
        this.vocab = other.vocab;
        this.pos = new MaskEngine.Position(other.pos.node, other.pos.lexState, other.pos.fallback);
        this.terminated = other.terminated;
        this.histNode = Arrays.copyOf(other.histNode, Math.max(32, other.steps * 2));
        this.histLex = Arrays.copyOf(other.histLex, histNode.length);
        this.histFallback = Arrays.copyOf(other.histFallback, histNode.length);
        this.histTerminated = Arrays.copyOf(other.histTerminated, histNode.length);
        this.steps = other.steps;
    }

    public CompiledGrammar grammar() {
        return grammar;
    }

    /**
     * Fills {@code mask} with the tokens allowed next: bit {@code id & 63} of word {@code id >>> 6}.
     * The mask may be longer than the vocabulary (a model's logits can be wider); ids past the
     * vocabulary are always cleared. After the stop token has been accepted nothing is allowed.
     */
    public void fillNextTokenMask(long[] mask) {
        if (terminated) {
            Arrays.fill(mask, 0L);
            return;
        }
        engine.fillMask(pos, mask);
    }

    /** A new mask array sized for the vocabulary, for callers that do not manage their own. */
    public long[] newMask() {
        return new long[vocab.maskWords()];
    }

    /**
     * Accepts token {@code tokenId} if the grammar allows it; returns false and changes nothing
     * otherwise. The stop token is accepted only where the grammar may end, and ends the sequence.
     */
    public boolean accept(int tokenId) {
        if (terminated || tokenId < 0 || tokenId >= vocab.size()) {
            return false;
        }
        if (tokenId == vocab.eosTokenId()) {
            if (!engine.canEnd(pos)) {
                return false;
            }
            push();
            terminated = true;
            return true;
        }
        if (vocab.vocabulary().isSpecial(tokenId)) {
            return false;
        }
        byte[] bytes = vocab.tokenBytes(tokenId);
        return bytes.length > 0 && acceptBytes(bytes, 0, bytes.length);
    }

    /** Accepts raw bytes as one step (for forced text); all or nothing. */
    public boolean acceptBytes(byte[] bytes) {
        return acceptBytes(bytes, 0, bytes.length);
    }

    /** Accepts {@code bytes[off, off + len)} as one step; all or nothing. */
    public boolean acceptBytes(byte[] bytes, int off, int len) {
        if (terminated) {
            return false;
        }
        ParseNode savedNode = pos.node;
        int savedLex = pos.lexState;
        Fallback savedFallback = pos.fallback;
        for (int i = off; i < off + len; i++) {
            if (!engine.step(pos, bytes[i] & 0xff)) {
                pos.node = savedNode;
                pos.lexState = savedLex;
                pos.fallback = savedFallback;
                return false;
            }
        }
        ParseNode afterNode = pos.node;
        int afterLex = pos.lexState;
        Fallback afterFallback = pos.fallback;
        pos.node = savedNode;
        pos.lexState = savedLex;
        pos.fallback = savedFallback;
        push();
        pos.node = afterNode;
        pos.lexState = afterLex;
        pos.fallback = afterFallback;
        return true;
    }

    private void push() {
        if (steps == histNode.length) {
            int cap = steps * 2;
            histNode = Arrays.copyOf(histNode, cap);
            histLex = Arrays.copyOf(histLex, cap);
            histFallback = Arrays.copyOf(histFallback, cap);
            histTerminated = Arrays.copyOf(histTerminated, cap);
        }
        histNode[steps] = pos.node;
        histLex[steps] = pos.lexState;
        histFallback[steps] = pos.fallback;
        histTerminated[steps] = terminated;
        steps++;
    }

    /** Undoes the last {@code n} accepted steps (tokens, byte runs or the stop token). */
    public void rollback(int n) {
        if (n < 0 || n > steps) {
            throw new IllegalArgumentException("cannot roll back " + n + " steps; " + steps + " accepted");
        }
        if (n == 0) {
            return;
        }
        int k = steps - n;
        pos.node = histNode[k];
        pos.lexState = histLex[k];
        pos.fallback = histFallback[k];
        terminated = histTerminated[k];
        Arrays.fill(histNode, k, steps, null);
        Arrays.fill(histFallback, k, steps, null);
        steps = k;
    }

    /** An independent copy: the two evolve separately from here. */
    public Matcher fork() {
        return new Matcher(this);
    }

    /** Number of steps that {@link #rollback} can undo. */
    public int stepCount() {
        return steps;
    }

    /** Whether the input so far is complete, i.e. the stop token is allowed now. */
    public boolean isAccepting() {
        return !terminated && engine.canEnd(pos);
    }

    /** Whether the stop token has been accepted. */
    public boolean isTerminated() {
        return terminated;
    }

    /**
     * The bytes the grammar forces next (exactly one byte possible and the input may not end),
     * up to {@code limit} bytes, for jump-forward decoding. Does not change the matcher.
     */
    public byte[] forcedBytes(int limit) {
        if (terminated) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MaskEngine.Position cur = new MaskEngine.Position(pos.node, pos.lexState, pos.fallback);
        MaskEngine.Position probe = new MaskEngine.Position(null, 0);
        while (out.size() < limit && !engine.canEnd(cur)) {
            int only = -1;
            for (int b = 0; b < 256; b++) {
                probe.node = cur.node;
                probe.lexState = cur.lexState;
                probe.fallback = cur.fallback;
                if (engine.step(probe, b)) {
                    if (only >= 0) {
                        only = -2;
                        break;
                    }
                    only = b;
                }
            }
            if (only < 0) {
                break;
            }
            engine.step(cur, only);
            out.write(only);
        }
        return out.toByteArray();
    }

    /** {@link #forcedBytes(int)} with a 256-byte limit. */
    public byte[] forcedBytes() {
        return forcedBytes(256);
    }

    /** Internal: current parser node (tests, diagnostics). */
    public ParseNode parseNode() {
        return pos.node;
    }

    /** Internal: current lexer state, or {@link MaskEngine#AT_START}. */
    public int lexState() {
        return pos.lexState;
    }
}
