package dev.stencil.decoder;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The key/value cache of a batch of sequences decoded together by one {@link OnnxCausalLm}, plus
 * the attention mask and positions that go with it, and the logits of the last forward pass.
 *
 * <p>The cache tensors are the previous pass's {@code present.*} outputs, handed back to ONNX
 * Runtime as {@code past_key_values.*} without copying them through the Java heap; the previous
 * pass's native result is released only after the next pass has consumed it. Not thread-safe: one
 * cache per generation. Close it to release native memory.
 */
public final class KvCache implements AutoCloseable {
    private static final long PAD_TOKEN = 0;
    /** Hugging Face gives padded slots position 1; the value is irrelevant because they are masked. */
    private static final long PAD_POSITION = 1;

    private final OnnxCausalLm model;
    private final int batch;
    private final int vocab;
    private int columns;
    private long[][] rowMask;
    private final int[] nextPosition;
    private final int[] pendingLengths;

    // Reused direct buffers for the per-pass inputs (ONNX Runtime reads direct buffers in place).
    LongBuffer idsBuffer;
    LongBuffer maskBuffer;
    LongBuffer positionBuffer;
    final Map<String, OnnxTensorLike> inputs = new HashMap<>();

    OnnxTensor[] past;
    private AutoCloseable pastOwner;

    private FloatBuffer logits;
    private int logitsLength;
    /** First chunk position of the last pass with logits (0 unless the pass asked for the last rows only). */
    private int logitsFrom;
    private FloatBuffer pinnedBuffer;
    private OnnxTensor pinnedTensor;
    private boolean closed;
    private boolean captureHidden;
    private FloatBuffer hidden;

    // In-graph mask and top-k (OnnxCausalLm.forwardTopK): the masks going in, the k candidates per row coming out.
    private LongBuffer deviceMaskBuffer;
    private int candidatesK;
    private OnnxTensor candidatesKTensor;
    private FloatBuffer candidateValues;
    private LongBuffer candidateIds;
    private Map<String, OnnxTensor> candidateOutputs;
    /** Whether the last pass returned candidates rather than logits. */
    private boolean hasCandidates;

    KvCache(OnnxCausalLm model, int batch) {
        this.model = model;
        this.batch = batch;
        this.vocab = model.shape().vocabSize();
        this.rowMask = new long[batch][64];
        this.nextPosition = new int[batch];
        this.pendingLengths = new int[batch];
        this.idsBuffer = OnnxCausalLm.directLongs(batch * 64);
        this.maskBuffer = OnnxCausalLm.directLongs(batch * 64);
        this.positionBuffer = OnnxCausalLm.directLongs(batch * 64);
    }

    public int batch() {
        return batch;
    }

    /** Cache length in columns, padding included (the attention mask's width before the next pass). */
    public int columns() {
        return columns;
    }

    /** Real (unpadded) tokens of {@code row} in the cache, which is also the next token's position. */
    public int length(int row) {
        return nextPosition[row];
    }

    /** Tokens per row in the last forward pass (the padded chunk length), 0 before the first. */
    public int lastChunkLength() {
        return logitsLength;
    }

    /**
     * Copies the logits of {@code row} at chunk position {@code t} of the last forward pass (-1 =
     * the last position, the one that predicts the next token) into {@code dst}.
     */
    public float[] logits(int row, int t, float[] dst) {
        if (logits == null) {
            throw new DecoderException(hasCandidates ? "no logits: the last pass returned only the top-k candidates (forwardTopK)"
                    : "no logits: run a forward pass first");
        }
        int pos = t < 0 ? logitsLength + t : t;
        if (row < 0 || row >= batch || pos < 0 || pos >= logitsLength) {
            throw new DecoderException("logits position (" + row + ", " + t + ") outside the last chunk of " + batch + " x " + logitsLength);
        }
        if (pos < logitsFrom) {
            throw new DecoderException("no logits at chunk position " + pos + ": the last pass computed them only from position "
                    + logitsFrom + " on (see OnnxCausalLm.forward's lastRows)");
        }
        int rows = logitsLength - logitsFrom;
        logits.get(((row * rows) + pos - logitsFrom) * vocab, dst, 0, vocab);
        return dst;
    }

    /**
     * Whether forward passes also fetch the model's {@code hidden_states} output (contrastive
     * search); off by default, since it costs a copy of batch × chunk × width floats per pass.
     */
    public void captureHiddenStates(boolean on) {
        if (on && !model.shape().hasHiddenStates()) {
            throw new DecoderException("model " + model.name() + " has no 'hidden_states' output");
        }
        captureHidden = on;
        hidden = null;
    }

    boolean capturesHiddenStates() {
        return captureHidden;
    }

    void storeHiddenStates(FloatBuffer copied, int len) {
        hidden = copied;
    }

    /**
     * Copies the hidden state of {@code row} at chunk position {@code t} of the last forward pass
     * (-1 = the last) into {@code dst}, whose length is the hidden width. Needs {@link #captureHiddenStates}.
     */
    public float[] hiddenStates(int row, int t, float[] dst) {
        if (hidden == null) {
            throw new DecoderException("no hidden states: turn on captureHiddenStates and run a forward pass first");
        }
        int pos = t < 0 ? logitsLength + t : t;
        if (row < 0 || row >= batch || pos < 0 || pos >= logitsLength) {
            throw new DecoderException("hidden state position (" + row + ", " + t + ") outside the last chunk of " + batch + " x " + logitsLength);
        }
        int width = dst.length;
        if ((long) batch * logitsLength * width != hidden.capacity()) {
            throw new DecoderException("hidden states are " + hidden.capacity() / ((long) batch * logitsLength) + " wide, not " + width);
        }
        hidden.get(((row * logitsLength) + pos) * width, dst, 0, width);
        return dst;
    }

    /** Width of the hidden states of the last pass (0 without them). */
    public int hiddenWidth() {
        return hidden == null || logitsLength == 0 ? 0 : hidden.capacity() / (batch * logitsLength);
    }

    void checkOwner(OnnxCausalLm m) {
        if (m != model) {
            throw new DecoderException("this cache belongs to another model");
        }
        if (closed) {
            throw new DecoderException("this cache has been closed");
        }
    }

    /** Lays out input ids, the extended attention mask and positions for a chunk of {@code len}. */
    void prepare(int[][] tokens, int len) {
        int newColumns = columns + len;
        if (newColumns > rowMask[0].length) {
            int cap = Math.max(newColumns, rowMask[0].length * 2);
            for (int b = 0; b < batch; b++) {
                rowMask[b] = Arrays.copyOf(rowMask[b], cap);
            }
        }
        idsBuffer = ensure(idsBuffer, batch * len);
        positionBuffer = ensure(positionBuffer, batch * len);
        maskBuffer = ensure(maskBuffer, batch * newColumns);
        idsBuffer.clear();
        positionBuffer.clear();
        maskBuffer.clear();
        for (int b = 0; b < batch; b++) {
            int[] row = tokens[b];
            int pad = len - row.length;
            long[] m = rowMask[b];
            for (int j = 0; j < pad; j++) {
                idsBuffer.put(PAD_TOKEN);
                positionBuffer.put(PAD_POSITION);
                m[columns + j] = 0;
            }
            for (int j = 0; j < row.length; j++) {
                idsBuffer.put(row[j]);
                positionBuffer.put(nextPosition[b] + j);
                m[columns + pad + j] = 1;
            }
            maskBuffer.put(m, 0, newColumns);
            pendingLengths[b] = row.length;
        }
        idsBuffer.flip();
        positionBuffer.flip();
        maskBuffer.flip();
    }

    private static LongBuffer ensure(LongBuffer buf, int n) {
        return buf.capacity() >= n ? buf : OnnxCausalLm.directLongs(Math.max(n, buf.capacity() * 2));
    }

    /** The pinned logits tensor for single-token passes, or null where the logits are not float32 or len > 1. */
    OnnxTensor pinnedLogits(int len) throws OrtException {
        if (len != 1 || !model.float32Logits()) {
            return null;
        }
        if (pinnedTensor == null) {
            pinnedBuffer = ByteBuffer.allocateDirect(batch * vocab * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            pinnedTensor = OnnxTensor.createTensor(model.env(), pinnedBuffer, new long[] {batch, 1, vocab});
        }
        return pinnedTensor;
    }

    void usePinnedLogits(int len) {
        logits = pinnedBuffer;
        logitsLength = len;
        logitsFrom = 0;
        hasCandidates = false;
    }

    /** After a pass that computed no logits ({@link OnnxCausalLm#forwardHidden}): none can be read. */
    void useNoLogits(int len) {
        logits = null;
        hidden = null;
        logitsLength = len;
        logitsFrom = len;
        hasCandidates = false;
    }

    void storeLogits(FloatBuffer copied, int len) {
        storeLogits(copied, len, len);
    }

    /** Logits of the last {@code rows} positions of a chunk of {@code len}. */
    void storeLogits(FloatBuffer copied, int len, int rows) {
        logits = copied;
        logitsLength = len;
        logitsFrom = len - rows;
        hasCandidates = false;
    }

    /** The rows' masks laid out as the graph's {@code [batch, words]} input (a null row allows every token). */
    LongBuffer deviceMasks(long[][] masks, int words) {
        if (deviceMaskBuffer == null) {
            deviceMaskBuffer = OnnxCausalLm.directLongs(batch * words);
        }
        deviceMaskBuffer.clear();
        for (long[] m : masks) {
            if (m == null) {
                for (int w = 0; w < words; w++) {
                    deviceMaskBuffer.put(-1L);
                }
            } else {
                deviceMaskBuffer.put(m, 0, words);
            }
        }
        return deviceMaskBuffer.flip();
    }

    /** The graph's {@code k} input. */
    OnnxTensor candidateCount(int k) throws OrtException {
        ensureCandidates(k);
        return candidatesKTensor;
    }

    /** Pinned output tensors for the candidates ({@code [batch, k]} values and ids), reused while k stays the same. */
    Map<String, OnnxTensor> pinnedCandidates(int k) throws OrtException {
        ensureCandidates(k);
        return candidateOutputs;
    }

    private void ensureCandidates(int k) throws OrtException {
        if (k == candidatesK) {
            return;
        }
        closeCandidates();
        LongBuffer kb = OnnxCausalLm.directLongs(1);
        kb.put(0, k);
        candidateValues = ByteBuffer.allocateDirect(batch * k * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        candidateIds = OnnxCausalLm.directLongs(batch * k);
        long[] shape = {batch, k};
        List<OnnxTensor> made = new ArrayList<>(3);
        try {
            made.add(OnnxTensor.createTensor(model.env(), kb, new long[] {1}));
            made.add(OnnxTensor.createTensor(model.env(), candidateValues, shape));
            made.add(OnnxTensor.createTensor(model.env(), candidateIds, shape));
        } catch (OrtException e) {
            made.forEach(OnnxCausalLm::closeQuietly);
            throw e;
        }
        candidatesKTensor = made.get(0);
        candidateOutputs = Map.of(dev.stencil.decoder.onnx.DeviceTopKGraph.VALUES_OUTPUT, made.get(1),
                dev.stencil.decoder.onnx.DeviceTopKGraph.INDICES_OUTPUT, made.get(2));
        candidatesK = k;
    }

    private void closeCandidates() {
        OnnxCausalLm.closeQuietly(candidatesKTensor);
        if (candidateOutputs != null) {
            candidateOutputs.values().forEach(OnnxCausalLm::closeQuietly);
        }
        candidatesKTensor = null;
        candidateOutputs = null;
        candidatesK = 0;
    }

    void useCandidates(int k, int len) {
        hidden = null;
        logits = null;
        logitsLength = len;
        logitsFrom = 0;
        hasCandidates = true;
    }

    /**
     * The allowed candidates of {@code row} from the last {@link OnnxCausalLm#forwardTopK} pass,
     * best first (equal logits: lower id first on the CPU provider): copies up to k of them into
     * {@code values} and {@code ids} and returns how many there are (fewer than k when the mask
     * allows fewer tokens; 0 when it allows none).
     */
    public int candidates(int row, float[] values, int[] ids) {
        if (!hasCandidates) {
            throw new DecoderException("no candidates: the last pass was not a forwardTopK pass");
        }
        if (row < 0 || row >= batch) {
            throw new DecoderException("row " + row + " outside 0.." + (batch - 1));
        }
        int k = candidatesK;
        int n = 0;
        for (int i = 0; i < k && i < values.length && i < ids.length; i++) {
            float v = candidateValues.get(row * k + i);
            if (v == Float.NEGATIVE_INFINITY || Float.isNaN(v)) {
                break; // sorted: the rest are masked out too
            }
            values[i] = v;
            ids[i] = (int) candidateIds.get(row * k + i);
            n++;
        }
        return n;
    }

    void commit(OnnxTensor[] present, AutoCloseable owner, int len) {
        OnnxCausalLm.closeQuietly(pastOwner);
        past = present;
        pastOwner = owner;
        columns += len;
        for (int b = 0; b < batch; b++) {
            nextPosition[b] += pendingLengths[b];
        }
    }

    /**
     * Cuts the cache back to its first {@code newColumns} columns (rollback of rejected draft tokens
     * or of a backed-up prompt token). Copies the cache through the heap, so it is meant for
     * occasional use, not every step. The logits of the last pass are dropped.
     */
    public void truncate(int newColumns) {
        checkOwner(model);
        if (newColumns < 0 || newColumns > columns) {
            throw new DecoderException("cannot truncate a cache of " + columns + " columns to " + newColumns);
        }
        if (newColumns == columns) {
            return;
        }
        List<OnnxTensor> fresh = new ArrayList<>(past.length);
        ModelShape s = model.shape();
        // raw bytes, so float32 and float16 caches are cut alike
        int rowStride = columns * s.headDim() * cacheElementBytes();
        int newRowStride = newColumns * s.headDim() * cacheElementBytes();
        try {
            for (int i = 0; i < past.length; i++) {
                ByteBuffer src = past[i].getByteBuffer();
                ByteBuffer dst = ByteBuffer.allocateDirect(batch * s.heads() * newRowStride).order(ByteOrder.nativeOrder());
                for (int bh = 0; bh < batch * s.heads(); bh++) {
                    dst.put(bh * newRowStride, src, bh * rowStride, newRowStride);
                }
                fresh.add(cacheTensor(dst, new long[] {batch, s.heads(), newColumns, s.headDim()}));
            }
        } catch (OrtException e) {
            fresh.forEach(OnnxCausalLm::closeQuietly);
            throw new DecoderException("cannot truncate the cache: " + e.getMessage(), e);
        }
        OnnxCausalLm.closeQuietly(pastOwner);
        past = fresh.toArray(new OnnxTensor[0]);
        pastOwner = () -> fresh.forEach(OnnxCausalLm::closeQuietly);
        if (newColumns == 0) {
            OnnxCausalLm.closeQuietly(pastOwner);
            past = null;
            pastOwner = null;
        }
        columns = newColumns;
        for (int b = 0; b < batch; b++) {
            int n = 0;
            for (int j = 0; j < newColumns; j++) {
                n += (int) rowMask[b][j];
            }
            nextPosition[b] = n;
        }
        logits = null;
        logitsLength = 0;
        logitsFrom = 0;
        hasCandidates = false;
    }

    /**
     * Reorders the rows for beam search: afterwards row {@code b} holds what row {@code
     * sources[b]} held (a row may be copied to several). Copies through the heap, once per step
     * where the beams change parents. The logits of the last pass are dropped.
     */
    public void reorder(int[] sources) {
        checkOwner(model);
        if (sources.length != batch) {
            throw new DecoderException("reorder needs " + batch + " source rows, got " + sources.length);
        }
        boolean identity = true;
        for (int b = 0; b < batch; b++) {
            if (sources[b] < 0 || sources[b] >= batch) {
                throw new DecoderException("reorder: source row " + sources[b] + " outside 0.." + (batch - 1));
            }
            identity &= sources[b] == b;
        }
        if (identity || past == null) {
            return;
        }
        ModelShape s = model.shape();
        int rowBytes = s.heads() * columns * s.headDim() * cacheElementBytes(); // one batch row of one layer's key or value
        List<OnnxTensor> fresh = new ArrayList<>(past.length);
        try {
            for (OnnxTensor t : past) {
                ByteBuffer src = t.getByteBuffer();
                ByteBuffer dst = ByteBuffer.allocateDirect(batch * rowBytes).order(ByteOrder.nativeOrder());
                for (int b = 0; b < batch; b++) {
                    dst.put(b * rowBytes, src, sources[b] * rowBytes, rowBytes);
                }
                fresh.add(cacheTensor(dst, new long[] {batch, s.heads(), columns, s.headDim()}));
            }
        } catch (OrtException e) {
            fresh.forEach(OnnxCausalLm::closeQuietly);
            throw new DecoderException("cannot reorder the cache: " + e.getMessage(), e);
        }
        OnnxCausalLm.closeQuietly(pastOwner);
        past = fresh.toArray(new OnnxTensor[0]);
        pastOwner = () -> fresh.forEach(OnnxCausalLm::closeQuietly);
        long[][] masks = new long[batch][];
        int[] positions = new int[batch];
        for (int b = 0; b < batch; b++) {
            masks[b] = rowMask[sources[b]].clone();
            positions[b] = nextPosition[sources[b]];
        }
        rowMask = masks;
        System.arraycopy(positions, 0, nextPosition, 0, batch);
        logits = null;
        logitsLength = 0;
        logitsFrom = 0;
        hasCandidates = false;
        hidden = null;
    }

    private int cacheElementBytes() {
        return model.shape().float16Cache() ? 2 : Float.BYTES;
    }

    /** A cache tensor over {@code data} (a direct buffer, used in place) of the model's cache type. */
    private OnnxTensor cacheTensor(ByteBuffer data, long[] shape) throws OrtException {
        return OnnxTensor.createTensor(model.env(), data, shape,
                model.shape().float16Cache() ? ai.onnxruntime.OnnxJavaType.FLOAT16 : ai.onnxruntime.OnnxJavaType.FLOAT);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            OnnxCausalLm.closeQuietly(pastOwner);
            OnnxCausalLm.closeQuietly(pinnedTensor);
            closeCandidates();
            past = null;
            pastOwner = null;
        }
    }
}
