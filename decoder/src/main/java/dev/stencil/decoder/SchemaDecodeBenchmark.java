package dev.stencil.decoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stencil.automata.StencilException;
import dev.stencil.schemas.InstanceValidator;
import dev.stencil.schemas.SchemaOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * End-to-end decoding speed on real schemas, set up like the peer harness in {@code
 * shared/peers/e2e} so that the two can be read side by side: the first N schema files of a
 * folder (sorted by name), each compiled once (not timed), the model's training prompt from the
 * schema's top-level property names, greedy constrained generation, then an unconstrained replay
 * of the same tokens through the same model (same forward passes, no mask). The two runs of a
 * schema alternate which goes first. After {@code warmup} untimed passes over all schemas,
 * {@code repeats} timed passes; tokens/s = generated tokens / median of the summed wall times.
 * Generated tokens count the stop token, as the peer's do (one forward pass each), and
 * {@code maxTokens} caps them including it.
 */
public final class SchemaDecodeBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Progress callback. */
    public interface Progress {
        void update(String phase, int done, int total);
    }

    private SchemaDecodeBenchmark() {
    }

    /** One compiled schema with its prompt. */
    private record Case(String id, JsonNode schema, Generator generator, String prompt) {
    }

    public static Map<String, Object> run(Stencil stencil, Path schemaDir, int limit, int maxTokens, int warmup, int repeats,
            boolean forceTokens, Progress progress) {
        if (limit < 1 || maxTokens < 2 || repeats < 1 || warmup < 0) {
            throw new DecoderException("need --limit >= 1, --max-tokens >= 2, --repeats >= 1, --warmup >= 0");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(schemaDir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().limit(limit).toList();
        } catch (IOException e) {
            throw new DecoderException("cannot list " + schemaDir + ": " + e.getMessage(), e);
        }
        List<Case> cases = new ArrayList<>();
        Map<String, String> skipped = new LinkedHashMap<>();
        for (Path f : files) {
            String id = f.getFileName().toString().replaceFirst("\\.json$", "");
            try {
                JsonNode schema = JSON.readTree(f.toFile()).get("schema");
                if (schema == null) {
                    throw new DecoderException("no \"schema\" field");
                }
                List<String> keys = new ArrayList<>();
                schema.path("properties").fieldNames().forEachRemaining(keys::add);
                Generator g = stencil.schemaUncached(schema, SchemaOptions.forGeneration());
                cases.add(new Case(id, schema, g, stencil.promptForKeys(keys)));
            } catch (IOException | RuntimeException e) {
                skipped.put(id, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        if (cases.isEmpty()) {
            throw new DecoderException("no schema in " + schemaDir + " compiled");
        }
        int n = cases.size();
        long[][] conNanos = new long[repeats][n];
        long[][] unconNanos = new long[repeats][n];
        int[] tokensOf = new int[n];
        GenerationResult[] outputs = new GenerationResult[n];
        int forced = 0;
        boolean deterministic = true;
        for (int pass = 0; pass < warmup + repeats; pass++) {
            boolean timed = pass >= warmup;
            for (int i = 0; i < n; i++) {
                Case c = cases.get(i);
                GenerationResult con;
                GenerationResult uncon;
                // alternate which run goes first, so cache and load effects fall on both alike
                if ((i + pass) % 2 == 0) {
                    con = constrained(c, maxTokens, forceTokens);
                    uncon = replay(stencil, c, con, maxTokens);
                } else {
                    GenerationResult expected = outputs[i] != null ? outputs[i] : constrained(c, maxTokens, forceTokens);
                    uncon = replay(stencil, c, expected, maxTokens);
                    con = constrained(c, maxTokens, forceTokens);
                }
                if (outputs[i] == null) {
                    outputs[i] = con;
                    tokensOf[i] = con.generatedTokens() + (con.finishReason() == FinishReason.STOP ? 1 : 0);
                    forced += con.timings().forcedTokens();
                } else if (!Arrays.equals(outputs[i].tokens(), con.tokens())) {
                    deterministic = false;
                }
                if (timed) {
                    conNanos[pass - warmup][i] = con.timings().totalNanos();
                    unconNanos[pass - warmup][i] = uncon.timings().totalNanos();
                }
                if (progress != null) {
                    progress.update(timed ? "timed pass " + (pass - warmup + 1) : "warm-up pass " + (pass + 1),
                            i + 1, n);
                }
            }
        }
        long tokens = Arrays.stream(tokensOf).asLongStream().sum();
        double con = tokens * 1e9 / medianOfSums(conNanos);
        double uncon = tokens * 1e9 / medianOfSums(unconNanos);
        int valid = 0;
        int truncated = 0;
        int invalidReturned = 0;
        int invalidNotReturned = 0;
        for (int i = 0; i < n; i++) {
            GenerationResult r = outputs[i];
            if (r.truncated()) {
                truncated++;
            } else if (r.valid()) {
                valid++;
                if (!InstanceValidator.of(cases.get(i).schema()).validate(r.json()).isEmpty()) {
                    invalidReturned++;
                }
            } else {
                invalidNotReturned++;
            }
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("engine", "stencil");
        f.put("model", stencil.name());
        f.put("schemas", files.size());
        f.put("compiled", n);
        f.put("generated_tokens", tokens);
        f.put("constrained_tok_s", Math.round(con * 10) / 10.0);
        f.put("unconstrained_tok_s", Math.round(uncon * 10) / 10.0);
        f.put("ratio", Math.round(1000 * con / uncon) / 1000.0);
        f.put("valid", valid);
        f.put("invalid_returned", invalidReturned);
        f.put("invalid_not_returned", invalidNotReturned);
        f.put("truncated", truncated);
        f.put("forced_tokens", forced);
        f.put("deterministic", deterministic);
        f.put("max_tokens", maxTokens);
        f.put("warmup", warmup);
        f.put("repeats", repeats);
        if (!skipped.isEmpty()) {
            f.put("skipped", skipped);
        }
        return f;
    }

    private static GenerationResult constrained(Case c, int maxTokens, boolean forceTokens) {
        try {
            // maxTokens counts the stop token, as the peer's cap does
            return c.generator().prompt(c.prompt()).maxTokens(maxTokens - 1).forceTokens(forceTokens).generate();
        } catch (StencilException e) {
            throw new DecoderException("schema " + c.id() + ": " + e.getMessage(), e);
        }
    }

    private static GenerationResult replay(Stencil stencil, Case c, GenerationResult con, int maxTokens) {
        int[] t = con.tokens();
        if (con.finishReason() == FinishReason.STOP) {
            t = Arrays.copyOf(t, t.length + 1);
            t[t.length - 1] = stencil.eosTokenId();
        }
        return stencil.unconstrained().prompt(c.prompt()).maxTokens(maxTokens).replay(t).generate();
    }

    private static double medianOfSums(long[][] nanos) {
        double[] sums = new double[nanos.length];
        for (int r = 0; r < nanos.length; r++) {
            sums[r] = Arrays.stream(nanos[r]).sum();
        }
        Arrays.sort(sums);
        int m = sums.length;
        return m % 2 == 1 ? sums[m / 2] : (sums[m / 2 - 1] + sums[m / 2]) / 2;
    }
}
