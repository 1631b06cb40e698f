package dev.stencil.decoder;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What masking inside the graph costs or saves against masking on the host, on one loaded model
 * (which must have the device mask): for each prompt, greedy JSON-constrained generation both
 * ways. Both produce the same tokens (checked), so they do the same forward passes and masks; the
 * difference per step is the in-graph unpack + mask + top-k and the smaller output copy, against
 * copying the full logits out and masking + arg-maxing them in Java. Runs alternate the order of
 * the two modes; figures are medians over runs.
 */
public final class DeviceMaskBenchmark {
    private DeviceMaskBenchmark() {
    }

    /** Progress callback: runs done of total. */
    public interface Progress {
        void update(int done, int total);
    }

    /**
     * @param hostStepMicros median over runs of (decode time / decode forward passes), host masking
     * @param deviceStepMicros the same with the mask in the graph
     * @param identical whether every prompt gave the same tokens both ways in every run
     */
    public record Result(int prompts, int tokens, int steps, double hostStepMicros, double deviceStepMicros,
            double hostTokS, double deviceTokS, boolean identical, int runs) {
        public Map<String, Object> figures() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("prompts", prompts);
            f.put("tokens", tokens);
            f.put("decode_steps", steps);
            f.put("host_mask_step_us", round(hostStepMicros));
            f.put("device_mask_step_us", round(deviceStepMicros));
            f.put("device_over_host", Math.round(deviceStepMicros / hostStepMicros * 1000) / 1000.0);
            f.put("host_mask_tok_s", round(hostTokS));
            f.put("device_mask_tok_s", round(deviceTokS));
            f.put("identical_tokens", identical);
            f.put("runs", runs);
            return f;
        }

        private static double round(double v) {
            return Math.round(v * 10) / 10.0;
        }
    }

    public static Result run(Stencil stencil, List<String> prompts, int runs, int maxTokens, Progress progress) {
        if (!stencil.model().hasDeviceTopK()) {
            throw new DecoderException("the benchmark needs a model loaded with the device mask (RuntimeOptions.withMaskOnDevice(true))");
        }
        if (runs < 1) {
            throw new DecoderException("runs must be >= 1, got " + runs);
        }
        once(stencil, prompts, maxTokens, false); // JIT and ONNX Runtime warm-up, both paths
        once(stencil, prompts, maxTokens, true);
        double[] hostStep = new double[runs];
        double[] deviceStep = new double[runs];
        double[] hostTokS = new double[runs];
        double[] deviceTokS = new double[runs];
        boolean identical = true;
        int tokens = 0;
        int steps = 0;
        for (int run = 0; run < runs; run++) {
            boolean deviceFirst = run % 2 == 1;
            Totals a = once(stencil, prompts, maxTokens, deviceFirst);
            Totals b = once(stencil, prompts, maxTokens, !deviceFirst);
            Totals host = deviceFirst ? b : a;
            Totals device = deviceFirst ? a : b;
            identical &= Arrays.deepEquals(host.outputs, device.outputs);
            hostStep[run] = host.decodeNanos / 1e3 / Math.max(1, host.steps);
            deviceStep[run] = device.decodeNanos / 1e3 / Math.max(1, device.steps);
            hostTokS[run] = host.tokens * 1e9 / host.totalNanos;
            deviceTokS[run] = device.tokens * 1e9 / device.totalNanos;
            tokens = host.tokens;
            steps = host.steps;
            if (progress != null) {
                progress.update(run + 1, runs);
            }
        }
        return new Result(prompts.size(), tokens, steps, median(hostStep), median(deviceStep), median(hostTokS),
                median(deviceTokS), identical, runs);
    }

    private record Totals(int[][] outputs, int tokens, int steps, long decodeNanos, long totalNanos) {
    }

    private static Totals once(Stencil stencil, List<String> prompts, int maxTokens, boolean device) {
        int[][] outputs = new int[prompts.size()][];
        int tokens = 0;
        int steps = 0;
        long decode = 0;
        long total = 0;
        for (int i = 0; i < prompts.size(); i++) {
            GenerationResult r = stencil.json().prompt(prompts.get(i)).maxTokens(maxTokens).maskOnDevice(device).generate();
            outputs[i] = r.tokens();
            tokens += r.tokens().length;
            steps += r.timings().forwardPasses() - 1; // the passes after the prefill
            decode += r.timings().decodeNanos();
            total += r.timings().totalNanos();
        }
        return new Totals(outputs, tokens, steps, decode, total);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
