package dev.stencil.decoder;

/**
 * How ONNX Runtime runs a model: intra-op threads (0 = ONNX Runtime's default, one per core), the
 * graph optimisation level, the execution provider, and whether the grammar mask and top-k run
 * inside the model's graph.
 *
 * <p>The level matters for exactness: on weight-only int8 exports, levels above {@link
 * Optimization#BASIC} fuse dequantise + matmul into an approximate 8-bit kernel (see the embedded
 * model's README), so exactness tests should use a float32 model or {@code BASIC}.
 *
 * @param intraOpThreads threads per operator, 0 for ONNX Runtime's default
 * @param optimization graph optimisation level
 * @param provider where the graph runs; CUDA needs the {@code onnxruntime_gpu} build of ONNX
 *     Runtime on the class path (see {@link Provider#CUDA})
 * @param deviceId the GPU ordinal for {@link Provider#CUDA}; ignored on the CPU
 * @param maskOnDevice extend the graph at load time with a mask input and an in-graph top-k (see
 *     {@link dev.stencil.decoder.onnx.DeviceTopKGraph}), so that {@link Generator} can mask and
 *     pick candidates where the logits are, and only k candidates reach the host
 */
public record RuntimeOptions(int intraOpThreads, Optimization optimization, Provider provider, int deviceId,
        boolean maskOnDevice) {
    /** ONNX Runtime graph optimisation levels. */
    public enum Optimization { NONE, BASIC, EXTENDED, ALL }

    /** Execution providers Stencil can ask ONNX Runtime for. */
    public enum Provider {
        /** ONNX Runtime's CPU kernels (in every build). */
        CPU,
        /**
         * NVIDIA GPUs. Needs ONNX Runtime's GPU build ({@code com.microsoft.onnxruntime:onnxruntime_gpu}
         * of the same version, in place of {@code onnxruntime}) and the CUDA and cuDNN libraries it
         * was built against; operators without a CUDA kernel fall back to the CPU.
         */
        CUDA
    }

    public RuntimeOptions {
        if (intraOpThreads < 0) {
            throw new DecoderException("intra-op threads must be >= 0, got " + intraOpThreads);
        }
        if (optimization == null) {
            throw new DecoderException("optimization level must not be null");
        }
        if (provider == null) {
            throw new DecoderException("execution provider must not be null");
        }
        if (deviceId < 0) {
            throw new DecoderException("device id must be >= 0, got " + deviceId);
        }
    }

    /** CPU, masks on the host, with the given threads and optimisation level. */
    public RuntimeOptions(int intraOpThreads, Optimization optimization) {
        this(intraOpThreads, optimization, Provider.CPU, 0, false);
    }

    /** ONNX Runtime's defaults: CPU, all threads, all optimisations; masks applied on the host. */
    public static RuntimeOptions defaults() {
        return new RuntimeOptions(0, Optimization.ALL);
    }

    public RuntimeOptions withThreads(int threads) {
        return new RuntimeOptions(threads, optimization, provider, deviceId, maskOnDevice);
    }

    public RuntimeOptions withOptimization(Optimization level) {
        return new RuntimeOptions(intraOpThreads, level, provider, deviceId, maskOnDevice);
    }

    /** Runs on {@code p} (device 0 for a GPU provider). */
    public RuntimeOptions withProvider(Provider p) {
        return new RuntimeOptions(intraOpThreads, optimization, p, deviceId, maskOnDevice);
    }

    /** Runs on the CUDA GPU with ordinal {@code id}. */
    public RuntimeOptions withCuda(int id) {
        return new RuntimeOptions(intraOpThreads, optimization, Provider.CUDA, id, maskOnDevice);
    }

    public RuntimeOptions withMaskOnDevice(boolean on) {
        return new RuntimeOptions(intraOpThreads, optimization, provider, deviceId, on);
    }
}
