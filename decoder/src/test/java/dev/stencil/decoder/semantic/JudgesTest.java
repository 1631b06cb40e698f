package dev.stencil.decoder.semantic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.decoder.DecoderException;
import dev.stencil.decoder.TestModels;
import dev.stencil.decoder.onnx.ProtoWire;
import dev.stencil.decoder.onnx.TestOnnx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two shipped judges: the language model asked for a verdict, and an ONNX text classifier. */
class JudgesTest {
    @Test
    void modelJudgeReadsTheVerdictTokensNextProbabilities() {
        // the embedded model answers this prompt with ' {"' (its training format), so a "verdict"
        // of ' {"' against ' no' must pass by a wide margin, and the swapped pair must fail
        String template = "Q: Give a JSON object. Keys: {text}.\nA:";
        ModelJudge likely = new ModelJudge(TestModels.model(), TestModels.tokenizer(), template, " {\"", " no", 0);
        ModelJudge swapped = new ModelJudge(TestModels.model(), TestModels.tokenizer(), template, " no", " {\"", 0);
        SemanticConstraint.Verdict a = likely.judge("name, city");
        SemanticConstraint.Verdict b = swapped.judge("name, city");
        assertTrue(a.passes(), a.explanation());
        assertTrue(a.score() > 3, a.explanation());
        assertFalse(b.passes(), b.explanation());
        assertEquals(-a.score(), b.score(), 1e-6);
    }

    @Test
    void modelJudgeRejectsVerdictsThatAreNotOneToken() {
        assertThrows(DecoderException.class, () -> new ModelJudge(TestModels.model(), TestModels.tokenizer(), "{text}?",
                " absolutely-not-one-token", " no", 0));
        assertThrows(DecoderException.class, () -> new ModelJudge(TestModels.model(), TestModels.tokenizer(), "no placeholder",
                " yes", " no", 0));
    }

    /**
     * A bag-of-tokens classifier as ONNX: per-token class logits gathered from a table and summed
     * ([vocab, 2] initializer, Gather, ReduceSum over the sequence). The table gives ' happy'
     * three points for class 1 and ' sad' three for class 0.
     */
    private static byte[] bagOfTokensClassifier(int vocab, int happy, int sad) {
        float[] table = new float[vocab * 2];
        table[happy * 2 + 1] = 3;
        table[sad * 2] = 3;
        ByteBuffer raw = ByteBuffer.allocate(table.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : table) {
            raw.putFloat(f);
        }
        ProtoWire.Writer init = new ProtoWire.Writer().varint(1, vocab).varint(1, 2).varint(2, 1).string(8, "table")
                .bytes(9, raw.array());
        ProtoWire.Writer gather = new ProtoWire.Writer().string(1, "table").string(1, "input_ids").string(2, "per_token")
                .string(3, "gather").string(4, "Gather")
                .message(5, new ProtoWire.Writer().string(1, "axis").varint(3, 0).varint(20, 2));
        ProtoWire.Writer sum = new ProtoWire.Writer().string(1, "per_token").string(2, "logits").string(3, "sum")
                .string(4, "ReduceSum")
                .message(5, new ProtoWire.Writer().string(1, "axes").varint(8, 1).varint(20, 7))
                .message(5, new ProtoWire.Writer().string(1, "keepdims").varint(3, 0).varint(20, 2));
        ProtoWire.Writer graph = new ProtoWire.Writer().message(1, gather).message(1, sum).string(2, "classifier")
                .message(5, init)
                .bytes(11, TestOnnx.valueInfo("input_ids", 7, 1L, "n"))
                .bytes(12, TestOnnx.valueInfo("logits", 1, 1L, 2L));
        ProtoWire.Writer opset = new ProtoWire.Writer().string(1, "").varint(2, 11);
        return new ProtoWire.Writer().varint(1, 7).string(2, "test").message(7, graph).message(8, opset).toByteArray();
    }

    @Test
    void onnxClassifierJudgesByTheWantedClassProbability(@TempDir Path dir) throws IOException {
        var tok = TestModels.tokenizer();
        int[] happy = tok.encode(" happy");
        int[] sad = tok.encode(" sad");
        assertEquals(1, happy.length);
        assertEquals(1, sad.length);
        Path model = dir.resolve("classifier.onnx");
        Files.write(model, bagOfTokensClassifier(tok.vocabulary().size(), happy[0], sad[0]));
        try (OnnxClassifierJudge positive = new OnnxClassifierJudge(model, tok, 1, 0.6)) {
            SemanticConstraint.Verdict glad = positive.judge("I am happy today");
            SemanticConstraint.Verdict down = positive.judge("I am sad today");
            SemanticConstraint.Verdict neutral = positive.judge("I am here today");
            assertTrue(glad.passes(), glad.explanation());
            assertEquals(1 / (1 + Math.exp(-3)), glad.score(), 1e-5);
            assertFalse(down.passes(), down.explanation());
            assertEquals(1 / (1 + Math.exp(3)), down.score(), 1e-5);
            assertFalse(neutral.passes(), neutral.explanation()); // 0.5 < 0.6
        }
    }

    @Test
    void missingClassifierIsAClearError(@TempDir Path dir) {
        DecoderException e = assertThrows(DecoderException.class,
                () -> new OnnxClassifierJudge(dir.resolve("none.onnx"), TestModels.tokenizer(), 1, 0.5));
        assertTrue(e.getMessage().contains("none.onnx"), e.getMessage());
    }
}
