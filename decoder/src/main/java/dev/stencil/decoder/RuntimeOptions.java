package dev.stencil.decoder;

/**
 * How ONNX Runtime runs a model: intra-op threads (0 = ONNX Runtime's default, one per core) and
 * the graph optimisation level.
 *
 * <p>The level matters for exactness: on weight-only int8 exports, levels above {@link
 * Optimization#BASIC} fuse dequantise + matmul into an approximate 8-bit kernel (see the embedded
 * model's README), so exactness tests should use a float32 model or {@code BASIC}.
 *
 * @param intraOpThreads threads per operator, 0 for ONNX Runtime's default
 * @param optimization graph optimisation level
 */
public record RuntimeOptions(int intraOpThreads, Optimization optimization) {
    /** ONNX Runtime graph optimisation levels. */
    public enum Optimization { NONE, BASIC, EXTENDED, ALL }

    public RuntimeOptions {
        if (intraOpThreads < 0) {
            throw new DecoderException("intra-op threads must be >= 0, got " + intraOpThreads);
        }
        if (optimization == null) {
            throw new DecoderException("optimization level must not be null");
        }
    }

    /** ONNX Runtime's defaults: all threads, all optimisations. */
    public static RuntimeOptions defaults() {
        return new RuntimeOptions(0, Optimization.ALL);
    }

    public RuntimeOptions withThreads(int threads) {
        return new RuntimeOptions(threads, optimization);
    }

    public RuntimeOptions withOptimization(Optimization level) {
        return new RuntimeOptions(intraOpThreads, level);
    }
}
