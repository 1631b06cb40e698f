package dev.stencil.decoder.onnx;

/**
 * A language model's output projection read out of its ONNX graph, so that logits can be computed
 * on the host from the {@code hidden_states} output: {@code logits[t] = hidden · weights[t]} for
 * token {@code t}, {@code weights} row-major {@code [vocab][width]}. A speculative draft uses it
 * to score only the tokens it may propose ({@code DraftVocabulary}), which is a small fraction of
 * the vocabulary-wide projection the graph computes.
 *
 * <p>Recognised where the projection reads {@code hidden_states} directly and has neither bias
 * nor scale (the GPT-2 style exports of Hugging Face's exporters, tied or untied):
 * <pre>
 * logits = MatMul(hidden_states, W)                                  W: [width, vocab]
 * logits = Reshape(Gemm(Reshape(hidden_states, s), W, transB=1), t)   W: [vocab, width]
 * logits = Reshape(Gemm(Reshape(hidden_states, s), W), t)             W: [width, vocab]
 * </pre>
 * Anything else (a bias, {@code alpha} other than 1, weights computed by nodes or kept in external
 * files, a projection that reads something other than {@code hidden_states}) gives null, and the
 * caller keeps computing logits in the graph.
 */
public record OutputLayer(int vocab, int width, float[] weights) {
    private static final int ATTR_F = 2;

    /** The output projection of {@code model}, or null when it is not one of the recognised shapes. */
    public static OutputLayer readOrNull(byte[] model, String logitsName, String hiddenName) {
        OnnxModelEditor editor = OnnxModelEditor.of(model);
        if (editor.output(hiddenName) == null || editor.hasExternalData()) {
            return null;
        }
        OnnxModelEditor.Node producer = editor.producer(logitsName);
        if (producer == null) {
            return null;
        }
        if ("MatMul".equals(producer.opType()) && producer.inputs().size() == 2
                && producer.inputs().get(0).equals(hiddenName)) {
            return fromMatrix(editor.floatInitializer(producer.inputs().get(1)), false);
        }
        if (!"Reshape".equals(producer.opType())) {
            return null;
        }
        OnnxModelEditor.Node gemm = editor.producer(producer.inputs().get(0));
        if (gemm == null || !"Gemm".equals(gemm.opType()) || gemm.inputs().size() != 2) {
            return null; // a third input is a bias
        }
        OnnxModelEditor.Node flatten = editor.producer(gemm.inputs().get(0));
        if (flatten == null || !"Reshape".equals(flatten.opType()) || !flatten.inputs().get(0).equals(hiddenName)) {
            return null;
        }
        long transA = 0;
        long transB = 0;
        for (byte[] attribute : gemm.attributes()) {
            ProtoWire.Reader a = new ProtoWire.Reader(attribute, 0, attribute.length);
            String name = null;
            long i = 0;
            float f = 1f;
            while (a.next()) {
                switch (a.field()) {
                    case GraphNodes.ATTR_NAME -> name = a.string();
                    case GraphNodes.ATTR_I -> i = a.varint();
                    case ATTR_F -> f = a.fixed32Float();
                    default -> {
                    }
                }
            }
            if ("transA".equals(name)) {
                transA = i;
            } else if ("transB".equals(name)) {
                transB = i;
            } else if ("alpha".equals(name) && f != 1f) {
                return null;
            }
        }
        if (transA != 0) {
            return null;
        }
        return fromMatrix(editor.floatInitializer(gemm.inputs().get(1)), transB != 0);
    }

    /** {@code m} is {@code [vocab, width]} when {@code vocabMajor}, else {@code [width, vocab]}. */
    private static OutputLayer fromMatrix(OnnxModelEditor.FloatTensor m, boolean vocabMajor) {
        if (m == null || m.dims().length != 2) {
            return null;
        }
        int rows = (int) m.dims()[0];
        int cols = (int) m.dims()[1];
        if (vocabMajor) {
            return new OutputLayer(rows, cols, m.values());
        }
        float[] transposed = new float[rows * cols];
        for (int k = 0; k < rows; k++) {
            for (int t = 0; t < cols; t++) {
                transposed[t * rows + k] = m.values()[k * cols + t];
            }
        }
        return new OutputLayer(cols, rows, transposed);
    }

    /** The logit of {@code token} for the hidden state {@code hidden} (length {@link #width}). */
    public float logit(float[] hidden, int token) {
        float sum = 0;
        int base = token * width;
        for (int k = 0; k < width; k++) {
            sum += hidden[k] * weights[base + k];
        }
        return sum;
    }

    @Override
    public String toString() {
        return "OutputLayer[" + vocab + " x " + width + "]";
    }
}
