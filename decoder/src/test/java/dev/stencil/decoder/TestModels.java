package dev.stencil.decoder;

import dev.stencil.automata.vocab.BpeTokenizer;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The embedded fp32 model, its draft and its tokenizer, loaded once for all tests. */
public final class TestModels {
    private static OnnxCausalLm model;
    private static BpeTokenizer tokenizer;
    private static Stencil stencil;
    private static OnnxCausalLm draft;

    private TestModels() {
    }

    static Path embeddedDir() {
        try {
            return Path.of(TestModels.class.getResource(ModelSource.EMBEDDED_DIR + "model.onnx").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static synchronized OnnxCausalLm model() {
        if (model == null) {
            model = OnnxCausalLm.load(embeddedDir().resolve("model.onnx"), RuntimeOptions.defaults().withThreads(1));
        }
        return model;
    }

    public static synchronized BpeTokenizer tokenizer() {
        if (tokenizer == null) {
            tokenizer = BpeTokenizer.load(embeddedDir().resolve("tokenizer.json"));
        }
        return tokenizer;
    }

    public static synchronized Stencil stencil() {
        if (stencil == null) {
            stencil = Stencil.embedded();
        }
        return stencil;
    }

    /** The embedded draft as the CLI loads it (projection on the host), one thread. */
    public static synchronized OnnxCausalLm draft() {
        if (draft == null) {
            draft = Stencil.embeddedDraft(RuntimeOptions.defaults().withThreads(1));
        }
        return draft;
    }

    /** The largest absolute difference between two logit vectors of the same length. */
    static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
