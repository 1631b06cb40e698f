package dev.stencil.decoder.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The in-graph mask and top-k on a synthetic model whose logits are its input, so every logit and
 * every mask bit is chosen by the test: a vocabulary that is not a multiple of 64 (a partial last
 * word), words with the top bit set (negative as Java longs), rows that allow nothing or fewer
 * than k tokens, and one mask row broadcast over the batch.
 */
class DeviceTopKGraphTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    /** ModelProto with one Identity node: float input "x" [batch, seq, vocab] → output "logits". */
    static byte[] identityModel(int vocab, int opset, String outputName) {
        return identityModel(vocab, opset, outputName, DeviceTopKGraph.FLOAT);
    }

    /** The same with the output cast to {@code elemType} (float16, bfloat16: logits of half-precision models). */
    static byte[] identityModel(int vocab, int opset, String outputName, int elemType) {
        ProtoWire.Writer node = elemType == DeviceTopKGraph.FLOAT
                ? new ProtoWire.Writer().string(1, "x").string(2, outputName).string(3, "id").string(4, "Identity")
                : new ProtoWire.Writer().string(1, "x").string(2, outputName).string(3, "cast").string(4, "Cast")
                        .message(5, new ProtoWire.Writer().string(1, "to").varint(3, elemType).varint(20, 2));
        ProtoWire.Writer graph = new ProtoWire.Writer()
                .message(1, node)
                .string(2, "synthetic")
                .bytes(11, TestOnnx.valueInfo("x", 1, "batch", "seq", (long) vocab))
                .bytes(12, TestOnnx.valueInfo(outputName, elemType, "batch", "seq", (long) vocab));
        ProtoWire.Writer opsetId = new ProtoWire.Writer().string(1, "").varint(2, opset);
        return new ProtoWire.Writer().varint(1, 8).string(2, "test").message(7, graph).message(8, opsetId).toByteArray();
    }

    /** The host's reference: masked logits of the last position, best first, ties by lower id, -inf left out. */
    private static List<Integer> hostTopK(float[] last, long[] mask, int k) {
        List<Integer> allowed = new ArrayList<>();
        for (int i = 0; i < last.length; i++) {
            if ((mask[i >>> 6] & (1L << (i & 63))) != 0) {
                allowed.add(i);
            }
        }
        allowed.sort((a, b) -> last[a] != last[b] ? Float.compare(last[b], last[a]) : Integer.compare(a, b));
        return allowed.subList(0, Math.min(k, allowed.size()));
    }

    private record Candidates(float[] values, long[] ids) {
    }

    private static Candidates run(OrtSession s, float[] x, int batch, int seq, int vocab, long[] masks, int maskRows, int k)
            throws OrtException {
        int words = (vocab + 63) / 64;
        try (OnnxTensor xt = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(x), new long[] {batch, seq, vocab});
                OnnxTensor mt = OnnxTensor.createTensor(ENV, LongBuffer.wrap(masks), new long[] {maskRows, words});
                OnnxTensor kt = OnnxTensor.createTensor(ENV, LongBuffer.wrap(new long[] {k}), new long[] {1});
                OrtSession.Result r = s.run(Map.of("x", xt, DeviceTopKGraph.MASK_INPUT, mt, DeviceTopKGraph.K_INPUT, kt),
                        java.util.Set.of(DeviceTopKGraph.VALUES_OUTPUT, DeviceTopKGraph.INDICES_OUTPUT))) {
            float[] v = ((OnnxTensor) r.get(DeviceTopKGraph.VALUES_OUTPUT).orElseThrow()).getFloatBuffer().array();
            long[] i = ((OnnxTensor) r.get(DeviceTopKGraph.INDICES_OUTPUT).orElseThrow()).getLongBuffer().array();
            assertEquals(batch * k, v.length);
            return new Candidates(v, i);
        }
    }

    @Test
    void inGraphMaskAndTopKEqualHostMaskingOnRandomBits() throws OrtException {
        randomBits(DeviceTopKGraph.FLOAT);
    }

    @Test
    void halfPrecisionLogitsToo() throws OrtException {
        randomBits(DeviceTopKGraph.FLOAT16); // the test's logits (multiples of 1/4 below 10) are exact in both
        randomBits(DeviceTopKGraph.BFLOAT16);
    }

    private static void randomBits(int logitsType) throws OrtException {
        int vocab = 130; // three mask words, the last one partial
        int words = 3;
        int batch = 4;
        int seq = 2;
        int k = 6;
        byte[] extended = DeviceTopKGraph.extend(identityModel(vocab, 17, "logits", logitsType), "logits");
        SplittableRandom random = new SplittableRandom(7);
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
                OrtSession s = ENV.createSession(extended, so)) {
            for (int trial = 0; trial < 50; trial++) {
                float[] x = new float[batch * seq * vocab];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) random.nextInt(-40, 40) / 4; // coarse values, so ties occur
                }
                long[] masks = new long[batch * words];
                for (int i = 0; i < masks.length; i++) {
                    masks[i] = random.nextLong(); // about half the bits set, top bits included
                }
                masks[0] = masks[1] = masks[2] = 0; // row 0: nothing allowed
                masks[3] = 1L << 63; // row 1: only token 63 ...
                masks[4] = 0;
                masks[5] = 1L << 1; // ... and token 129, the last one
                Candidates c = run(s, x, batch, seq, vocab, masks, batch, k);
                for (int b = 0; b < batch; b++) {
                    float[] last = Arrays.copyOfRange(x, (b * seq + seq - 1) * vocab, (b * seq + seq) * vocab);
                    List<Integer> expected = hostTopK(last, Arrays.copyOfRange(masks, b * words, (b + 1) * words), k);
                    for (int r = 0; r < k; r++) {
                        float v = c.values()[b * k + r];
                        if (r < expected.size()) {
                            assertEquals(expected.get(r).longValue(), c.ids()[b * k + r], "trial " + trial + " row " + b + " rank " + r);
                            assertEquals(last[expected.get(r)], v);
                        } else {
                            assertEquals(Float.NEGATIVE_INFINITY, v, "rank " + r + " of row " + b + " must be masked out");
                        }
                    }
                }
                List<Integer> row1 = hostTopK(new float[vocab], new long[] {1L << 63, 0, 2}, k);
                assertEquals(List.of(63, 129), row1);
            }
        }
    }

    @Test
    void oneMaskRowAppliesToEveryBatchRow() throws OrtException {
        int vocab = 64;
        byte[] extended = DeviceTopKGraph.extend(identityModel(vocab, 13, "logits"), "logits");
        float[] x = new float[2 * vocab];
        for (int i = 0; i < vocab; i++) {
            x[i] = i; // row 0 prefers high ids
            x[vocab + i] = -i; // row 1 prefers low ids
        }
        long mask = (1L << 5) | (1L << 40) | (1L << 63);
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
                OrtSession s = ENV.createSession(extended, so)) {
            Candidates c = run(s, x, 2, 1, vocab, new long[] {mask}, 1, 2);
            assertArrayEquals(new long[] {63, 40, 5, 40}, c.ids());
            assertArrayEquals(new float[] {63, 40, -5, -40}, c.values());
        }
    }

    @Test
    void theOriginalLogitsStayAnOutput() throws OrtException {
        byte[] extended = DeviceTopKGraph.extend(identityModel(70, 17, "logits"), "logits");
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
                OrtSession s = ENV.createSession(extended, so)) {
            assertTrue(s.getOutputNames().containsAll(List.of("logits", DeviceTopKGraph.VALUES_OUTPUT, DeviceTopKGraph.INDICES_OUTPUT)));
            assertTrue(s.getInputNames().containsAll(List.of("x", DeviceTopKGraph.MASK_INPUT, DeviceTopKGraph.K_INPUT)));
        }
    }

    @Test
    void refusesWhatItCannotExtend() {
        OnnxFormatException old = assertThrows(OnnxFormatException.class,
                () -> DeviceTopKGraph.extend(identityModel(70, 10, "logits"), "logits"));
        assertTrue(old.getMessage().contains("version 10"), old.getMessage());
        OnnxFormatException missing = assertThrows(OnnxFormatException.class,
                () -> DeviceTopKGraph.extend(identityModel(70, 17, "scores"), "logits"));
        assertTrue(missing.getMessage().contains("no output 'logits'"), missing.getMessage());
        byte[] once = DeviceTopKGraph.extend(identityModel(70, 17, "logits"), "logits");
        OnnxFormatException twice = assertThrows(OnnxFormatException.class, () -> DeviceTopKGraph.extend(once, "logits"));
        assertTrue(twice.getMessage().contains("extended before"), twice.getMessage());
        assertThrows(OnnxFormatException.class, () -> DeviceTopKGraph.extend(new byte[] {8, 1}, "logits")); // no graph
    }
}
