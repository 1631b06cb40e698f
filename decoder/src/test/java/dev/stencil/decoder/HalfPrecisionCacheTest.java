package dev.stencil.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.decoder.onnx.ProtoWire;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Float16 KV caches, on a synthetic decoder-with-past graph whose cache is easy to read back: each
 * new token id becomes a cache entry {@code (id, id)}, and every logit is the sum of all cache
 * entries of its row plus the vocabulary index. So the logits show exactly which tokens the cache
 * holds, after steps, truncation and reordering; small integers are exact in float16. The same
 * graph with a float32 cache checks the shared code path.
 */
class HalfPrecisionCacheTest {
    private static final int VOCAB = 8;
    private static final int FLOAT = 1;
    private static final int INT64 = 7;
    private static final int FLOAT16 = 10;

    private static ProtoWire.Writer node(String op, String[] in, String[] out, ProtoWire.Writer... attrs) {
        ProtoWire.Writer n = new ProtoWire.Writer();
        for (String i : in) {
            n.string(1, i);
        }
        for (String o : out) {
            n.string(2, o);
        }
        n.string(3, "n_" + out[0]).string(4, op);
        for (ProtoWire.Writer a : attrs) {
            n.message(5, a);
        }
        return n;
    }

    private static ProtoWire.Writer intAttr(String name, long v) {
        return new ProtoWire.Writer().string(1, name).varint(3, v).varint(20, 2);
    }

    private static ProtoWire.Writer longs(String name, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return new ProtoWire.Writer().varint(1, values.length).varint(2, INT64).string(8, name).bytes(9, b.array());
    }

    private static ProtoWire.Writer floats(String name, float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return new ProtoWire.Writer().varint(1, values.length).varint(2, FLOAT).string(8, name).bytes(9, b.array());
    }

    private static ProtoWire.Writer value(String name, int elem, Object... dims) {
        ProtoWire.Writer shape = new ProtoWire.Writer();
        for (Object d : dims) {
            ProtoWire.Writer dim = new ProtoWire.Writer();
            if (d instanceof String s) {
                dim.string(2, s);
            } else {
                dim.varint(1, ((Number) d).longValue());
            }
            shape.message(1, dim);
        }
        ProtoWire.Writer tensor = new ProtoWire.Writer().varint(1, elem).message(2, shape);
        return new ProtoWire.Writer().string(1, name).message(2, new ProtoWire.Writer().message(1, tensor));
    }

    /** The synthetic decoder (opset 17) with a cache of element type {@code cache}, float32 logits. */
    static byte[] model(int cache) {
        return model(cache, FLOAT);
    }

    /** The same with logits of element type {@code logitsType} (half-precision exports often have float16 logits). */
    static byte[] model(int cache, int logitsType) {
        float[] bias = new float[VOCAB];
        for (int v = 0; v < VOCAB; v++) {
            bias[v] = v;
        }
        ProtoWire.Writer g = new ProtoWire.Writer()
                .message(1, node("Cast", new String[] {"input_ids"}, new String[] {"ids_c"}, intAttr("to", cache)))
                .message(1, node("Unsqueeze", new String[] {"ids_c", "axes_13"}, new String[] {"ids_u"}))
                .message(1, node("Expand", new String[] {"ids_u", "pair"}, new String[] {"entry"}))
                .message(1, node("Concat", new String[] {"past_key_values.0.key", "entry"}, new String[] {"present.0.key"}, intAttr("axis", 2)))
                .message(1, node("Concat", new String[] {"past_key_values.0.value", "entry"}, new String[] {"present.0.value"}, intAttr("axis", 2)))
                .message(1, node("Cast", new String[] {"present.0.key"}, new String[] {"key_f"}, intAttr("to", FLOAT)))
                .message(1, node("ReduceSum", new String[] {"key_f", "axes_123"}, new String[] {"sum"}, intAttr("keepdims", 1)))
                .message(1, node("Reshape", new String[] {"sum", "row_shape"}, new String[] {"sum3"}))
                .message(1, node("Shape", new String[] {"input_ids"}, new String[] {"ids_shape"}))
                .message(1, node("Concat", new String[] {"ids_shape", "vocab"}, new String[] {"logits_shape"}, intAttr("axis", 0)))
                .message(1, node("Expand", new String[] {"sum3", "logits_shape"}, new String[] {"spread"}))
                .message(1, node("Add", new String[] {"spread", "bias"}, new String[] {"logits_f"}))
                .message(1, node("Cast", new String[] {"logits_f"}, new String[] {"logits"}, intAttr("to", logitsType)))
                .string(2, "synthetic-decoder")
                .message(5, longs("axes_13", 1, 3))
                .message(5, longs("pair", 1, 1, 1, 2))
                .message(5, longs("axes_123", 1, 2, 3))
                .message(5, longs("row_shape", -1, 1, 1))
                .message(5, longs("vocab", VOCAB))
                .message(5, floats("bias", bias))
                .message(11, value("input_ids", INT64, "batch", "seq"))
                .message(11, value("attention_mask", INT64, "batch", "total"))
                .message(11, value("past_key_values.0.key", cache, "batch", 1, "past", 2))
                .message(11, value("past_key_values.0.value", cache, "batch", 1, "past", 2))
                .message(12, value("logits", logitsType, "batch", "seq", VOCAB))
                .message(12, value("present.0.key", cache, "batch", 1, "total", 2))
                .message(12, value("present.0.value", cache, "batch", 1, "total", 2));
        return new ProtoWire.Writer().varint(1, 8).string(2, "stencil-test").message(7, g)
                .message(8, new ProtoWire.Writer().string(1, "").varint(2, 17)).toByteArray();
    }

    /** Asserts that row {@code row}'s next-token logits say the cache holds tokens summing to {@code idSum}. */
    private static void assertCacheSum(KvCache c, int row, int idSum) {
        float[] logits = c.logits(row, -1, new float[VOCAB]);
        for (int v = 0; v < VOCAB; v++) {
            assertEquals(2 * idSum + v, logits[v], 0, "row " + row + ", vocab " + v);
        }
    }

    private static void stepsTruncationAndReorder(int cacheType) {
        stepsTruncationAndReorder(cacheType, FLOAT);
    }

    private static void stepsTruncationAndReorder(int cacheType, int logitsType) {
        try (OnnxCausalLm m = OnnxCausalLm.load(model(cacheType, logitsType), "synthetic", RuntimeOptions.defaults().withThreads(1))) {
            assertEquals(cacheType == FLOAT16, m.shape().float16Cache());
            assertEquals(1, m.shape().layers());
            assertEquals(2, m.shape().headDim());
            assertFalse(m.shape().hasPositionIds());
            try (KvCache c = m.newCache(1)) {
                m.forward(c, new int[][] {{3, 5}});
                assertCacheSum(c, 0, 8);
                m.forward(c, new int[][] {{7}});
                assertCacheSum(c, 0, 15);
                c.truncate(2); // drops the 7
                m.forward(c, new int[][] {{4}});
                assertCacheSum(c, 0, 12);
                assertEquals(3, c.length(0));
                c.truncate(0);
                m.forward(c, new int[][] {{6}});
                assertCacheSum(c, 0, 6);
            }
            try (KvCache c = m.newCache(2)) {
                m.forward(c, new int[][] {{1, 2}, {10}}); // row 1 is left-padded with token 0
                assertCacheSum(c, 0, 3);
                assertCacheSum(c, 1, 10);
                c.reorder(new int[] {1, 1});
                m.forward(c, new int[][] {{1}, {2}});
                assertCacheSum(c, 0, 11);
                assertCacheSum(c, 1, 12);
                assertEquals(c.length(0), c.length(1));
            }
        }
    }

    @Test
    void float16CacheStepsTruncatesAndReorders() {
        stepsTruncationAndReorder(FLOAT16);
    }

    @Test
    void float16LogitsAreReadAsFloats() {
        stepsTruncationAndReorder(FLOAT16, FLOAT16);
    }

    @Test
    void deviceMaskOnAHalfPrecisionModel() {
        try (OnnxCausalLm m = OnnxCausalLm.load(model(FLOAT16, FLOAT16), "synthetic",
                RuntimeOptions.defaults().withThreads(1).withMaskOnDevice(true));
                KvCache c = m.newCache(2)) {
            long[] allow25 = {(1L << 2) | (1L << 5)};
            m.forwardTopK(c, new int[][] {{3}, {4}}, new long[][] {allow25, null}, 3);
            float[] values = new float[3];
            int[] ids = new int[3];
            assertEquals(2, c.candidates(0, values, ids));
            assertEquals(5, ids[0]);
            assertEquals(6 + 5, values[0]);
            assertEquals(2, ids[1]);
            assertEquals(3, c.candidates(1, values, ids)); // no mask: the three best of all eight
            assertEquals(7, ids[0]);
            assertEquals(8 + 7, values[0]);
            c.truncate(0);
            m.forward(c, new int[][] {{1}, {2}}); // the full logits are still there
            assertCacheSum(c, 1, 2);
        }
    }

    @Test
    void float32CacheTakesTheSamePath() {
        stepsTruncationAndReorder(FLOAT);
    }
}
