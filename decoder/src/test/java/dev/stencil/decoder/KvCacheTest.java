package dev.stencil.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The KV-cache loop must give the same logits as recomputing the whole sequence (fp32 model). */
class KvCacheTest {
    private static final double TOL = 1e-4;
    private final OnnxCausalLm model = TestModels.model();
    private final int vocab = model.shape().vocabSize();

    private int[] sequence(String keys, String answer) {
        return TestModels.tokenizer().encode("Q: Give a JSON object. Keys: " + keys + ".\nA:" + answer);
    }

    /** Logits for every position of {@code ids}, computed in one pass without a cache. */
    private float[][] full(int[] ids) {
        float[][] out = new float[ids.length][vocab];
        try (KvCache c = model.newCache(1)) {
            model.forward(c, new int[][] {ids});
            for (int t = 0; t < ids.length; t++) {
                c.logits(0, t, out[t]);
            }
        }
        return out;
    }


    @Test
    void discoversShapeFromMetadata() {
        ModelShape s = model.shape();
        assertEquals(2, s.layers());
        assertEquals(4, s.heads());
        assertEquals(32, s.headDim());
        assertEquals(50257, s.vocabSize());
        assertTrue(s.hasPositionIds());
        assertTrue(s.hasHiddenStates());
    }

    @Test
    void stepByStepEqualsFullRecomputation() {
        int[] ids = sequence("name, age, skills", " {\"name\": \"Alice\", \"age\": 31, \"skills\": [\"go\", \"sql\"]}");
        float[][] expected = full(ids);
        int prefill = 10;
        float[] got = new float[vocab];
        double worst = 0;
        try (KvCache c = model.newCache(1)) {
            model.forward(c, new int[][] {Arrays.copyOf(ids, prefill)});
            for (int t = 0; t < prefill; t++) {
                worst = Math.max(worst, TestModels.maxDiff(expected[t], c.logits(0, t, got)));
            }
            int i = prefill;
            while (i < ids.length) {
                // one 3-token chunk in the middle exercises a multi-token pass over a non-empty past
                int n = i == prefill + 5 ? 3 : 1;
                n = Math.min(n, ids.length - i);
                model.forward(c, new int[][] {Arrays.copyOfRange(ids, i, i + n)});
                for (int k = 0; k < n; k++) {
                    worst = Math.max(worst, TestModels.maxDiff(expected[i + k], c.logits(0, k, got)));
                }
                i += n;
            }
            assertEquals(ids.length, c.columns());
            assertEquals(ids.length, c.length(0));
        }
        assertTrue(worst < TOL, "max |step - full| = " + worst);
    }

    @Test
    void leftPaddedBatchEqualsEachRowAlone() {
        int[] a = sequence("id, email", "");
        int[] b = sequence("title, price, in_stock, tags, created_at", "");
        int[] nextA = {220, 4895, 312};
        int[] nextB = {220, 4895, 7839};
        float[][] fullA = full(concat(a, nextA));
        float[][] fullB = full(concat(b, nextB));
        float[] got = new float[vocab];
        double worst = 0;
        try (KvCache c = model.newCache(2)) {
            model.forward(c, new int[][] {a, b});
            worst = Math.max(worst, TestModels.maxDiff(fullA[a.length - 1], c.logits(0, -1, got)));
            worst = Math.max(worst, TestModels.maxDiff(fullB[b.length - 1], c.logits(1, -1, got)));
            for (int s = 0; s < nextA.length; s++) {
                model.forward(c, new int[][] {{nextA[s]}, {nextB[s]}});
                worst = Math.max(worst, TestModels.maxDiff(fullA[a.length + s], c.logits(0, -1, got)));
                worst = Math.max(worst, TestModels.maxDiff(fullB[b.length + s], c.logits(1, -1, got)));
            }
            assertEquals(a.length + nextA.length, c.length(0));
            assertEquals(b.length + nextB.length, c.length(1));
        }
        assertTrue(worst < TOL, "max |batched - alone| = " + worst);
    }

    @Test
    void truncateThenRefeedGivesTheSameLogits() {
        int[] ids = sequence("name, age", " {\"name\": \"Bob\"");
        float[][] expected = full(ids);
        float[] got = new float[vocab];
        try (KvCache c = model.newCache(1)) {
            model.forward(c, new int[][] {ids});
            c.truncate(ids.length - 3);
            assertEquals(ids.length - 3, c.length(0));
            for (int i = ids.length - 3; i < ids.length; i++) {
                model.forward(c, new int[][] {{ids[i]}});
                assertTrue(TestModels.maxDiff(expected[i], c.logits(0, -1, got)) < TOL, "position " + i);
            }
        }
    }

    @Test
    void badInputIsRejectedClearly() {
        try (KvCache c = model.newCache(1)) {
            DecoderException e = assertThrows(DecoderException.class, () -> model.forward(c, new int[][] {{1}, {2}}));
            assertTrue(e.getMessage().contains("batch"), e.getMessage());
            assertThrows(DecoderException.class, () -> c.logits(0, -1, new float[vocab]));
        }
        DecoderException missing = assertThrows(DecoderException.class,
                () -> OnnxCausalLm.load(java.nio.file.Path.of("/nonexistent/model.onnx"), RuntimeOptions.defaults()));
        assertTrue(missing.getMessage().contains("/nonexistent/model.onnx"));
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
