package dev.stencil.decoder.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Extends a language model's graph with a second way to its logits that computes them only at
 * chosen positions of the chunk. A pass over several tokens usually needs few rows of logits: a
 * prompt's prefill and a pass that feeds forced tokens need only the last one, a speculative
 * verification only the positions after its proposals. On small models the output projection
 * over the whole vocabulary (50,257 x 128 on the embedded model) costs more than the rest of the
 * network, so skipping the rows nobody reads is most of such a pass.
 *
 * <p>Added: the input {@value #ROWS_INPUT}, int64 {@code [n]} (chunk positions, 0-based, shared by
 * every batch row, as left padding aligns chunks at their ends), and the output {@value
 * #ROWS_OUTPUT}, the logits at those positions, batch-major ({@code [batch, n, vocab]} or its
 * flattening {@code [batch * n, vocab]}). Two export shapes of the output projection are
 * recognised, {@code h} being the 3-D hidden states it reads:
 * <pre>
 * logits = MatMul(h, W)                          →  Gather(h, rows, axis 1) → MatMul(·, W)
 * logits = Reshape(Gemm(Reshape(h, s), W, C), ·) →  Gather(h, rows, axis 1) → Reshape(·, s) → Gemm(·, W, C)
 * </pre>
 * The twin runs the same operator with the same weights and attributes on the selected rows. The
 * original output stays; ONNX Runtime computes only the outputs a run asks for. Any other shape
 * is left alone, and callers compute full logits as before.
 */
public final class LogitRowsGraph {
    public static final String ROWS_INPUT = "stencil_logit_rows";
    public static final String ROWS_OUTPUT = "stencil_logits_at_rows";
    private static final String PREFIX = "stencil_rows_";

    private LogitRowsGraph() {
    }

    /**
     * Returns {@code model} with the row-selecting path added, or null when the graph's output
     * projection has neither recognised shape (or the model's versions or names rule it out).
     */
    public static byte[] extendOrNull(byte[] model, String logitsName) {
        OnnxModelEditor editor = OnnxModelEditor.of(model);
        if (editor.irVersion() < 4 || editor.opsetVersion() < 11 || editor.hasExternalData()) {
            return null;
        }
        OnnxModelEditor.TensorType logits = editor.output(logitsName);
        OnnxModelEditor.Node producer = editor.producer(logitsName);
        if (logits == null || logits.dims() == null || logits.dims().length != 3 || producer == null) {
            return null;
        }
        Set<String> taken = editor.names();
        for (String n : taken) {
            if (n.equals(ROWS_INPUT) || n.equals(ROWS_OUTPUT) || n.startsWith(PREFIX)) {
                return null;
            }
        }
        Object vocab = logits.dims()[2] > 0 ? (Object) logits.dims()[2] : PREFIX + "vocab";
        String gathered = PREFIX + "hidden";
        List<byte[]> nodes = new ArrayList<>();
        byte[] output;
        if ("MatMul".equals(producer.opType()) && producer.inputs().size() == 2) {
            nodes.add(node("Gather", List.of(producer.inputs().get(0), ROWS_INPUT), gathered, List.of(axisOne())));
            nodes.add(node("MatMul", List.of(gathered, producer.inputs().get(1)), ROWS_OUTPUT, List.of()));
            output = GraphNodes.valueInfo(ROWS_OUTPUT, logits.elemType(), PREFIX + "batch", PREFIX + "n", vocab);
        } else if ("Reshape".equals(producer.opType())) {
            OnnxModelEditor.Node gemm = editor.producer(producer.inputs().get(0));
            if (gemm == null || !"Gemm".equals(gemm.opType()) || intAttribute(gemm, "transA") != 0) {
                return null;
            }
            OnnxModelEditor.Node flatten = editor.producer(gemm.inputs().get(0));
            if (flatten == null || !"Reshape".equals(flatten.opType())) {
                return null;
            }
            OnnxModelEditor.Node shape = editor.producer(flatten.inputs().get(1));
            if (shape != null && !"Constant".equals(shape.opType())) {
                return null; // a shape computed from the chunk would not fit the selected rows
            }
            String flat = PREFIX + "flat";
            nodes.add(node("Gather", List.of(flatten.inputs().get(0), ROWS_INPUT), gathered, List.of(axisOne())));
            nodes.add(node("Reshape", List.of(gathered, flatten.inputs().get(1)), flat, flatten.attributes()));
            List<String> gemmInputs = new ArrayList<>(gemm.inputs());
            gemmInputs.set(0, flat);
            nodes.add(node("Gemm", gemmInputs, ROWS_OUTPUT, gemm.attributes()));
            output = GraphNodes.valueInfo(ROWS_OUTPUT, logits.elemType(), PREFIX + "batch_n", vocab);
        } else {
            return null;
        }
        List<byte[]> inputs = List.of(GraphNodes.valueInfo(ROWS_INPUT, DeviceTopKGraph.INT64, PREFIX + "n"));
        return editor.append(nodes, List.of(), inputs, List.of(output));
    }

    private static byte[] node(String op, List<String> inputs, String output, List<byte[]> attributes) {
        return GraphNodes.node(PREFIX + "node_" + output, op, inputs, List.of(output), attributes);
    }

    private static byte[] axisOne() {
        return GraphNodes.attrInt("axis", 1);
    }

    /** An integer attribute's value, 0 when absent (ONNX's default for Gemm's transA/transB). */
    private static long intAttribute(OnnxModelEditor.Node node, String name) {
        for (byte[] a : node.attributes()) {
            ProtoWire.Reader r = new ProtoWire.Reader(a, 0, a.length);
            String n = null;
            long value = 0;
            while (r.next()) {
                if (r.field() == GraphNodes.ATTR_NAME) {
                    n = r.string();
                } else if (r.field() == GraphNodes.ATTR_I && r.wireType() == ProtoWire.VARINT) {
                    value = r.varint();
                }
            }
            if (name.equals(n)) {
                return value;
            }
        }
        return 0;
    }
}
