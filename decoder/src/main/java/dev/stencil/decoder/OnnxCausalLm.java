package dev.stencil.decoder;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.stencil.decoder.onnx.DeviceTopKGraph;
import dev.stencil.decoder.onnx.LogitRowsGraph;
import dev.stencil.decoder.onnx.OnnxFormatException;
import dev.stencil.decoder.onnx.OnnxModelEditor;
import dev.stencil.decoder.onnx.OutputLayer;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A causal language model exported to ONNX as a Hugging Face "decoder with past": inputs
 * {@code input_ids}, {@code attention_mask}, optionally {@code position_ids}, and
 * {@code past_key_values.{i}.key/value}; outputs {@code logits} and {@code present.{i}.key/value}
 * (and optionally {@code hidden_states}). Layers, heads and head size are read from the session's
 * metadata.
 *
 * <p>Thread-safe: one loaded model serves many sequences at once, each with its own {@link KvCache}
 * (ONNX Runtime sessions may be run concurrently).
 */
public final class OnnxCausalLm implements AutoCloseable {
    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String POSITION_IDS = "position_ids";
    static final String LOGITS = "logits";
    static final String HIDDEN_STATES = "hidden_states";
    private static final Pattern PAST_KEY = Pattern.compile("past_key_values\\.(\\d+)\\.key");
    /** Models up to this size are read into memory to add {@link LogitRowsGraph}; larger ones load as they are. */
    private static final long MAX_EXTENDED_BYTES = 1L << 30;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final String name;
    private final ModelShape shape;
    /** past_key_values.{i}.key, past_key_values.{i}.value, interleaved per layer. */
    final String[] pastNames;
    /** present.{i}.key, present.{i}.value, in the same order as {@link #pastNames}. */
    final String[] presentNames;
    final Set<String> presentOutputs;
    final Set<String> presentAndLogits;
    /** Whether the graph carries Stencil's mask + top-k stage ({@link DeviceTopKGraph}). */
    private final boolean deviceTopK;
    /**
     * Whether the graph computes logits only at the positions fed as {@link LogitRowsGraph#ROWS_INPUT}
     * (then every pass feeds them: all positions for full logits).
     */
    private final boolean logitRows;
    /** Whether {@code logits} is float32 (else float16/bfloat16, converted when read). */
    private final boolean float32Logits;
    /** Words of the packed mask, {@code ceil(vocab / 64)}. */
    private final int maskWords;
    /**
     * Inputs of the mask stage for passes that want the full logits: an extended graph needs
     * every input fed, and ONNX Runtime runs the stage even when its outputs are not asked for,
     * so it gets the cheapest work (all allowed, k = 1). Read-only, so shared by concurrent runs.
     */
    private OnnxTensor allowAllMask;
    private OnnxTensor oneCandidate;
    /** The outputs of a pass that also keeps the hidden states (contrastive search). */
    final Set<String> presentLogitsAndHidden;
    /** The outputs of a pass that computes no logits (a draft scoring on the host, {@link #forwardHidden}). */
    private final Set<String> presentAndHidden;
    /**
     * The output projection, read for models loaded as drafts ({@link #loadDraft}) when the graph
     * can skip it (logit rows) and exposes its input ({@code hidden_states}); null otherwise.
     */
    private volatile OutputLayer hostOutputLayer;

    private OnnxCausalLm(OrtEnvironment env, OrtSession session, String name) {
        this.env = env;
        this.session = session;
        this.name = name;
        try {
            Map<String, NodeInfo> in = session.getInputInfo();
            Map<String, NodeInfo> out = session.getOutputInfo();
            for (String required : new String[] {INPUT_IDS, ATTENTION_MASK}) {
                if (!in.containsKey(required)) {
                    throw badInterface("input '" + required + "' is missing", in, out);
                }
            }
            if (!out.containsKey(LOGITS)) {
                throw badInterface("output 'logits' is missing", in, out);
            }
            TreeSet<Integer> layerIds = new TreeSet<>();
            for (String n : in.keySet()) {
                java.util.regex.Matcher m = PAST_KEY.matcher(n);
                if (m.matches()) {
                    layerIds.add(Integer.parseInt(m.group(1)));
                }
            }
            if (layerIds.isEmpty()) {
                throw badInterface("no past_key_values.{i}.key inputs: this is not a decoder-with-past export", in, out);
            }
            int layers = layerIds.size();
            if (layerIds.last() != layers - 1) {
                throw badInterface("past_key_values layers are not numbered 0.." + (layers - 1), in, out);
            }
            pastNames = new String[2 * layers];
            presentNames = new String[2 * layers];
            for (int i = 0; i < layers; i++) {
                pastNames[2 * i] = "past_key_values." + i + ".key";
                pastNames[2 * i + 1] = "past_key_values." + i + ".value";
                presentNames[2 * i] = "present." + i + ".key";
                presentNames[2 * i + 1] = "present." + i + ".value";
            }
            for (int i = 0; i < pastNames.length; i++) {
                if (!in.containsKey(pastNames[i])) {
                    throw badInterface("input '" + pastNames[i] + "' is missing", in, out);
                }
                if (!out.containsKey(presentNames[i])) {
                    throw badInterface("output '" + presentNames[i] + "' is missing", in, out);
                }
            }
            TensorInfo pastInfo = tensorInfo(in.get(pastNames[0]), pastNames[0]);
            long[] ps = pastInfo.getShape();
            if (ps.length != 4 || ps[1] <= 0 || ps[3] <= 0) {
                throw badInterface("'" + pastNames[0] + "' must have shape [batch, heads, past, head_dim] with fixed heads and head_dim, got "
                        + java.util.Arrays.toString(ps), in, out);
            }
            boolean f16 = switch (pastInfo.type) {
                case FLOAT -> false;
                case FLOAT16 -> true;
                default -> throw badInterface("cache tensors must be float32 or float16, got " + pastInfo.type, in, out);
            };
            TensorInfo logitsInfo = tensorInfo(out.get(LOGITS), LOGITS);
            float32Logits = logitsInfo.type == OnnxJavaType.FLOAT;
            long[] ls = logitsInfo.getShape();
            int vocab = ls.length == 3 && ls[2] > 0 ? (int) ls[2] : -1;
            if (vocab <= 0) {
                throw badInterface("'logits' must have shape [batch, sequence, vocab] with a fixed vocab, got "
                        + java.util.Arrays.toString(ls), in, out);
            }
            shape = new ModelShape(layers, (int) ps[1], (int) ps[3], vocab, f16,
                    in.containsKey(POSITION_IDS), out.containsKey(HIDDEN_STATES));
            maskWords = (vocab + 63) >>> 6;
            deviceTopK = in.containsKey(DeviceTopKGraph.MASK_INPUT) && out.containsKey(DeviceTopKGraph.VALUES_OUTPUT);
            logitRows = in.containsKey(LogitRowsGraph.ROWS_INPUT);
            if (deviceTopK) {
                long[] ms = tensorInfo(in.get(DeviceTopKGraph.MASK_INPUT), DeviceTopKGraph.MASK_INPUT).getShape();
                if (ms.length != 2 || ms[1] != maskWords) {
                    throw badInterface("'" + DeviceTopKGraph.MASK_INPUT + "' must be [rows, " + maskWords + "], got "
                            + java.util.Arrays.toString(ms), in, out);
                }
                long[] ones = new long[maskWords];
                java.util.Arrays.fill(ones, -1L);
                allowAllMask = OnnxTensor.createTensor(env, LongBuffer.wrap(ones), new long[] {1, maskWords});
                oneCandidate = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {1}), new long[] {1});
            }
        } catch (OrtException e) {
            throw new DecoderException("cannot read the inputs and outputs of model " + name + ": " + e.getMessage(), e);
        }
        presentOutputs = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(presentNames)));
        LinkedHashSet<String> withLogits = new LinkedHashSet<>(presentOutputs);
        withLogits.add(LOGITS);
        presentAndLogits = Collections.unmodifiableSet(withLogits);
        LinkedHashSet<String> withHidden = new LinkedHashSet<>(withLogits);
        withHidden.add(HIDDEN_STATES);
        presentLogitsAndHidden = Collections.unmodifiableSet(withHidden);
        LinkedHashSet<String> hiddenOnly = new LinkedHashSet<>(presentOutputs);
        hiddenOnly.add(HIDDEN_STATES);
        presentAndHidden = Collections.unmodifiableSet(hiddenOnly);
    }

    private DecoderException badInterface(String what, Map<String, NodeInfo> in, Map<String, NodeInfo> out) {
        return new DecoderException("model " + name + " is not a usable decoder-with-past ONNX export: " + what
                + " (inputs " + in.keySet() + ", outputs " + out.keySet() + ")");
    }

    private TensorInfo tensorInfo(NodeInfo node, String what) {
        if (!(node.getInfo() instanceof TensorInfo t)) {
            throw new DecoderException("model " + name + ": '" + what + "' is not a tensor");
        }
        return t;
    }

    /**
     * Loads a model to serve as a speculative draft: as {@link #load(Path, RuntimeOptions)}, and
     * where the graph allows it ({@link OutputLayer}: the projection reads {@code hidden_states}
     * and passes can skip it), its output projection is also read onto the host, so a greedy draft
     * scores only the tokens it may propose ({@link DraftVocabulary}) instead of the whole
     * vocabulary every step (the projection's weights are then also kept on the heap: 13 MB for
     * the embedded draft). Other models load as drafts that compute full logits. With ONNX
     * Runtime's default thread count ({@code intraOpThreads} 0) a draft gets one thread.
     */
    public static OnnxCausalLm loadDraft(Path onnxFile, RuntimeOptions options) {
        OnnxCausalLm model = load(onnxFile, draftOptions(options));
        try {
            model.attachOutputLayer(Files.readAllBytes(onnxFile));
        } catch (java.io.IOException e) {
            model.close();
            throw new DecoderException("cannot read ONNX model " + onnxFile + ": " + e.getMessage(), e);
        }
        return model;
    }

    /** {@link #loadDraft(Path, RuntimeOptions)} from the model's bytes (a classpath resource). */
    public static OnnxCausalLm loadDraft(byte[] onnxBytes, String name, RuntimeOptions options) {
        OnnxCausalLm model = load(onnxBytes, name, draftOptions(options));
        model.attachOutputLayer(onnxBytes);
        return model;
    }

    /**
     * A draft runs on one intra-op thread unless told otherwise: its passes are too small to
     * share, and the idle workers of a second pool spin while the target runs, taking the cores
     * the target's own workers need (measured on 2 cores: a draft with ONNX Runtime's default pool
     * made speculation 0.64x where one thread gave 1.0x on the same inputs).
     */
    private static RuntimeOptions draftOptions(RuntimeOptions options) {
        return options.intraOpThreads() == 0 ? options.withThreads(1) : options;
    }

    private void attachOutputLayer(byte[] onnxBytes) {
        if (!logitRows || !shape.hasHiddenStates() || deviceTopK || !float32Logits) {
            return;
        }
        try {
            if (OnnxModelEditor.of(onnxBytes).opsetVersion() < 14) {
                return; // a pass of zero logit rows needs Reshape's allowzero (LogitRowsGraph)
            }
            OutputLayer layer = OutputLayer.readOrNull(onnxBytes, LOGITS, HIDDEN_STATES);
            if (layer != null && layer.vocab() == shape.vocabSize()) {
                hostOutputLayer = layer;
            }
        } catch (OnnxFormatException e) {
            // not a graph Stencil can read: the draft computes its logits in the graph, as any model
        }
    }

    /** The output projection on the host (drafts loaded with {@link #loadDraft} whose graph allows it), or null. */
    public OutputLayer hostOutputLayer() {
        return hostOutputLayer;
    }

    /** Loads an ONNX file. */
    public static OnnxCausalLm load(Path onnxFile, RuntimeOptions options) {
        if (!Files.isRegularFile(onnxFile)) {
            throw new DecoderException("model file not found: " + onnxFile);
        }
        if (options.maskOnDevice()) {
            try {
                return load(Files.readAllBytes(onnxFile), onnxFile.toString(), options);
            } catch (java.io.IOException e) {
                throw new DecoderException("cannot read ONNX model " + onnxFile + ": " + e.getMessage(), e);
            }
        }
        byte[] extended = null;
        try {
            if (Files.size(onnxFile) < MAX_EXTENDED_BYTES) {
                extended = LogitRowsGraph.extendOrNull(Files.readAllBytes(onnxFile), LOGITS);
            }
        } catch (java.io.IOException e) {
            throw new DecoderException("cannot read ONNX model " + onnxFile + ": " + e.getMessage(), e);
        } catch (OnnxFormatException e) {
            extended = null; // ONNX Runtime's own reading reports what is wrong with the file
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = sessionOptions(options)) {
            OrtSession session = extended != null ? env.createSession(extended, so) : env.createSession(onnxFile.toString(), so);
            return wrap(env, session, onnxFile.toString());
        } catch (OrtException e) {
            throw new DecoderException("cannot load ONNX model " + onnxFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads an ONNX model from its bytes (a classpath resource); {@code name} is used in messages.
     * With {@link RuntimeOptions#maskOnDevice()} the graph is first extended with the mask and
     * top-k stage ({@link DeviceTopKGraph}).
     */
    public static OnnxCausalLm load(byte[] onnxBytes, String name, RuntimeOptions options) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        byte[] graph = onnxBytes;
        try {
            byte[] withRows = LogitRowsGraph.extendOrNull(onnxBytes, LOGITS);
            graph = withRows != null ? withRows : onnxBytes;
        } catch (OnnxFormatException e) {
            graph = onnxBytes; // ONNX Runtime's own reading reports what is wrong with the bytes
        }
        if (options.maskOnDevice()) {
            try {
                if (OnnxModelEditor.of(onnxBytes).hasExternalData()) {
                    throw new DecoderException("masks on the device: model " + name + " keeps its weights in external data files, "
                            + "which a model extended in memory cannot resolve (not supported yet); run without the device mask");
                }
                graph = DeviceTopKGraph.extend(graph, LOGITS);
            } catch (OnnxFormatException e) {
                throw new DecoderException("cannot add the device mask to model " + name + ": " + e.getMessage(), e);
            }
        }
        try (OrtSession.SessionOptions so = sessionOptions(options)) {
            return wrap(env, env.createSession(graph, so), name);
        } catch (OrtException e) {
            throw new DecoderException("cannot load ONNX model " + name + ": " + e.getMessage(), e);
        }
    }

    /** The model over {@code session}; a session whose graph is not a usable decoder is closed, not leaked. */
    private static OnnxCausalLm wrap(OrtEnvironment env, OrtSession session, String name) throws OrtException {
        try {
            return new OnnxCausalLm(env, session, name);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    private static OrtSession.SessionOptions sessionOptions(RuntimeOptions options) throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        try {
            addProvider(so, options);
        } catch (RuntimeException | OrtException e) {
            so.close();
            throw e;
        }
        if (options.intraOpThreads() > 0) {
            so.setIntraOpNumThreads(options.intraOpThreads());
        }
        so.setOptimizationLevel(switch (options.optimization()) {
            case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
            case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
            case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
            case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
        });
        return so;
    }

    /** Adds the requested execution provider; the CPU is always there as the fallback. */
    private static void addProvider(OrtSession.SessionOptions so, RuntimeOptions options) throws OrtException {
        if (options.provider() == RuntimeOptions.Provider.CPU) {
            return;
        }
        java.util.EnumSet<OrtProvider> available = OrtEnvironment.getAvailableProviders();
        if (!available.contains(OrtProvider.CUDA)) {
            throw new DecoderException("the CUDA execution provider is not in the loaded ONNX Runtime build (it offers "
                    + available + "): put com.microsoft.onnxruntime:onnxruntime_gpu:" + OrtEnvironment.getEnvironment().getVersion()
                    + " on the class path in place of com.microsoft.onnxruntime:onnxruntime, with the CUDA and cuDNN libraries "
                    + "it was built against on the library path, or run on the CPU");
        }
        try {
            so.addCUDA(options.deviceId());
        } catch (OrtException e) {
            throw new DecoderException("the CUDA execution provider failed to start on device " + options.deviceId()
                    + " (are the CUDA and cuDNN libraries of this ONNX Runtime build installed, and is the GPU visible?): "
                    + e.getMessage(), e);
        }
    }

    /** Whether passes can compute logits at the last positions only ({@link #forward(KvCache, int[][], int)}). */
    boolean selectsLogitRows() {
        return logitRows;
    }

    /** Whether the logits are float32 (then single-token passes write them into a pinned buffer). */
    boolean float32Logits() {
        return float32Logits;
    }

    /** Whether the graph was extended with the mask and top-k stage (see {@link #forwardTopK}). */
    public boolean hasDeviceTopK() {
        return deviceTopK;
    }

    /** Words of the packed mask that {@link #forwardTopK} reads per row. */
    public int maskWords() {
        return maskWords;
    }

    public ModelShape shape() {
        return shape;
    }

    public String name() {
        return name;
    }

    /** An empty cache for {@code batch} sequences decoded together. */
    public KvCache newCache(int batch) {
        if (batch < 1) {
            throw new DecoderException("batch size must be >= 1, got " + batch);
        }
        return new KvCache(this, batch);
    }

    /**
     * Runs the new tokens of every row through the model, extending {@code cache}. Rows may bring
     * different numbers of tokens: shorter rows are left-padded (attention mask 0), so every row's
     * real tokens see exactly their own history, as if run alone. Afterwards the logits of this
     * chunk are available from {@link KvCache#logits}.
     *
     * @param tokens one array of new token ids per row; every row needs at least one token
     */
    public void forward(KvCache cache, int[][] tokens) {
        run(cache, tokens, null, 0, 0);
    }

    /**
     * Like {@link #forward(KvCache, int[][])}, but computes logits only for the last {@code
     * lastRows} positions of the chunk (those are then the only ones {@link KvCache#logits} can
     * read). A prefill or a pass that feeds forced tokens needs one; where the model's graph
     * cannot select rows ({@link LogitRowsGraph}), every row is computed as before.
     */
    public void forward(KvCache cache, int[][] tokens, int lastRows) {
        if (lastRows < 1) {
            throw new DecoderException("lastRows must be >= 1, got " + lastRows);
        }
        run(cache, tokens, null, 0, lastRows);
    }

    /**
     * Runs the new tokens like {@link #forward}, but computes no logits: copies each row's hidden
     * state at its last position into {@code lastHidden[row]} (the model's {@code hidden_states}
     * width), for logits computed on the host ({@link #hostOutputLayer}). Needs a graph that
     * selects logit rows and outputs {@code hidden_states}.
     */
    public void forwardHidden(KvCache cache, int[][] tokens, float[][] lastHidden) {
        if (!logitRows || !shape.hasHiddenStates()) {
            throw new DecoderException("model " + name + " cannot skip its output projection: it needs the logit-rows input "
                    + "and a 'hidden_states' output");
        }
        if (lastHidden.length != cache.batch()) {
            throw new DecoderException("forwardHidden got " + lastHidden.length + " hidden-state rows for a cache of batch " + cache.batch());
        }
        run(cache, tokens, null, 0, 0, lastHidden);
    }

    /**
     * Like {@link #forward}, but inside the graph: masks the last position's logits of every row
     * with {@code masks[row]} (packed as {@code Matcher.fillNextTokenMask} writes them, at least
     * {@link #maskWords()} words; null = every token allowed) and keeps the {@code k} best allowed
     * tokens, which {@link KvCache#candidates} then returns. The full logits are not copied out
     * ({@link KvCache#logits} has none after this pass). Needs a model loaded with {@link
     * RuntimeOptions#maskOnDevice()}.
     */
    public void forwardTopK(KvCache cache, int[][] tokens, long[][] masks, int k) {
        if (!deviceTopK) {
            throw new DecoderException("model " + name + " was loaded without the device mask: load it with RuntimeOptions.withMaskOnDevice(true)");
        }
        if (k < 1 || k > shape.vocabSize()) {
            throw new DecoderException("top-k candidates must be in 1.." + shape.vocabSize() + ", got " + k);
        }
        if (masks != null && masks.length != cache.batch()) {
            throw new DecoderException("forwardTopK got " + masks.length + " masks for a cache of batch " + cache.batch());
        }
        if (masks != null) {
            for (long[] m : masks) {
                if (m != null && m.length < maskWords) {
                    throw new DecoderException("each mask needs " + maskWords + " words (vocabulary " + shape.vocabSize() + ")");
                }
            }
        }
        run(cache, tokens, masks == null ? new long[cache.batch()][] : masks, k, 0);
    }

    /**
     * @param masks null for a pass that returns the full logits; else per-row masks (a null row: all allowed)
     * @param lastRows logits only for this many last positions; 0 for all
     */
    private void run(KvCache cache, int[][] tokens, long[][] masks, int k, int lastRows) {
        run(cache, tokens, masks, k, lastRows, null);
    }

    /** @param lastHidden non-null: a pass without logits that copies each row's last hidden state here */
    private void run(KvCache cache, int[][] tokens, long[][] masks, int k, int lastRows, float[][] lastHidden) {
        cache.checkOwner(this);
        if (tokens.length != cache.batch()) {
            throw new DecoderException("forward got " + tokens.length + " rows for a cache of batch " + cache.batch());
        }
        int len = 0;
        for (int[] row : tokens) {
            if (row.length == 0) {
                throw new DecoderException("forward needs at least one new token per row");
            }
            len = Math.max(len, row.length);
        }
        cache.prepare(tokens, len);
        OnnxTensor ids = null;
        OnnxTensor mask = null;
        OnnxTensor pos = null;
        OnnxTensor rowMasks = null;
        OnnxTensor rowsTensor = null;
        List<OnnxTensor> emptyPast = null;
        try {
            int batch = cache.batch();
            long[] chunkShape = {batch, len};
            ids = OnnxTensor.createTensor(env, cache.idsBuffer, chunkShape);
            mask = OnnxTensor.createTensor(env, cache.maskBuffer, new long[] {batch, cache.columns() + len});
            Map<String, OnnxTensorLike> inputs = cache.inputs;
            inputs.clear();
            inputs.put(INPUT_IDS, ids);
            inputs.put(ATTENTION_MASK, mask);
            if (shape.hasPositionIds()) {
                pos = OnnxTensor.createTensor(env, cache.positionBuffer, chunkShape);
                inputs.put(POSITION_IDS, pos);
            }
            if (cache.past == null) {
                emptyPast = new ArrayList<>(pastNames.length);
                long[] emptyShape = {batch, shape.heads(), 0, shape.headDim()};
                for (String p : pastNames) {
                    OnnxTensor t = shape.float16Cache()
                            ? OnnxTensor.createTensor(env, ByteBuffer.allocateDirect(0), emptyShape, OnnxJavaType.FLOAT16)
                            : OnnxTensor.createTensor(env, FloatBuffer.allocate(0), emptyShape);
                    emptyPast.add(t);
                    inputs.put(p, t);
                }
            } else {
                for (int i = 0; i < pastNames.length; i++) {
                    inputs.put(pastNames[i], cache.past[i]);
                }
            }
            OrtSession.Result result;
            boolean hiddenOnly = lastHidden != null;
            boolean hidden = masks == null && !hiddenOnly && cache.capturesHiddenStates();
            OnnxTensor pinned = masks == null && !hidden && !hiddenOnly ? cache.pinnedLogits(len) : null;
            // the positions whose logits this pass computes: a masked pass reads the last one only
            int rowsFrom = 0;
            if (logitRows && masks != null) {
                rowsFrom = len - 1;
            } else if (logitRows && !hidden && lastRows > 0 && lastRows < len) {
                rowsFrom = len - lastRows;
            }
            if (hiddenOnly) {
                rowsFrom = len; // no rows: the projection runs on zero positions
            }
            if (logitRows) {
                long[] rows = new long[len - rowsFrom];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = rowsFrom + i;
                }
                rowsTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(rows), new long[] {rows.length});
                inputs.put(LogitRowsGraph.ROWS_INPUT, rowsTensor);
            }
            if (masks != null) {
                rowMasks = OnnxTensor.createTensor(env, cache.deviceMasks(masks, maskWords), new long[] {batch, maskWords});
                inputs.put(DeviceTopKGraph.MASK_INPUT, rowMasks);
                inputs.put(DeviceTopKGraph.K_INPUT, cache.candidateCount(k));
                // only k candidates per row come back, into the cache's pinned buffers; the logits stay where they are
                result = session.run(inputs, presentOutputs, cache.pinnedCandidates(k));
            } else {
                if (deviceTopK) {
                    inputs.put(DeviceTopKGraph.MASK_INPUT, allowAllMask);
                    inputs.put(DeviceTopKGraph.K_INPUT, oneCandidate);
                }
                if (hiddenOnly) {
                    result = session.run(inputs, presentAndHidden);
                } else if (pinned != null) {
                    // Single-token steps write logits straight into the cache's direct buffer: no copy, no allocation.
                    result = session.run(inputs, presentOutputs, Map.of(LOGITS, pinned));
                } else {
                    result = session.run(inputs, hidden ? presentLogitsAndHidden : presentAndLogits);
                }
            }
            try {
                OnnxTensor[] present = new OnnxTensor[presentNames.length];
                for (int i = 0; i < presentNames.length; i++) {
                    OnnxValue v = result.get(presentNames[i]).orElseThrow();
                    present[i] = (OnnxTensor) v;
                }
                if (hidden) {
                    cache.storeHiddenStates(((OnnxTensor) result.get(HIDDEN_STATES).orElseThrow()).getFloatBuffer(), len);
                }
                if (hiddenOnly) {
                    copyLastHidden(((OnnxTensor) result.get(HIDDEN_STATES).orElseThrow()).getFloatBuffer(), len, lastHidden);
                    cache.useNoLogits(len);
                } else if (masks != null) {
                    cache.useCandidates(k, len);
                } else if (pinned == null) {
                    cache.storeLogits(((OnnxTensor) result.get(LOGITS).orElseThrow()).getFloatBuffer(), len, len - rowsFrom);
                } else {
                    cache.usePinnedLogits(len);
                }
                cache.commit(present, result, len); // the cache now owns the result's native memory
            } catch (RuntimeException e) {
                result.close();
                throw e;
            }
        } catch (OrtException e) {
            // prepare() only wrote columns past the committed length, so the cache is still consistent
            throw new DecoderException("ONNX Runtime failed on model " + name + ": " + e.getMessage(), e);
        } finally {
            closeQuietly(ids);
            closeQuietly(mask);
            closeQuietly(pos);
            closeQuietly(rowMasks);
            closeQuietly(rowsTensor);
            if (emptyPast != null) {
                emptyPast.forEach(OnnxCausalLm::closeQuietly);
            }
        }
    }

    /** Each row's hidden state at the last chunk position, from the {@code [batch, len, width]} output. */
    private static void copyLastHidden(FloatBuffer states, int len, float[][] lastHidden) {
        int batch = lastHidden.length;
        int width = states.capacity() / (batch * len);
        for (int b = 0; b < batch; b++) {
            if (lastHidden[b].length != width) {
                throw new DecoderException("hidden states are " + width + " wide, the buffer " + lastHidden[b].length);
            }
            states.get((b * len + len - 1) * width, lastHidden[b], 0, width);
        }
    }

    OrtEnvironment env() {
        return env;
    }

    static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                // releasing native memory cannot usefully fail here
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(allowAllMask);
        closeQuietly(oneCandidate);
        try {
            session.close();
        } catch (OrtException e) {
            throw new DecoderException("cannot close model " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "OnnxCausalLm[" + name + ", " + shape + "]";
    }

    static LongBuffer directLongs(int n) {
        return ByteBuffer.allocateDirect(Math.max(1, n) * Long.BYTES).order(java.nio.ByteOrder.nativeOrder()).asLongBuffer();
    }
}
