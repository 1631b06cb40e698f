package dev.stencil.decoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stencil.automata.StencilException;
import dev.stencil.schemas.InstanceValidator;
import dev.stencil.schemas.SchemaException;
import dev.stencil.schemas.SchemaOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The "validity at scale" evaluation: greedy schema-constrained generation with a model on every
 * schema of some JSONSchemaBench subsets that compiles. Each schema gets the model's training
 * prompt built from its top-level property names. A complete output that the independent
 * validator rejects is counted as {@code invalid}; one that was nevertheless handed out as a valid
 * JSON value is {@code invalid_returned} (the bar: 0).
 *
 * <p>Corpus layout (see the corpus README): {@code <dir>/<Subset>/<id>.json}, each file
 * {@code {"schema": ..., "tests": [...], "features": [...]}}; files are taken in sorted id order.
 */
public final class JsonSchemaBenchEval {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Progress callback: schemas done of total, and the current schema's id. */
    public interface Progress {
        void update(int done, int total, String id);
    }

    /**
     * Summary counts.
     *
     * @param schemas schema files read
     * @param compileFailures schemas the compiler (or the mask engine) rejected, by reason
     * @param generated schemas that compiled and were generated for
     * @param valid outputs that finished, parsed and passed the independent validator
     * @param truncated outputs that reached the token limit before the grammar accepted
     * @param invalid complete outputs the validator rejected (never returned as JSON)
     * @param invalidReturned outputs returned as valid JSON that a fresh validator rejects (must be 0)
     * @param errors generations that failed with an exception (e.g. no token allowed), by id
     * @param invalidIds ids of the {@code invalid} outputs with the validator's first message
     * @param seconds wall time of the whole run
     * @param generatedTokens tokens generated over all schemas
     * @param forcedTokens of those, tokens forced without sampling (with forced tokens on)
     * @param truncatedIds ids of the {@code truncated} outputs with the output's last characters,
     *     so a reader can see why they ran long
     * @param speculative with a draft model: outputs identical to the run without it, acceptance,
     *     final k, tokens/s with and without the draft; null without a draft
     */
    public record Result(int schemas, Map<String, Integer> compileFailures, int generated, int valid, int truncated,
            int invalid, int invalidReturned, Map<String, String> errors, Map<String, String> invalidIds, double seconds,
            long generatedTokens, long forcedTokens, Map<String, String> truncatedIds, Map<String, Object> speculative) {
        /** The JSON summary: the bar's keys first, then the details. */
        public Map<String, Object> figures() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("schemas", schemas);
            f.put("generated", generated);
            f.put("valid", valid);
            f.put("truncated", truncated);
            f.put("invalid_returned", invalidReturned);
            f.put("invalid_not_returned", invalid);
            f.put("errors", errors.size());
            f.put("compile_failures", compileFailures.values().stream().mapToInt(Integer::intValue).sum());
            f.put("compile_failure_reasons", compileFailures);
            int complete = generated - truncated - errors.size();
            f.put("valid_of_complete", complete == 0 ? 0 : Math.round(10000.0 * valid / complete) / 10000.0);
            f.put("truncated_rate", generated == 0 ? 0 : Math.round(10000.0 * truncated / generated) / 10000.0);
            f.put("generated_tokens", generatedTokens);
            f.put("forced_tokens", forcedTokens);
            f.put("seconds", Math.round(seconds * 10) / 10.0);
            if (!errors.isEmpty()) {
                f.put("error_ids", errors);
            }
            if (!invalidIds.isEmpty()) {
                f.put("invalid_ids", invalidIds);
            }
            if (speculative != null) {
                f.putAll(speculative);
            }
            if (!truncatedIds.isEmpty()) {
                f.put("truncated_ids", truncatedIds);
            }
            return f;
        }
    }

    private JsonSchemaBenchEval() {
    }

    /**
     * Runs the evaluation.
     *
     * @param corpus the corpus folder (holding one folder per subset)
     * @param subsets subset folder names, e.g. {@code Glaiveai2K}
     * @param limit most schemas per subset (the first ones in sorted id order)
     * @param maxTokens token limit per output (the bar uses 256)
     */
    public static Result run(Stencil stencil, Path corpus, List<String> subsets, int limit, int maxTokens, Progress progress) {
        return run(stencil, corpus, subsets, limit, maxTokens, false, progress);
    }

    /** @param forceTokens generate with forced tokens (jump-forward) on */
    public static Result run(Stencil stencil, Path corpus, List<String> subsets, int limit, int maxTokens, boolean forceTokens,
            Progress progress) {
        return run(stencil, corpus, subsets, limit, maxTokens, forceTokens, SchemaOptions.forGeneration(), progress);
    }

    /** @param options how each schema is compiled (default {@link SchemaOptions#forGeneration()}) */
    public static Result run(Stencil stencil, Path corpus, List<String> subsets, int limit, int maxTokens, boolean forceTokens,
            SchemaOptions options, Progress progress) {
        return run(stencil, corpus, subsets, limit, maxTokens, forceTokens, options, null, progress);
    }

    /**
     * @param draft when not null, every schema is also generated with this draft model
     *     (speculative decoding, same settings otherwise): its output must be identical, and the
     *     time of both is compared. The run without the draft is then repeated after the one with
     *     it, and that repetition is what is timed, so both timed runs find the mask caches warm.
     */
    public static Result run(Stencil stencil, Path corpus, List<String> subsets, int limit, int maxTokens, boolean forceTokens,
            SchemaOptions options, OnnxCausalLm draft, Progress progress) {
        return run(stencil, corpus, subsets, limit, maxTokens, forceTokens, options, draft, 0, progress);
    }

    /**
     * @param draftK with a draft: 0 = the adaptive schedule (which may leave the draft unused where
     *     it does not pay), else always propose this many tokens (so that every generation really
     *     goes through the speculative loop, for the identity check)
     */
    public static Result run(Stencil stencil, Path corpus, List<String> subsets, int limit, int maxTokens, boolean forceTokens,
            SchemaOptions options, OnnxCausalLm draft, int draftK, Progress progress) {
        if (limit < 1) {
            throw new DecoderException("--limit must be >= 1, got " + limit);
        }
        if (subsets.isEmpty()) {
            throw new DecoderException("name at least one subset");
        }
        List<Path> files = new ArrayList<>();
        for (String subset : subsets) {
            Path dir = corpus.resolve(subset);
            if (!Files.isDirectory(dir)) {
                throw new DecoderException("no subset folder " + dir + " (is " + corpus + " the JSONSchemaBench corpus folder?)");
            }
            try (Stream<Path> s = Files.list(dir)) {
                files.addAll(s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().limit(limit).toList());
            } catch (IOException e) {
                throw new DecoderException("cannot list " + dir + ": " + e.getMessage(), e);
            }
        }
        long t0 = System.nanoTime();
        Map<String, Integer> compileFailures = new TreeMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        Map<String, String> invalidIds = new LinkedHashMap<>();
        Map<String, String> truncatedIds = new LinkedHashMap<>();
        int generated = 0;
        int valid = 0;
        int truncated = 0;
        int invalid = 0;
        int invalidReturned = 0;
        long tokens = 0;
        long forced = 0;
        int done = 0;
        int identical = 0;
        int compared = 0;
        long plainNanos = 0;
        long draftNanos = 0;
        long plainTokens = 0;
        long draftTokens = 0;
        long proposed = 0;
        long accepted = 0;
        int finalK = -1;
        Map<String, String> differing = new LinkedHashMap<>();
        for (Path file : files) {
            String id = file.getParent().getFileName() + "/" + file.getFileName().toString().replaceFirst("\\.json$", "");
            if (progress != null) {
                progress.update(done, files.size(), id);
            }
            done++;
            JsonNode schema;
            try {
                schema = JSON.readTree(file.toFile()).get("schema");
            } catch (IOException e) {
                throw new DecoderException("cannot read " + file + ": " + e.getMessage(), e);
            }
            if (schema == null) {
                throw new DecoderException(file + " has no \"schema\" field (not a JSONSchemaBench file)");
            }
            Generator g;
            try {
                g = stencil.schemaUncached(schema, options);
            } catch (SchemaException e) {
                compileFailures.merge("unsupported " + e.keyword(), 1, Integer::sum);
                continue;
            } catch (RuntimeException | StackOverflowError e) {
                // besides SchemaException, malformed schemas surface as the compiler's or the independent
                // validator's own exceptions (networknt rejects e.g. an invalid $id); the benchmark counts
                // every schema that cannot be set up as a compile failure, by exception type
                Throwable reason = e instanceof DecoderException && e.getCause() != null ? e.getCause() : e;
                compileFailures.merge(reason.getClass().getSimpleName(), 1, Integer::sum);
                continue;
            }
            if (Stencil.derivesNothing(g.grammar())) {
                // e.g. a oneOf whose branches all hold once every required property is present: no
                // output could be valid, so the schema is counted with those that cannot be set up
                compileFailures.merge("no instance (unsatisfiable schema)", 1, Integer::sum);
                continue;
            }
            generated++;
            List<String> keys = new ArrayList<>();
            schema.path("properties").fieldNames().forEachRemaining(keys::add);
            GenerationResult r;
            try {
                r = g.prompt(stencil.promptForKeys(keys)).maxTokens(maxTokens).forceTokens(forceTokens).generate();
            } catch (StencilException e) {
                errors.put(id, e.getMessage());
                continue;
            }
            if (draft != null) {
                try {
                    String prompt = stencil.promptForKeys(keys);
                    // timed pair in alternating order: of two back-to-back identical generations the
                    // first is measurably slower (about 8% here), which one order would charge to one side
                    GenerationResult d = null;
                    GenerationResult again = null;
                    for (int turn = 0; turn < 2; turn++) {
                        if ((turn == 0) == (compared % 2 == 0)) {
                            d = g.prompt(prompt).maxTokens(maxTokens).forceTokens(forceTokens).draft(draft)
                                    .draftSchedule(draftK > 0 ? DraftSchedule.fixed(draftK) : null).generate();
                        } else {
                            again = g.prompt(prompt).maxTokens(maxTokens).forceTokens(forceTokens).draft(null)
                                    .draftSchedule(null).generate();
                        }
                    }
                    compared++;
                    if (java.util.Arrays.equals(d.tokens(), r.tokens())) {
                        identical++;
                    } else {
                        differing.put(id, d.text());
                    }
                    draftNanos += d.timings().totalNanos();
                    draftTokens += d.generatedTokens();
                    plainNanos += again.timings().totalNanos();
                    plainTokens += again.generatedTokens();
                    proposed += d.speculation().proposed();
                    accepted += d.speculation().accepted();
                    finalK = d.speculation().finalK();
                } catch (StencilException e) {
                    errors.put(id + " (with draft)", e.getMessage());
                }
            }
            tokens += r.generatedTokens();
            forced += r.timings().forcedTokens();
            if (r.truncated()) {
                truncated++;
                String text = r.text();
                truncatedIds.put(id, "..." + text.substring(Math.max(0, text.length() - 120)));
            } else if (r.valid()) {
                valid++;
                // re-check what is handed out with a validator built afresh, independent of the generator's
                if (!InstanceValidator.of(schema).validate(r.json()).isEmpty()) {
                    invalidReturned++;
                }
            } else {
                invalid++;
                invalidIds.put(id, r.validationErrors().isEmpty() ? "?" : r.validationErrors().get(0));
            }
        }
        if (progress != null) {
            progress.update(done, files.size(), "");
        }
        return new Result(files.size(), compileFailures, generated, valid, truncated, invalid, invalidReturned, errors,
                invalidIds, (System.nanoTime() - t0) / 1e9, tokens, forced, truncatedIds,
                draft == null ? null : speculativeFigures(identical, compared, differing, plainTokens, plainNanos, draftTokens,
                        draftNanos, proposed, accepted, finalK));
    }

    private static Map<String, Object> speculativeFigures(int identical, int compared, Map<String, String> differing,
            long plainTokens, long plainNanos, long draftTokens, long draftNanos, long proposed, long accepted, int finalK) {
        Map<String, Object> f = new LinkedHashMap<>();
        double plain = plainNanos == 0 ? 0 : plainTokens * 1e9 / plainNanos;
        double drafted = draftNanos == 0 ? 0 : draftTokens * 1e9 / draftNanos;
        f.put("draft_identical", identical + "/" + compared);
        f.put("without_draft_tok_s", Math.round(plain * 10) / 10.0);
        f.put("with_draft_tok_s", Math.round(drafted * 10) / 10.0);
        f.put("draft_speedup", plain == 0 ? 0 : Math.round(1000 * drafted / plain) / 1000.0);
        f.put("draft_acceptance", proposed == 0 ? 0 : Math.round(1000.0 * accepted / proposed) / 1000.0);
        f.put("draft_proposed", proposed);
        f.put("draft_final_k", finalK);
        if (!differing.isEmpty()) {
            f.put("draft_differing_ids", differing);
        }
        return f;
    }
}
