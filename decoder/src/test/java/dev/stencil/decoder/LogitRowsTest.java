package dev.stencil.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.decoder.onnx.LogitRowsGraph;
import org.junit.jupiter.api.Test;

/**
 * Passes that compute logits only at their last positions ({@link dev.stencil.decoder.onnx.LogitRowsGraph}) must give
 * exactly the rows a full pass gives, keep the cache as a full pass keeps it, and refuse to
 * answer for rows they did not compute.
 */
class LogitRowsTest {
    private final OnnxCausalLm model = TestModels.model();
    private final int vocab = model.shape().vocabSize();

    private int[] prompt(String keys) {
        return TestModels.tokenizer().encode("Q: Give a JSON object. Keys: " + keys + ".\nA:");
    }


    @Test
    void theEmbeddedModelGetsTheRowSelectingPath() {
        assertTrue(model.selectsLogitRows(), "the embedded GPT-2 export makes its logits with a MatMul: the extension must apply");
    }

    @Test
    void lastRowsEqualTheSameRowsOfAFullPassAlsoWithLeftPadding() {
        int[][] rows = {prompt("name, age, email"), prompt("id")}; // different lengths: the second is left-padded
        int len = Math.max(rows[0].length, rows[1].length);
        int last = 3;
        float[] full = new float[vocab];
        float[] some = new float[vocab];
        try (KvCache a = model.newCache(2); KvCache b = model.newCache(2)) {
            model.forward(a, rows);
            model.forward(b, rows, last);
            for (int r = 0; r < 2; r++) {
                for (int t = len - last; t < len; t++) {
                    a.logits(r, t, full);
                    b.logits(r, t, some);
                    assertTrue(TestModels.maxDiff(full, some) <= 1e-5, "row " + r + " position " + t + " differs by " + TestModels.maxDiff(full, some));
                }
            }
            int r0 = 0;
            DecoderException e = assertThrows(DecoderException.class, () -> b.logits(r0, len - last - 1, new float[vocab]));
            assertTrue(e.getMessage().contains("no logits at chunk position"), e.getMessage());
            // the caches hold the same keys and values: the next step agrees too
            int[][] next = {{1234}, {4321}};
            model.forward(a, next);
            model.forward(b, next);
            for (int r = 0; r < 2; r++) {
                a.logits(r, -1, full);
                b.logits(r, -1, some);
                assertTrue(TestModels.maxDiff(full, some) <= 1e-5, "next step, row " + r + " differs by " + TestModels.maxDiff(full, some));
            }
        }
    }

    @Test
    void askingForEveryRowOrMoreIsAFullPass() {
        int[] p = prompt("title, price");
        float[] full = new float[vocab];
        float[] more = new float[vocab];
        try (KvCache a = model.newCache(1); KvCache b = model.newCache(1)) {
            model.forward(a, new int[][] {p});
            model.forward(b, new int[][] {p}, p.length + 5);
            for (int t = 0; t < p.length; t++) {
                assertEquals(0.0, TestModels.maxDiff(a.logits(0, t, full), b.logits(0, t, more)), 1e-6, "position " + t);
            }
        }
        assertThrows(DecoderException.class, () -> {
            try (KvCache c = model.newCache(1)) {
                model.forward(c, new int[][] {p}, 0);
            }
        });
    }

    @Test
    void aGraphWhoseLogitsAreNotAMatMulIsLeftAsItIs() {
        byte[] identity = dev.stencil.decoder.onnx.DeviceTopKGraphTestAccess.identityModel(70, 13, "logits");
        assertNull(LogitRowsGraph.extendOrNull(identity, "logits"));
    }
}
