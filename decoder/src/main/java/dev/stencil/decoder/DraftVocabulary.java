package dev.stencil.decoder;

import dev.stencil.decoder.onnx.OutputLayer;
import java.util.Arrays;

/**
 * The tokens a greedy draft may propose, learned from what the target actually emits, with the
 * draft's output projection for just those tokens, so that a draft step scores a few thousand
 * tokens on the host instead of running the vocabulary-wide projection in the graph.
 *
 * <p>Why: on the embedded pair the draft's 50,257 × 64 projection is most of its cost: its 13 MB
 * of weights do not stay in the CPU's last-level cache next to the target's 26 MB, so every draft
 * step streams them from memory (measured on one thread, steps interleaved with the target's
 * passes as in speculation: ~1.0 ms per draft step with the projection, ~0.15 ms without it,
 * against ~1.3 ms per target step; the target's passes ran ~10% slower next to the full one). The idea is FR-Spec's (Zhao et al., 2025, "Accelerating
 * large-vocabulary language models via frequency-ranked speculative sampling"): restrict the
 * draft's output layer to a subset of frequent tokens. There the subset comes from corpus
 * frequencies; here it is learned online from the prompts and outputs of generations that use the
 * draft, first come first admitted up to {@link #DEFAULT_CAPACITY} tokens, which suits a workload
 * such as JSON generation whose outputs reuse a small part of the vocabulary.
 *
 * <p>Exactness is untouched: the target verifies every proposal against its own masked argmax, so
 * a token the draft cannot propose only costs acceptance. Greedy only: a sampled draft must give
 * the same proposals for the same seed, which a vocabulary learned from earlier generations would
 * not (sampled generations keep the graph's full projection).
 *
 * <p>Thread-safe: admitted tokens are written under a lock and published through the volatile
 * {@code size}; readers take {@code size} once and read only below it.
 */
final class DraftVocabulary {
    /** Tokens admitted at most; 4,096 × 64 floats of weights (1 MB) stay in the CPU's caches. */
    static final int DEFAULT_CAPACITY = 4096;

    private final OutputLayer layer;
    private final int width;
    private final int capacity;
    /** {@code [width][capacity]}: entry {@code (k, j)} is weight k of token {@code ids[j]}, so a step's scores are contiguous axpy passes. */
    private final float[] columns;
    private final int[] ids;
    /** Bit per vocabulary token: admitted. Written under the lock; read without it only as a hint. */
    private final long[] admitted;
    private volatile int size;

    DraftVocabulary(OutputLayer layer, int capacity) {
        if (capacity < 1) {
            throw new DecoderException("draft vocabulary capacity must be >= 1, got " + capacity);
        }
        this.layer = layer;
        this.width = layer.width();
        this.capacity = capacity;
        this.columns = new float[width * capacity];
        this.ids = new int[capacity];
        this.admitted = new long[(layer.vocab() + 63) >>> 6];
    }

    /** Tokens admitted so far. */
    int size() {
        return size;
    }

    int capacity() {
        return capacity;
    }

    /** Hidden-state width the scores read ({@link #argmax}). */
    int width() {
        return width;
    }

    /** Whether {@code token} may be proposed. */
    boolean contains(int token) {
        return token >= 0 && token < layer.vocab() && (admitted[token >>> 6] & (1L << token)) != 0;
    }

    /** Admits {@code token} (nothing when it is already in, outside the vocabulary, or the vocabulary is full). */
    void learn(int token) {
        if (token < 0 || token >= layer.vocab() || contains(token) || size >= capacity) {
            return;
        }
        synchronized (this) {
            int n = size;
            if (contains(token) || n >= capacity) {
                return;
            }
            int base = token * width;
            for (int k = 0; k < width; k++) {
                columns[k * capacity + n] = layer.weights()[base + k];
            }
            ids[n] = token;
            admitted[token >>> 6] |= 1L << token;
            size = n + 1; // publishes the column and the id
        }
    }

    void learnAll(int[] tokens) {
        for (int t : tokens) {
            learn(t);
        }
    }

    /**
     * The admitted token that {@code mask} allows with the largest logit for {@code hidden} (the
     * draft's last hidden state), or -1 when the mask allows none of them. {@code scores} is the
     * caller's scratch of at least {@link #capacity()} floats.
     */
    int argmax(float[] hidden, long[] mask, float[] scores) {
        int n = size;
        Arrays.fill(scores, 0, n, 0f);
        for (int k = 0; k < width; k++) {
            float h = hidden[k];
            int base = k * capacity;
            for (int j = 0; j < n; j++) { // vectorised by the JIT: contiguous, independent lanes
                scores[j] += h * columns[base + j];
            }
        }
        int best = -1;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            int t = ids[j];
            if ((mask[t >>> 6] & (1L << t)) != 0 && scores[j] > bestValue) {
                best = t;
                bestValue = scores[j];
            }
        }
        return best;
    }
}
