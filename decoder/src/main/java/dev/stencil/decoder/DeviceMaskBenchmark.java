package dev.stencil.decoder;

import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.Matcher;
import dev.stencil.automata.json.JsonGrammar;
import dev.stencil.automata.json.Whitespace;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What masking inside the graph costs or saves per decoding step against masking on the host, on
 * one model loaded with the device mask. For each prompt, greedy JSON-constrained generation on
 * the host gives a token sequence; then two caches replay it in lockstep, and every step is timed
 * on both, interleaved (so machine load hits both alike):
 *
 * <ul>
 *   <li>host: one-token forward pass returning the full logits, copy them out, mask, arg-max;
 *   <li>device: one-token forward pass with the mask as an input, in-graph unpack + mask + top-1,
 *       read the candidate.
 * </ul>
 * The grammar mask itself is computed once per step, untimed (both need it). Each step's two
 * choices must agree; any disagreement is counted.
 */
public final class DeviceMaskBenchmark {
    private DeviceMaskBenchmark() {
    }

    /** Progress callback: runs done of total. */
    public interface Progress {
        void update(int done, int total);
    }

    /**
     * @param steps timed steps per mode (all runs)
     * @param disagreements steps whose host and device choices differed (must be 0)
     */
    public record Result(int prompts, int tokens, int steps, double hostStepMedianMicros, double deviceStepMedianMicros,
            double hostStepMeanMicros, double deviceStepMeanMicros, int disagreements, int runs) {
        public Map<String, Object> figures() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("prompts", prompts);
            f.put("tokens", tokens);
            f.put("timed_steps", steps);
            f.put("host_step_us_p50", round(hostStepMedianMicros));
            f.put("device_step_us_p50", round(deviceStepMedianMicros));
            f.put("host_step_us_mean", round(hostStepMeanMicros));
            f.put("device_step_us_mean", round(deviceStepMeanMicros));
            f.put("device_minus_host_us_p50", round(deviceStepMedianMicros - hostStepMedianMicros));
            f.put("device_over_host_p50", Math.round(deviceStepMedianMicros / hostStepMedianMicros * 1000) / 1000.0);
            f.put("disagreements", disagreements);
            f.put("runs", runs);
            return f;
        }

        private static double round(double v) {
            return Math.round(v * 10) / 10.0;
        }
    }

    public static Result run(Stencil stencil, List<String> prompts, int runs, int maxTokens, Progress progress) {
        OnnxCausalLm model = stencil.model();
        if (!model.hasDeviceTopK()) {
            throw new DecoderException("the benchmark needs a model loaded with the device mask (RuntimeOptions.withMaskOnDevice(true))");
        }
        if (runs < 1) {
            throw new DecoderException("runs must be >= 1, got " + runs);
        }
        CompiledGrammar grammar = stencil.compile(JsonGrammar.grammar(Whitespace.flexible()));
        int[][] promptIds = new int[prompts.size()][];
        int[][] outputs = new int[prompts.size()][];
        int tokens = 0;
        for (int i = 0; i < prompts.size(); i++) {
            promptIds[i] = stencil.tokenizer().encode(prompts.get(i));
            outputs[i] = stencil.json().prompt(prompts.get(i)).maxTokens(maxTokens).maskOnDevice(false).generate().tokens();
            tokens += outputs[i].length;
        }
        long[] host = new long[runs * tokens];
        long[] device = new long[runs * tokens];
        int disagreements = 0;
        int n = 0;
        for (int pass = 0; pass <= runs; pass++) { // pass 0 warms up JIT and ONNX Runtime, untimed
            for (int i = 0; i < prompts.size(); i++) {
                int[] found = replay(model, grammar.newMatcher(), promptIds[i], outputs[i], pass == 0 ? null : host,
                        pass == 0 ? null : device, n);
                disagreements += found[1];
                if (pass > 0) {
                    n += found[0];
                }
            }
            if (pass > 0 && progress != null) {
                progress.update(pass, runs);
            }
        }
        return new Result(prompts.size(), tokens, n, median(host, n), median(device, n), mean(host, n), mean(device, n),
                disagreements, runs);
    }

    /** Replays {@code out} after {@code prompt} on two caches; returns {timed steps, disagreements}. */
    private static int[] replay(OnnxCausalLm model, Matcher matcher, int[] prompt, int[] out, long[] hostNanos, long[] deviceNanos,
            int at) {
        int vocab = model.shape().vocabSize();
        long[] mask = new long[model.maskWords()];
        long[][] masks = {mask};
        float[] logits = new float[vocab];
        float[] value = new float[1];
        int[] id = new int[1];
        int[][] step = {{0}};
        int timed = 0;
        int disagreements = 0;
        try (KvCache h = model.newCache(1); KvCache d = model.newCache(1)) {
            matcher.fillNextTokenMask(mask);
            model.forward(h, new int[][] {prompt});
            model.forwardTopK(d, new int[][] {prompt}, masks, 1);
            for (int t = 0; t < out.length; t++) {
                if (!matcher.accept(out[t])) {
                    throw new DecoderException("the replayed token " + out[t] + " is not allowed by the grammar");
                }
                matcher.fillNextTokenMask(mask);
                step[0][0] = out[t];
                long t0 = System.nanoTime();
                model.forward(h, step);
                h.logits(0, -1, logits);
                GrammarMask.apply(mask, logits);
                int hostChoice = TokenSelector.argmax(logits);
                long t1 = System.nanoTime();
                model.forwardTopK(d, step, masks, 1);
                int deviceChoice = d.candidates(0, value, id) == 0 ? -1 : id[0];
                long t2 = System.nanoTime();
                if (hostChoice != deviceChoice) {
                    disagreements++;
                }
                if (hostNanos != null) {
                    hostNanos[at + timed] = t1 - t0;
                    deviceNanos[at + timed] = t2 - t1;
                    timed++;
                }
            }
        }
        return new int[] {timed, disagreements};
    }

    private static double median(long[] v, int n) {
        long[] s = Arrays.copyOf(v, n);
        Arrays.sort(s);
        return n == 0 ? 0 : (n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0) / 1e3;
    }

    private static double mean(long[] v, int n) {
        long total = 0;
        for (int i = 0; i < n; i++) {
            total += v[i];
        }
        return n == 0 ? 0 : total / 1e3 / n;
    }
}
