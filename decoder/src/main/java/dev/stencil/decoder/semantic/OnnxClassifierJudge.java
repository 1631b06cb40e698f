package dev.stencil.decoder.semantic;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.stencil.automata.vocab.BpeTokenizer;
import dev.stencil.decoder.DecoderException;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Judges a candidate with a text classifier exported to ONNX (a sentiment, toxicity or topic
 * model): inputs {@code input_ids} and, when the model declares it, {@code attention_mask}
 * (int64, {@code [1, n]}); output: the first output, class logits {@code [1, classes]}. The
 * score is the softmax probability of the wanted class, and the candidate passes when it reaches
 * the threshold. The classifier brings its own tokenizer ({@code tokenizer.json}).
 *
 * <p>Thread-safe (an ONNX Runtime session may run concurrently); close it when done.
 */
public final class OnnxClassifierJudge implements SemanticConstraint, AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final BpeTokenizer tokenizer;
    private final int wantedClass;
    private final double threshold;
    private final boolean takesMask;
    private final String output;

    /**
     * @param wantedClass index of the class a passing candidate must have
     * @param threshold minimum probability of that class (e.g. 0.5)
     */
    public OnnxClassifierJudge(Path onnxFile, BpeTokenizer tokenizer, int wantedClass, double threshold) {
        if (!Files.isRegularFile(onnxFile)) {
            throw new DecoderException("classifier model not found: " + onnxFile);
        }
        try {
            this.session = env.createSession(onnxFile.toString(), new OrtSession.SessionOptions());
        } catch (OrtException e) {
            throw new DecoderException("cannot load classifier " + onnxFile + ": " + e.getMessage(), e);
        }
        Set<String> inputs = session.getInputNames();
        if (!inputs.contains("input_ids")) {
            close();
            throw new DecoderException("classifier " + onnxFile + " has no input_ids input (inputs: " + inputs + ")");
        }
        for (String in : inputs) {
            if (!in.equals("input_ids") && !in.equals("attention_mask")) {
                close();
                throw new DecoderException("classifier " + onnxFile + " needs input '" + in
                        + "', which a text classifier judge cannot feed (only input_ids and attention_mask)");
            }
        }
        this.takesMask = inputs.contains("attention_mask");
        this.output = session.getOutputNames().iterator().next();
        this.tokenizer = tokenizer;
        this.wantedClass = wantedClass;
        this.threshold = threshold;
    }

    @Override
    public Verdict judge(String text) {
        int[] ids = tokenizer.encode(text);
        if (ids.length == 0) {
            ids = new int[] {0}; // an empty candidate still gets a verdict; most classifiers read a lone token
        }
        long[] asLong = new long[ids.length];
        long[] ones = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            asLong[i] = ids[i];
            ones[i] = 1;
        }
        long[] shape = {1, ids.length};
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            feed.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(asLong), shape));
            if (takesMask) {
                feed.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(ones), shape));
            }
            try (OrtSession.Result r = session.run(feed)) {
                OnnxValue v = r.get(output).orElseThrow();
                float[] logits = flatten(v.getValue());
                if (wantedClass >= logits.length) {
                    throw new DecoderException("classifier has " + logits.length + " classes; class " + wantedClass + " does not exist");
                }
                double p = softmax(logits)[wantedClass];
                return new Verdict(p >= threshold, p,
                        String.format(java.util.Locale.ROOT, "P(class %d) = %.3f (threshold %.3f)", wantedClass, p, threshold));
            }
        } catch (OrtException e) {
            throw new DecoderException("classifier failed on a candidate: " + e.getMessage(), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    /** Class logits of one example: {@code float[classes]} or {@code float[1][classes]}. */
    private static float[] flatten(Object value) {
        if (value instanceof float[] f) {
            return f;
        }
        if (value instanceof float[][] f && f.length == 1) {
            return f[0];
        }
        throw new DecoderException("classifier output is not float logits of shape [1, classes]");
    }

    private static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new DecoderException("cannot close classifier session: " + e.getMessage(), e);
        }
    }
}
