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

    /** Twelve key lists, 2 to 7 keys, names the embedded models were trained on. */
    public static List<List<String>> defaultKeyLists() {
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
        return java.util.Arrays.stream(keyLists).map(List::of).toList();
    }

    /** The model's training prompts for {@link #defaultKeyLists()}. */
    public static List<String> defaultPrompts(Stencil stencil) {
        List<String> prompts = new ArrayList<>();
        for (List<String> k : defaultKeyLists()) {
            prompts.add(stencil.promptForKeys(k));
        }
        return prompts;
    }

    /**
     * The schema of an answer to a key-list prompt: an object with exactly those keys, all
     * required, in that order, values of any type. With {@link
     * dev.stencil.schemas.SchemaOptions#forGeneration()} its separators and key names are forced
     * bytes, which is what the forced-token figures measure.
     */
    static com.fasterxml.jackson.databind.JsonNode keysSchema(List<String> keys) {
        com.fasterxml.jackson.databind.node.ObjectNode schema = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        schema.put("type", "object");
        com.fasterxml.jackson.databind.node.ObjectNode props = schema.putObject("properties");
        com.fasterxml.jackson.databind.node.ArrayNode required = schema.putArray("required");
        for (String k : keys) {
            props.putObject(k);
            required.add(k);
        }
        return schema;
    }

    /**
     * @param draft a draft model for speculative runs, or null
     */
    public static Result run(Stencil stencil, OnnxCausalLm draft, List<String> prompts, int runs, int maxTokens, Progress progress) {
        return run(stencil, draft, prompts, runs, maxTokens, false, progress);
    }

    /** Prompts without key lists: the forced-token runs then use the built-in JSON grammar. */
    public static Result run(Stencil stencil, OnnxCausalLm draft, List<String> prompts, int runs, int maxTokens,
            boolean forceTokens, Progress progress) {
        List<Case> cases = prompts.stream().map(p -> new Case(p, null)).toList();
        return runCases(stencil, draft, cases, runs, maxTokens, forceTokens, progress);
    }

    /**
     * The benchmark over key lists (prompts in the model's format).
     *
     * <ul>
     *   <li>Always: greedy under the built-in JSON grammar vs an unconstrained replay of the same
     *       tokens ({@code ratio}, the mask overhead).
     *   <li>{@code forceTokens}: each key list's {@link #keysSchema schema}, greedy without and with
     *       forced tokens, each against an unconstrained replay of its own tokens (one forward pass
     *       per token): {@code schema_ratio}, {@code forced_ratio} (above 1 when forcing saves
     *       more passes than the mask costs) and {@code forced_speedup} over the schema run without
     *       forcing.
     *   <li>{@code draft}: the JSON-grammar run again with the draft (adaptive k, outputs compared
     *       with plain greedy), once with a fixed k = 4 for reference, and with {@code forceTokens}
     *       also the schema run with the draft and forced tokens together.
     * </ul>
     */
    public static Result runKeyLists(Stencil stencil, OnnxCausalLm draft, List<List<String>> keyLists, int runs, int maxTokens,
            boolean forceTokens, Progress progress) {
        List<Case> cases = keyLists.stream().map(k -> new Case(stencil.promptForKeys(k), stencil.schemaUncached(keysSchema(k)))).toList();
        return runCases(stencil, draft, cases, runs, maxTokens, forceTokens, progress);
    }

    /**
     * One prompt, and the generator its forced-token runs use: the key list's schema compiled once
     * (so every timed run finds the same warm mask caches, as the JSON-grammar runs do), or null
     * for the built-in JSON grammar.
     */
    private record Case(String prompt, Generator schema) {
    }

    /** Wall time and tokens of one kind of run, summed over the prompts of one timed pass. */
    private static final class Tally {
        long nanos;
        long tokens;
        final double[] tokS;

        Tally(int runs) {
            tokS = new double[runs];
        }

        void add(GenerationResult r) {
            nanos += r.timings().totalNanos();
            tokens += r.generatedTokens();
        }

        void close(int run) {
            tokS[run] = nanos == 0 ? 0 : tokens * 1e9 / nanos;
            nanos = 0;
            tokens = 0;
        }
    }

    /** The case's schema generator with every per-run setting reset (it is reused across runs). */
    private static Generator forcedGenerator(Stencil stencil, Case c) {
        return c.schema() == null ? stencil.json() : c.schema().forceTokens(false).draft(null).draftSchedule(null);
    }

    private static Result runCases(Stencil stencil, OnnxCausalLm draft, List<Case> cases, int runs, int maxTokens,
            boolean forceTokens, Progress progress) {
        if (runs < 1) {
            throw new DecoderException("runs must be >= 1, got " + runs);
        }
        // warm-up: JIT, mask caches of the shared compiled grammars, ONNX Runtime's allocator, the draft schedule
        Map<String, int[]> replays = new java.util.HashMap<>(); // each prompt's greedy tokens, replayed unconstrained
        for (int w = 0; w < (draft != null ? 2 : 1); w++) {
            for (Case c : cases) {
                GenerationResult r = stencil.json().prompt(c.prompt()).maxTokens(maxTokens).generate();
                replays.put(c.prompt(), replayOf(r, stencil));
                stencil.unconstrained().prompt(c.prompt()).maxTokens(maxTokens).replay(replayOf(r, stencil)).generate();
                if (forceTokens) {
                    forcedGenerator(stencil, c).prompt(c.prompt()).maxTokens(maxTokens).forceTokens(true).generate();
                    forcedGenerator(stencil, c).prompt(c.prompt()).maxTokens(maxTokens).generate();
                }
                if (draft != null) {
                    stencil.json().prompt(c.prompt()).maxTokens(maxTokens).draft(draft).generate();
                    if (forceTokens) {
                        forcedGenerator(stencil, c).prompt(c.prompt()).maxTokens(maxTokens).forceTokens(true).draft(draft).generate();
                    }
                }
            }
        }
        double[] ratios = new double[runs];
        Tally con = new Tally(runs);
        Tally uncon = new Tally(runs);
        Tally schema = new Tally(runs);
        Tally schemaUncon = new Tally(runs);
        Tally forced = new Tally(runs);
        Tally forcedUncon = new Tally(runs);
        Tally spec = new Tally(runs);
        Tally specFixed = new Tally(runs);
        Tally specForced = new Tally(runs);
        double[] batchTokS = new double[runs];
        int forcedCount = 0;
        int forcedInvalid = 0;
        long proposed = 0;
        long acceptedDraft = 0;
        int finalK = -1;
        int identical = 0;
        int compared = 0;
        int tokens = 0;
        int truncated = 0;
        int invalid = 0;
        long maskNanos = 0;
        long masks = 0;
        for (int run = 0; run < runs; run++) {
            int runTokens = 0;
            for (int ci = 0; ci < cases.size(); ci++) {
                Case cs = cases.get(ci);
                String p = cs.prompt();
                // every other pair in the other order: of two back-to-back generations of one prompt the
                // first is measurably slower, which a fixed order would charge to one side
                boolean constrainedFirst = (ci + run) % 2 == 0;
                GenerationResult c = null;
                GenerationResult u = null;
                // the speculative run goes before the pair where the constrained run goes second, after it otherwise
                GenerationResult s = draft == null || constrainedFirst ? null
                        : stencil.json().prompt(p).maxTokens(maxTokens).draft(draft).generate();
                for (int turn = 0; turn < 2; turn++) {
                    if ((turn == 0) == constrainedFirst) {
                        c = stencil.json().prompt(p).maxTokens(maxTokens).generate();
                    } else {
                        u = stencil.unconstrained().prompt(p).maxTokens(maxTokens).replay(replays.get(p)).generate();
                    }
                }
                if (!Arrays.equals(c.tokens(), u.tokens())) {
                    throw new IllegalStateException("replay diverged for prompt " + p);
                }
                con.add(c);
                uncon.add(u);
                if (draft != null) {
                    if (s == null) {
                        s = stencil.json().prompt(p).maxTokens(maxTokens).draft(draft).generate();
                    }
                    spec.add(s);
                    proposed += s.speculation().proposed();
                    acceptedDraft += s.speculation().accepted();
                    finalK = s.speculation().finalK();
                    compared++;
                    identical += Arrays.equals(s.tokens(), c.tokens()) ? 1 : 0;
                    specFixed.add(stencil.json().prompt(p).maxTokens(maxTokens).draft(draft)
                            .draftSchedule(DraftSchedule.fixed(4)).generate());
                }
                if (forceTokens) {
                    GenerationResult sc = forcedGenerator(stencil, cs).prompt(p).maxTokens(maxTokens).generate();
                    GenerationResult su = stencil.unconstrained().prompt(p).maxTokens(maxTokens).replay(replayOf(sc, stencil)).generate();
                    GenerationResult fc = forcedGenerator(stencil, cs).prompt(p).maxTokens(maxTokens).forceTokens(true).generate();
                    GenerationResult fu = stencil.unconstrained().prompt(p).maxTokens(maxTokens).replay(replayOf(fc, stencil)).generate();
                    schema.add(sc);
                    schemaUncon.add(su);
                    forced.add(fc);
                    forcedUncon.add(fu);
                    if (run == 0) {
                        forcedCount += fc.timings().forcedTokens();
                        forcedInvalid += !fc.truncated() && !fc.valid() ? 1 : 0;
                    }
                    if (draft != null) {
                        specForced.add(forcedGenerator(stencil, cs).prompt(p).maxTokens(maxTokens).forceTokens(true)
                                .draft(draft).generate());
                    }
                }
                runTokens += c.generatedTokens();
                maskNanos += c.timings().maskNanos();
                masks += c.timings().masks();
                if (run == 0) {
                    truncated += c.truncated() ? 1 : 0;
                    invalid += !c.truncated() && !c.valid() ? 1 : 0;
                }
            }
            tokens = runTokens;
            List<GenerationResult> batch = stencil.json().maxTokens(maxTokens).generateAll(cases.stream().map(Case::prompt).toList());
            int batchTokens = batch.stream().mapToInt(GenerationResult::generatedTokens).sum();
            batchTokS[run] = batchTokens * 1e9 / batch.get(0).timings().totalNanos();
            for (Tally t : new Tally[] {con, uncon, schema, schemaUncon, forced, forcedUncon, spec, specFixed, specForced}) {
                t.close(run);
            }
            ratios[run] = con.tokS[run] / uncon.tokS[run];
            if (progress != null) {
                progress.update(run + 1, runs);
            }
        }
        Map<String, Object> specFigures = null;
        if (draft != null) {
            specFigures = new LinkedHashMap<>();
            specFigures.put("speculative_tok_s", round1(median(spec.tokS)));
            specFigures.put("speculative_speedup", round3(medianRatio(spec.tokS, con.tokS)));
            specFigures.put("speculative_fixed_k4_speedup", round3(medianRatio(specFixed.tokS, con.tokS)));
            specFigures.put("draft_acceptance", round3((double) acceptedDraft / Math.max(1, proposed)));
            specFigures.put("draft_final_k", finalK);
            DraftVocabulary learned = stencil.draftVocabulary(draft);
            specFigures.put("draft_vocabulary", learned == null ? "full (graph projection)" : learned.size() + " tokens learned");
            specFigures.put("speculative_identical", identical + "/" + compared);
            if (forceTokens) {
                specFigures.put("speculative_forced_tok_s", round1(median(specForced.tokS)));
                // against greedy on the same schemas without draft and without forcing, and against forcing alone
                specFigures.put("speculative_forced_speedup", round3(medianRatio(specForced.tokS, schema.tokS)));
                specFigures.put("speculative_forced_vs_forced", round3(medianRatio(specForced.tokS, forced.tokS)));
            }
        }
        Map<String, Object> forcedFigures = null;
        if (forceTokens) {
            forcedFigures = new LinkedHashMap<>();
            forcedFigures.put("forced_grammar", cases.get(0).schema() == null ? "json" : "keys schema (spaced, schema order)");
            forcedFigures.put("schema_constrained_tok_s", round1(median(schema.tokS)));
            forcedFigures.put("schema_ratio", round3(medianRatio(schema.tokS, schemaUncon.tokS)));
            forcedFigures.put("forced_constrained_tok_s", round1(median(forced.tokS)));
            forcedFigures.put("forced_ratio", round3(medianRatio(forced.tokS, forcedUncon.tokS)));
            forcedFigures.put("forced_speedup", round3(medianRatio(forced.tokS, schema.tokS)));
            forcedFigures.put("forced_tokens", forcedCount);
            forcedFigures.put("forced_invalid", forcedInvalid);
        }
        return new Result(cases.size(), tokens, truncated, invalid, median(uncon.tokS), median(con.tokS), median(ratios),
                masks == 0 ? 0 : maskNanos / 1e3 / masks, ratios, median(batchTokS), forcedFigures, specFigures);
    }

    /** Median over runs of a[i] / b[i]. */
    private static double medianRatio(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = b[i] == 0 ? 0 : a[i] / b[i];
        }
        return median(r);
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
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
