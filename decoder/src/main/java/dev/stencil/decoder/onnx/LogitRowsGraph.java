package dev.stencil.decoder.onnx;

import java.util.List;

/**
 * Rewires a language model's output projection so that it computes logits only at chosen
 * positions of the chunk. A pass over several tokens usually needs few rows of logits: a prompt's
 * prefill and a pass that feeds forced tokens need only the last one, a speculative verification
 * only the positions after its proposals. On small models the output projection over the whole
 * vocabulary (50,257 x 128 on the embedded model) costs more than the rest of the network, so
 * skipping the rows nobody reads is most of such a pass.
 *
 * <p>Added: the input {@value #ROWS_INPUT}, int64 {@code [n]} (chunk positions, 0-based, shared by
 * every batch row, as left padding aligns chunks at their ends); {@code logits} then has {@code n}
 * positions, {@code [batch, n, vocab]}. Every pass must feed it (all positions for full logits).
 * The projection is rewired in place rather than given a twin, because ONNX Runtime runs every
 * node of a graph whatever outputs a run asks for: a twin would add work to each pass. Two
 * export shapes are recognised, {@code h} being the 3-D hidden states the projection reads:
 * <pre>
 * logits = MatMul(h, W)                           h → Gather(h, rows, axis 1)
 * logits = Reshape(Gemm(Reshape(h, s), W, C), t)  h → Gather(h, rows, axis 1) = g,
 *                                                 t → Concat(Shape(g)[0:2], [vocab])
 * </pre>
 * Any other shape is left alone, and callers compute full logits as before. An empty {@value
 * #ROWS_INPUT} gives logits of 0 positions (opset 14 and later, where the last Reshape can take a
 * 0 literally): a pass that only wants the hidden states skips the projection.
 */
public final class LogitRowsGraph {
    public static final String ROWS_INPUT = "stencil_logit_rows";
    private static final String PREFIX = "stencil_rows_";

    private LogitRowsGraph() {
    }

    /**
     * Returns {@code model} with its output projection reading only the rows of {@value
     * #ROWS_INPUT}, or null when the projection has neither recognised shape (or the model's
     * versions or names rule it out).
     */
    public static byte[] extendOrNull(byte[] model, String logitsName) {
        OnnxModelEditor editor = OnnxModelEditor.of(model);
        if (editor.irVersion() < 4 || editor.opsetVersion() < 13 || editor.hasExternalData()) {
            return null; // opset 13: Slice/Concat/Shape forms used below; IR 4: initializers that are not inputs
        }
        OnnxModelEditor.TensorType logits = editor.output(logitsName);
        OnnxModelEditor.Node producer = editor.producer(logitsName);
        if (logits == null || logits.dims() == null || logits.dims().length != 3 || logits.dims()[2] <= 0
                || producer == null) {
            return null;
        }
        for (String n : editor.names()) {
            if (n.equals(ROWS_INPUT) || n.startsWith(PREFIX)) {
                return null;
            }
        }
        String gathered = PREFIX + "hidden";
        List<byte[]> rowsInput = List.of(GraphNodes.valueInfo(ROWS_INPUT, DeviceTopKGraph.INT64, PREFIX + "n"));
        if ("MatMul".equals(producer.opType()) && producer.inputs().size() == 2) {
            return editor.insertAndRewire(logitsName,
                    List.of(gather(producer.inputs().get(0), gathered)),
                    List.of(new OnnxModelEditor.InputRewire(logitsName, 0, gathered)), List.of(), rowsInput);
        }
        if (!"Reshape".equals(producer.opType())) {
            return null;
        }
        String gemmOut = producer.inputs().get(0);
        OnnxModelEditor.Node gemm = editor.producer(gemmOut);
        if (gemm == null || !"Gemm".equals(gemm.opType())) {
            return null;
        }
        String flatOut = gemm.inputs().get(0);
        OnnxModelEditor.Node flatten = editor.producer(flatOut);
        if (flatten == null || !"Reshape".equals(flatten.opType())) {
            return null;
        }
        OnnxModelEditor.Node flatShape = editor.producer(flatten.inputs().get(1));
        if (flatShape != null && !"Constant".equals(flatShape.opType())) {
            return null; // a flattening shape computed from the chunk would not fit the selected rows
        }
        String shape = PREFIX + "shape";
        String batchAndRows = PREFIX + "batch_rows";
        String logitsShape = PREFIX + "logits_shape";
        List<byte[]> nodes = List.of(
                gather(flatten.inputs().get(0), gathered),
                GraphNodes.node(PREFIX + "node_shape", "Shape", List.of(gathered), List.of(shape), List.of()),
                GraphNodes.node(PREFIX + "node_slice", "Slice", List.of(shape, PREFIX + "zero", PREFIX + "two", PREFIX + "zero"),
                        List.of(batchAndRows), List.of()),
                GraphNodes.node(PREFIX + "node_concat", "Concat", List.of(batchAndRows, PREFIX + "vocab"), List.of(logitsShape),
                        List.of(GraphNodes.attrInt("axis", 0))));
        List<byte[]> initializers = List.of(
                DeviceTopKGraph.tensor(PREFIX + "zero", DeviceTopKGraph.INT64, new long[] {1}, longs(0)),
                DeviceTopKGraph.tensor(PREFIX + "two", DeviceTopKGraph.INT64, new long[] {1}, longs(2)),
                DeviceTopKGraph.tensor(PREFIX + "vocab", DeviceTopKGraph.INT64, new long[] {1}, longs(logits.dims()[2])));
        // allowzero: a pass that asks for no rows (a draft scoring on the host) has a 0 in the shape,
        // which plain Reshape would read as "copy the input's dimension"; positive shapes are unaffected
        List<OnnxModelEditor.AttributeRewire> attributes = editor.opsetVersion() >= 14
                ? List.of(new OnnxModelEditor.AttributeRewire(logitsName, "allowzero", 1))
                : List.of();
        return editor.insertAndRewire(flatOut, nodes,
                List.of(new OnnxModelEditor.InputRewire(flatOut, 0, gathered),
                        new OnnxModelEditor.InputRewire(logitsName, 1, logitsShape)),
                attributes, initializers, rowsInput);
    }

    private static byte[] gather(String hidden, String out) {
        return GraphNodes.node(PREFIX + "node_gather", "Gather", List.of(hidden, ROWS_INPUT), List.of(out),
                List.of(GraphNodes.attrInt("axis", 1)));
    }

    private static byte[] longs(long v) {
        return java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }
}
