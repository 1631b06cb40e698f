package dev.stencil.decoder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures what the grammar mask costs end to end: for each prompt, a greedy JSON-constrained
 * generation, then an unconstrained run that replays exactly the same tokens (same forward
 * passes, same argmax work, no mask). Repeated over several runs; the ratio is the median.
 */
public final class DecodeBenchmark {
    /** Progress callback: runs done of total. */
    public interface Progress {
        void update(int done, int total);
    }

    /**
     * Summary figures.
     *
     * @param prompts prompts per run
     * @param tokens tokens generated per run (stop tokens excluded)
     * @param truncated constrained outputs that hit the token limit
     * @param invalid constrained outputs that stopped but did not parse (must be 0)
     * @param unconstrainedTokS median unconstrained tokens/s
     * @param constrainedTokS median constrained tokens/s
     * @param ratio median over runs of constrained/unconstrained
     * @param maskMicrosMean mean mask time in the timed runs
     * @param ratios the per-run ratios
     * @param batchedTokS median constrained tokens/s with all prompts in one batch
     * @param forced with forced tokens on: constrained tok/s, its ratio to the unconstrained replay
     *     of the same tokens (one forward pass per token), forced tokens per run; null when off
     * @param speculative with a draft: median speculative tok/s, median speedup over constrained
     *     greedy, acceptance rate, outputs identical to greedy; null without a draft
     */
    public record Result(int prompts, int tokens, int truncated, int invalid, double unconstrainedTokS,
            double constrainedTokS, double ratio, double maskMicrosMean, double[] ratios, double batchedTokS, Map<String, Object> forced,
            Map<String, Object> speculative) {
        public Map<String, Object> figures() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("prompts", prompts);
            f.put("tokens", tokens);
            f.put("truncated", truncated);
            f.put("invalid_returned", invalid);
            f.put("unconstrained_tok_s", round(unconstrainedTokS));
            f.put("constrained_tok_s", round(constrainedTokS));
            f.put("ratio", Math.round(ratio * 1000) / 1000.0);
            f.put("mask_us_mean", round(maskMicrosMean));
            f.put("runs", ratios.length);
            f.put("ratios", Arrays.stream(ratios).mapToObj(r -> Math.round(r * 1000) / 1000.0).toList());
            f.put("batched_constrained_tok_s", round(batchedTokS));
            if (forced != null) {
                f.putAll(forced);
            }
            if (speculative != null) {
                f.putAll(speculative);
            }
            return f;
        }

        private static double round(double v) {
            return Math.round(v * 10) / 10.0;
        }
    }

    private DecodeBenchmark() {
    }

    /** Twelve prompts in the embedded model's training format, 2 to 7 keys. */
    public static List<String> defaultPrompts(Stencil stencil) {
        String[][] keyLists = {
            {"name", "age", "skills"},
            {"title", "price", "in_stock", "tags"},
            {"id", "email", "created_at", "address"},
            {"username", "followers", "verified", "bio", "website", "location"},
            {"order_id", "customer", "items", "total", "status"},
            {"city", "country"},
            {"first_name", "last_name", "phone", "email"},
            {"sku", "quantity", "price"},
            {"id", "title", "description", "priority", "due_date", "completed", "tags"},
            {"latitude", "longitude"},
            {"user_id", "settings", "updated_at"},
            {"name", "version", "license", "dependencies"},
        };
        List<String> prompts = new ArrayList<>();
        for (String[] k : keyLists) {
            prompts.add(stencil.promptForKeys(List.of(k)));
        }
        return prompts;
    }

    /**
     * @param draft a draft model for a third, speculative run per prompt, or null
     */
    public static Result run(Stencil stencil, OnnxCausalLm draft, List<String> prompts, int runs, int maxTokens, Progress progress) {
        return run(stencil, draft, prompts, runs, maxTokens, false, progress);
    }

    /**
     * @param forceTokens also time constrained decoding with forced tokens (jump-forward) against
     *     an unconstrained replay of its own tokens
     */
    public static Result run(Stencil stencil, OnnxCausalLm draft, List<String> prompts, int runs, int maxTokens,
            boolean forceTokens, Progress progress) {
        if (runs < 1) {
            throw new DecoderException("runs must be >= 1, got " + runs);
        }
        // warm-up: JIT, mask caches of the shared compiled grammar, ONNX Runtime's allocator
        for (String p : prompts) {
            GenerationResult r = stencil.json().prompt(p).maxTokens(maxTokens).generate();
            stencil.unconstrained().prompt(p).maxTokens(maxTokens).replay(replayOf(r, stencil)).generate();
        }
        double[] ratios = new double[runs];
        double[] conTokS = new double[runs];
        double[] unconTokS = new double[runs];
        double[] specTokS = new double[runs];
        double[] batchTokS = new double[runs];
        double[] speedups = new double[runs];
        double[] forcedTokS = new double[runs];
        double[] forcedRatios = new double[runs];
        int forcedCount = 0;
        int forcedInvalid = 0;
        long proposed = 0;
        long acceptedDraft = 0;
        int identical = 0;
        int compared = 0;
        int tokens = 0;
        int truncated = 0;
        int invalid = 0;
        long maskNanos = 0;
        long masks = 0;
        for (int run = 0; run < runs; run++) {
            long conNanos = 0;
            long unconNanos = 0;
            long specNanos = 0;
            long forcedNanos = 0;
            long forcedUnconNanos = 0;
            int forcedRunTokens = 0;
            int runTokens = 0;
            for (String p : prompts) {
                GenerationResult c = stencil.json().prompt(p).maxTokens(maxTokens).generate();
                GenerationResult u = stencil.unconstrained().prompt(p).maxTokens(maxTokens).replay(replayOf(c, stencil)).generate();
                if (!Arrays.equals(c.tokens(), u.tokens())) {
                    throw new IllegalStateException("replay diverged for prompt " + p);
                }
                if (draft != null) {
                    GenerationResult s = stencil.json().prompt(p).maxTokens(maxTokens).draft(draft).generate();
                    specNanos += s.timings().totalNanos();
                    proposed += s.speculation().proposed();
                    acceptedDraft += s.speculation().accepted();
                    compared++;
                    identical += Arrays.equals(s.tokens(), c.tokens()) ? 1 : 0;
                }
                if (forceTokens) {
                    GenerationResult fc = stencil.json().prompt(p).maxTokens(maxTokens).forceTokens(true).generate();
                    GenerationResult fu = stencil.unconstrained().prompt(p).maxTokens(maxTokens).replay(replayOf(fc, stencil)).generate();
                    forcedNanos += fc.timings().totalNanos();
                    forcedUnconNanos += fu.timings().totalNanos();
                    forcedRunTokens += fc.generatedTokens();
                    if (run == 0) {
                        forcedCount += fc.timings().forcedTokens();
                        forcedInvalid += !fc.truncated() && !fc.valid() ? 1 : 0;
                    }
                }
                conNanos += c.timings().totalNanos();
                unconNanos += u.timings().totalNanos();
                runTokens += c.generatedTokens();
                maskNanos += c.timings().maskNanos();
                masks += c.timings().masks();
                if (run == 0) {
                    truncated += c.truncated() ? 1 : 0;
                    invalid += !c.truncated() && !c.valid() ? 1 : 0;
                }
            }
            tokens = runTokens;
            List<GenerationResult> batch = stencil.json().maxTokens(maxTokens).generateAll(prompts);
            int batchTokens = batch.stream().mapToInt(GenerationResult::generatedTokens).sum();
            batchTokS[run] = batchTokens * 1e9 / batch.get(0).timings().totalNanos();
            conTokS[run] = runTokens * 1e9 / conNanos;
            unconTokS[run] = runTokens * 1e9 / unconNanos;
            ratios[run] = conTokS[run] / unconTokS[run];
            if (forceTokens) {
                forcedTokS[run] = forcedRunTokens * 1e9 / forcedNanos;
                forcedRatios[run] = forcedTokS[run] / (forcedRunTokens * 1e9 / forcedUnconNanos);
            }
            if (draft != null) {
                specTokS[run] = runTokens * 1e9 / specNanos;
                speedups[run] = specTokS[run] / conTokS[run];
            }
            if (progress != null) {
                progress.update(run + 1, runs);
            }
        }
        Map<String, Object> spec = null;
        if (draft != null) {
            spec = new LinkedHashMap<>();
            spec.put("speculative_tok_s", Math.round(median(specTokS) * 10) / 10.0);
            spec.put("speculative_speedup", Math.round(median(speedups) * 1000) / 1000.0);
            spec.put("draft_acceptance", Math.round(1000.0 * acceptedDraft / Math.max(1, proposed)) / 1000.0);
            spec.put("speculative_identical", identical + "/" + compared);
        }
        Map<String, Object> forced = null;
        if (forceTokens) {
            forced = new LinkedHashMap<>();
            forced.put("forced_constrained_tok_s", Math.round(median(forcedTokS) * 10) / 10.0);
            forced.put("forced_ratio", Math.round(median(forcedRatios) * 1000) / 1000.0);
            forced.put("forced_tokens", forcedCount);
            forced.put("forced_invalid", forcedInvalid);
        }
        return new Result(prompts.size(), tokens, truncated, invalid, median(unconTokS), median(conTokS), median(ratios),
                masks == 0 ? 0 : maskNanos / 1e3 / masks, ratios, median(batchTokS), forced, spec);
    }

    /** The constrained run's tokens, with the stop token where it stopped (so the replay stops there too). */
    private static int[] replayOf(GenerationResult r, Stencil stencil) {
        int[] t = r.tokens();
        if (r.finishReason() != FinishReason.STOP) {
            return t;
        }
        int[] withStop = Arrays.copyOf(t, t.length + 1);
        withStop[t.length] = stencil.eosTokenId();
        return withStop;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
