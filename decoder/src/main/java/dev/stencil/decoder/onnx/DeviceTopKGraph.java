package dev.stencil.decoder.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Extends a language model's graph so that the grammar mask is applied, and the best k allowed
 * tokens are chosen, inside the graph: with a GPU execution provider the logits then never leave
 * the device, and only k (value, token id) pairs per sequence cross to the host.
 *
 * <p>Added inputs: {@value #MASK_INPUT}, int64 {@code [rows, ceil(vocab / 64)]}, the packed
 * bitmask exactly as {@code Matcher.fillNextTokenMask} writes it (bit {@code j} of word {@code w}
 * allows token {@code 64w + j}; one row per batch sequence, or a single row for all); {@value
 * #K_INPUT}, int64 {@code [1]}. Added outputs: {@value #VALUES_OUTPUT}, float32 {@code [batch,
 * k]}, best first (disallowed tokens appear only as negative infinity, when fewer than k are
 * allowed), and {@value #INDICES_OUTPUT}, int64 {@code [batch, k]}. They refer to the last
 * position of the chunk, the one that predicts the next token. The original {@code logits} output
 * stays, so callers that need the full distribution (speculative verification, beams, penalties)
 * run the same session without asking for the new outputs. (ONNX Runtime still runs the stage on
 * such passes, with an all-allowed mask and k = 1: measured on the CPU build, a node whose output
 * no run asks for is not skipped; see {@link LogitRowsGraph}.)
 *
 * <p>The unpacking uses only operators that ONNX Runtime's CUDA execution provider implements for
 * the types used (its OperatorKernels.md): the opset-18 Bitwise* operators and BitShift have no
 * CUDA kernels, so a bit is read arithmetically on uint64 words, by a wrapping multiplication that
 * moves bit {@code j} to the top and a comparison (no division: 64-bit divides cost tens of
 * cycles each, over every vocabulary entry and step):
 * <pre>
 * Reshape(mask, [0, W, 1]) → Cast(uint64) → Mul(·, [2^63 .. 2^0]) → Greater(·, 2^63 - 1)
 *   → Reshape([0, -1]) → Slice(0, vocab on axis 1)                        = allowed [rows, vocab]
 * Gather(logits, -1, axis 1)                                            = last    [batch, vocab]
 * Cast(float), for float16/bfloat16 logits → Where(allowed, last, -inf) → TopK(k, axis -1, largest, sorted)
 * </pre>
 * (uint64 because unsigned products wrap by definition; Cast between integer types keeps the
 * bits.) CUDA kernels exist for each at the types used: Reshape, Cast, Mul (uint64), Greater
 * (uint64), Slice (bool), Gather (float, float16, bfloat16), Where (float), TopK (float). All of these exist from opset 11, which the model must import (TopK's
 * {@code largest}/{@code sorted} attributes and Gather's negative index need it).
 */
public final class DeviceTopKGraph {
    public static final String MASK_INPUT = "stencil_token_mask";
    public static final String K_INPUT = "stencil_top_k";
    public static final String VALUES_OUTPUT = "stencil_topk_values";
    public static final String INDICES_OUTPUT = "stencil_topk_indices";
    /** Lowest default-domain operator set whose operators this graph uses as written. */
    public static final int MIN_OPSET = 11;
    /** The prefix of every other name this graph adds (intermediate values, constants, node names). */
    static final String PREFIX = "stencil_devmask_";

    // TensorProto.DataType
    static final int FLOAT = 1;
    static final int INT64 = 7;
    static final int BOOL = 9;
    static final int FLOAT16 = 10;
    static final int UINT64 = 13;
    static final int BFLOAT16 = 16;

    // TensorProto field numbers (onnx.proto)
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;

    private DeviceTopKGraph() {
    }

    /**
     * Returns {@code model} (serialized ModelProto bytes) with the mask and top-k stage added after
     * output {@code logitsName} ({@code [batch, sequence, vocab]}, float32, float16 or bfloat16,
     * fixed vocab).
     *
     * @throws OnnxFormatException when the model's IR or operator-set version is too old, the
     *     logits output is missing or not of that form, or a name this graph adds is taken
     */
    public static byte[] extend(byte[] model, String logitsName) {
        OnnxModelEditor editor = OnnxModelEditor.of(model);
        if (editor.irVersion() < 4) {
            // initializers that are not graph inputs need IR version 4
            throw new OnnxFormatException("masks on the device need ONNX IR version >= 4, the model has " + editor.irVersion());
        }
        int opset = editor.opsetVersion();
        if (opset < MIN_OPSET) {
            throw new OnnxFormatException("masks on the device need the default operator set at version >= " + MIN_OPSET
                    + " (TopK with largest/sorted, Gather with a negative index), the model imports "
                    + (opset < 0 ? "none" : "version " + opset));
        }
        OnnxModelEditor.TensorType logits = editor.output(logitsName);
        if (logits == null) {
            throw new OnnxFormatException("the model has no output '" + logitsName + "' to apply the mask to");
        }
        if (logits.dims() == null || logits.dims().length != 3 || logits.dims()[2] <= 0) {
            throw new OnnxFormatException("output '" + logitsName + "' must have shape [batch, sequence, vocab] with a fixed vocab, got "
                    + (logits.dims() == null ? "no shape" : java.util.Arrays.toString(logits.dims())));
        }
        int elem = logits.elemType();
        if (elem != FLOAT && elem != FLOAT16 && elem != BFLOAT16) {
            throw new OnnxFormatException("output '" + logitsName + "' must be float32, float16 or bfloat16 (ONNX type 1, 10 or 16), got type " + elem);
        }
        long vocab = logits.dims()[2];
        long words = (vocab + 63) / 64;
        Set<String> taken = editor.names();
        for (String n : List.of(MASK_INPUT, K_INPUT, VALUES_OUTPUT, INDICES_OUTPUT)) {
            if (taken.contains(n)) {
                throw new OnnxFormatException("the model already has a value named '" + n + "': was it extended before?");
            }
        }
        for (String n : taken) {
            if (n.startsWith(PREFIX)) {
                throw new OnnxFormatException("the model already has a value named '" + n + "' (prefix reserved for Stencil's mask graph)");
            }
        }

        List<byte[]> inits = new ArrayList<>();
        long[] lift = new long[64];
        for (int j = 0; j < 64; j++) {
            lift[j] = 1L << (63 - j); // times 2^(63-j) moves bit j to bit 63 (2^63 is negative as a Java long; same bits)
        }
        inits.add(tensor(p("lift"), UINT64, new long[] {64}, longs(lift)));
        inits.add(tensor(p("below_top_bit"), UINT64, new long[] {}, longs(Long.MAX_VALUE)));
        inits.add(tensor(p("shape_words"), INT64, new long[] {3}, longs(0, words, 1)));
        inits.add(tensor(p("shape_flat"), INT64, new long[] {2}, longs(0, -1)));
        inits.add(tensor(p("slice_start"), INT64, new long[] {1}, longs(0)));
        inits.add(tensor(p("slice_end"), INT64, new long[] {1}, longs(vocab)));
        inits.add(tensor(p("slice_axis"), INT64, new long[] {1}, longs(1)));
        inits.add(tensor(p("last"), INT64, new long[] {}, longs(-1)));
        inits.add(tensor(p("neg_inf"), FLOAT, new long[] {}, negativeInfinity()));

        List<byte[]> nodes = new ArrayList<>();
        nodes.add(node("Reshape", in(MASK_INPUT, p("shape_words")), out(p("words3")), null, 0));
        nodes.add(node("Cast", in(p("words3")), out(p("words_u")), "to", UINT64));
        // uint64 products wrap modulo 2^64, so each product's top bit is one bit of the word
        nodes.add(node("Mul", in(p("words_u"), p("lift")), out(p("lifted")), null, 0));
        nodes.add(node("Greater", in(p("lifted"), p("below_top_bit")), out(p("bit_bool")), null, 0));
        nodes.add(node("Reshape", in(p("bit_bool"), p("shape_flat")), out(p("bits_flat")), null, 0));
        nodes.add(node("Slice", in(p("bits_flat"), p("slice_start"), p("slice_end"), p("slice_axis")), out(p("allowed")), null, 0));
        String last = p("last_logits");
        nodes.add(node("Gather", in(logitsName, p("last")), out(last), "axis", 1));
        if (elem != FLOAT) {
            // float16/bfloat16 logits are widened first: the CUDA provider has no bfloat16 TopK, and the host reads float32
            nodes.add(node("Cast", in(last), out(p("last_float")), "to", FLOAT));
            last = p("last_float");
        }
        nodes.add(node("Where", in(p("allowed"), last, p("neg_inf")), out(p("masked")), null, 0));
        nodes.add(nodeWith("TopK", in(p("masked"), K_INPUT), out(VALUES_OUTPUT, INDICES_OUTPUT),
                GraphNodes.attrInt("axis", -1), GraphNodes.attrInt("largest", 1), GraphNodes.attrInt("sorted", 1)));

        List<byte[]> inputs = List.of(
                GraphNodes.valueInfo(MASK_INPUT, INT64, PREFIX + "rows", words),
                GraphNodes.valueInfo(K_INPUT, INT64, null, 1));
        List<byte[]> outputs = List.of(
                GraphNodes.valueInfo(VALUES_OUTPUT, FLOAT, PREFIX + "batch", PREFIX + "k"),
                GraphNodes.valueInfo(INDICES_OUTPUT, INT64, PREFIX + "batch", PREFIX + "k"));
        return editor.append(nodes, inits, inputs, outputs);
    }

    private static String p(String name) {
        return PREFIX + name;
    }

    private static String[] in(String... names) {
        return names;
    }

    private static String[] out(String... names) {
        return names;
    }

    private static byte[] node(String op, String[] inputs, String[] outputs, String attr, long value) {
        return attr == null ? nodeWith(op, inputs, outputs) : nodeWith(op, inputs, outputs, GraphNodes.attrInt(attr, value));
    }

    private static byte[] nodeWith(String op, String[] inputs, String[] outputs, byte[]... attributes) {
        return GraphNodes.node(PREFIX + "node_" + outputs[0].replace(PREFIX, ""), op, List.of(inputs), List.of(outputs),
                List.of(attributes));
    }

    /** A TensorProto with little-endian raw data, as onnx.proto specifies for raw_data. */
    static byte[] tensor(String name, int dataType, long[] dims, byte[] raw) {
        ProtoWire.Writer t = new ProtoWire.Writer();
        for (long d : dims) {
            t.varint(TENSOR_DIMS, d);
        }
        t.varint(TENSOR_DATA_TYPE, dataType);
        t.string(TENSOR_NAME, name);
        t.bytes(TENSOR_RAW_DATA, raw);
        return t.toByteArray();
    }

    private static byte[] longs(long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    private static byte[] negativeInfinity() {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(Float.NEGATIVE_INFINITY).array();
    }
}
