package dev.stencil.schemas;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.Matcher;
import dev.stencil.automata.bench.Percentiles;
import dev.stencil.automata.bench.Progress;
import dev.stencil.automata.mask.VocabularyIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The JSONSchemaBench coverage report: every schema file of every subset folder is compiled (schema
 * to grammar to token-level matcher, timed, on a worker thread with a cap), then each valid instance
 * must be accepted and each invalid one blocked, fed token by token as MaskBench does (compact
 * separators; a document of n tokens is n + 1 steps, the last one the stop token), and every mask computed on the way is timed with {@link Matcher#fillNextTokenMask}.
 * As in MaskBench, a schema's compile time runs until its first mask is out (its "time to first
 * mask"), and the mask figures are the masks after it (its "time between masks").
 *
 * <p>Instance counts ({@code valid_total}, {@code invalid_total}) cover compiled schemas only, so
 * that the rejection rates are those of schemas the engine accepted; compile times cover every
 * schema tried, a timed-out one counting as the cap.
 */
public final class JsonSchemaBenchReport {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    /** Counts and timings of one subset (or of all). */
    public static final class Tally {
        int schemas;
        int compiled;
        int validAccepted;
        int validReordered;
        int validTotal;
        int invalidRejected;
        int invalidTotal;
        int invalidAdmitted;
        int maskAcceptDisagreements;
        private double[] compileMs = new double[64];
        private int compileCount;
        private double[] maskUs = new double[1024];
        private int maskCount;

        void compileTime(double ms) {
            if (compileCount == compileMs.length) {
                compileMs = Arrays.copyOf(compileMs, compileCount * 2);
            }
            compileMs[compileCount++] = ms;
        }

        void maskTime(double us) {
            if (maskCount == maskUs.length) {
                maskUs = Arrays.copyOf(maskUs, maskCount * 2);
            }
            maskUs[maskCount++] = us;
        }

        void add(Tally o) {
            schemas += o.schemas;
            compiled += o.compiled;
            validAccepted += o.validAccepted;
            validReordered += o.validReordered;
            validTotal += o.validTotal;
            invalidRejected += o.invalidRejected;
            invalidTotal += o.invalidTotal;
            invalidAdmitted += o.invalidAdmitted;
            maskAcceptDisagreements += o.maskAcceptDisagreements;
            for (int i = 0; i < o.compileCount; i++) {
                compileTime(o.compileMs[i]);
            }
            for (int i = 0; i < o.maskCount; i++) {
                maskTime(o.maskUs[i]);
            }
        }

        /** The summary fields, in the issue's order. */
        public Map<String, Object> figures() {
            Percentiles c = new Percentiles(Arrays.copyOf(compileMs, compileCount));
            Percentiles m = new Percentiles(Arrays.copyOf(maskUs, maskCount));
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("schemas", schemas);
            f.put("compiled", compiled);
            f.put("compile_ms_p50", round(c.p(50)));
            f.put("compile_ms_p99", round(c.p(99)));
            f.put("compile_ms_max", round(c.max()));
            f.put("valid_accepted", validAccepted);
            f.put("valid_reordered", validReordered);
            f.put("valid_total", validTotal);
            f.put("invalid_rejected", invalidRejected);
            f.put("invalid_total", invalidTotal);
            f.put("invalid_admitted", invalidAdmitted);
            f.put("mask_us_p50", round(m.p(50)));
            f.put("mask_us_p99", round(m.p(99)));
            f.put("mask_us_mean", round(m.mean()));
            return f;
        }

        /**
         * The tally of repeated passes over the same schemas and instances: counts of the first
         * pass (they must agree), each compile and each mask timed as its median over the passes,
         * as MaskBench and the XGrammar harness time repeated passes.
         */
        public static Tally medianPerStep(List<Tally> passes) {
            if (passes.isEmpty()) {
                throw new IllegalArgumentException("no passes to combine");
            }
            Tally first = passes.get(0);
            Tally m = new Tally();
            m.add(first);
            double[] v = new double[passes.size()];
            for (Tally t : passes) {
                if (t.compileCount != first.compileCount || t.maskCount != first.maskCount
                        || t.validAccepted != first.validAccepted || t.invalidAdmitted != first.invalidAdmitted) {
                    throw new IllegalStateException("repeated passes disagree: " + t.figures() + " vs " + first.figures());
                }
            }
            for (int i = 0; i < first.compileCount; i++) {
                for (int r = 0; r < v.length; r++) {
                    v[r] = passes.get(r).compileMs[i];
                }
                m.compileMs[i] = Percentiles.median(v);
            }
            for (int i = 0; i < first.maskCount; i++) {
                for (int r = 0; r < v.length; r++) {
                    v[r] = passes.get(r).maskUs[i];
                }
                m.maskUs[i] = Percentiles.median(v);
            }
            return m;
        }

        public int masks() {
            return maskCount;
        }

        public int maskAcceptDisagreements() {
            return maskAcceptDisagreements;
        }
    }

    /** One compile failure. */
    public record Failure(String schema, String keyword, String message) {
    }

    /**
     * One valid instance the matcher blocked, with the blocked token's position, the text before it
     * and why (the independent validator's objection, or "unexplained").
     */
    public record Rejection(String schema, int instance, int tokenIndex, String before, String blocked, String cause) {
    }

    /** The compile time of one schema (capped), for the slowest-schemas listing. */
    public record CompileTime(String schema, double millis, boolean compiled) {
    }

    /** The whole report. */
    public static final class Result {
        public final Map<String, Tally> subsets = new TreeMap<>();
        public final Tally total = new Tally();
        public final List<Failure> failures = new ArrayList<>();
        public final List<Rejection> validRejected = new ArrayList<>();
        public final List<CompileTime> compileTimes = new ArrayList<>();
        /** Schemas whose invalid instances were admitted: must stay empty. */
        public final List<String> invalidAdmitted = new ArrayList<>();

        /** Compile-failure counts by keyword, most frequent first. */
        public List<Map.Entry<String, Integer>> failureReasons() {
            Map<String, Integer> n = new HashMap<>();
            for (Failure f : failures) {
                n.merge(f.keyword(), 1, Integer::sum);
            }
            List<Map.Entry<String, Integer>> l = new ArrayList<>(n.entrySet());
            l.sort((a, b) -> b.getValue() != a.getValue().intValue() ? b.getValue() - a.getValue()
                    : a.getKey().compareTo(b.getKey()));
            return l;
        }

        /** The {@code n} slowest compilations, slowest first. */
        public List<CompileTime> slowest(int n) {
            return compileTimes.stream().sorted((a, b) -> Double.compare(b.millis(), a.millis())).limit(n).toList();
        }

        /** Rejection counts by cause class (the cause up to its first colon), most frequent first. */
        public List<Map.Entry<String, Integer>> rejectionCauses() {
            Map<String, Integer> n = new HashMap<>();
            for (Rejection r : validRejected) {
                int c = r.cause().indexOf(':');
                n.merge(c < 0 ? r.cause() : r.cause().substring(0, c), 1, Integer::sum);
            }
            List<Map.Entry<String, Integer>> l = new ArrayList<>(n.entrySet());
            l.sort((a, b) -> b.getValue() != a.getValue().intValue() ? b.getValue() - a.getValue()
                    : a.getKey().compareTo(b.getKey()));
            return l;
        }

        /**
         * A Markdown report: the per-subset table, the top compile-failure reasons, the slowest
         * compilations, and every valid instance rejected with its cause.
         */
        public String markdown(String title, int topReasons) {
            StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n");
            sb.append("`valid_accepted` counts valid instances accepted as given or, when compiled in schema property ")
                    .append("order, with their object members in an order the grammar derives (the same JSON value); ")
                    .append("`valid_reordered` is how many of them needed that. As in MaskBench, compile times run until ")
                    .append("the first mask is out (time to first mask) and mask times are those of the masks after it.\n\n");
            List<String> cols = new ArrayList<>(total.figures().keySet());
            sb.append("| subset | ").append(String.join(" | ", cols)).append(" |\n| --- |");
            sb.append(" ---: |".repeat(cols.size())).append('\n');
            subsets.forEach((name, t) -> row(sb, name, t.figures(), cols));
            row(sb, "**total**", total.figures(), cols);
            sb.append("\n## Top compile-failure reasons\n\n| keyword | schemas | example |\n| --- | ---: | --- |\n");
            List<Map.Entry<String, Integer>> reasons = failureReasons();
            for (int i = 0; i < Math.min(topReasons, reasons.size()); i++) {
                String k = reasons.get(i).getKey();
                Failure ex = failures.stream().filter(f -> f.keyword().equals(k)).findFirst().orElseThrow();
                sb.append("| `").append(k).append("` | ").append(reasons.get(i).getValue()).append(" | ")
                        .append(ex.schema()).append(": ").append(cell(ex.message())).append(" |\n");
            }
            sb.append("\n## Slowest compilations\n\n| schema | compile_ms | compiled |\n| --- | ---: | --- |\n");
            for (CompileTime c : slowest(topReasons)) {
                sb.append("| ").append(c.schema()).append(" | ").append(round(c.millis())).append(" | ")
                        .append(c.compiled() ? "yes" : "no").append(" |\n");
            }
            sb.append("\n## Valid instances rejected (").append(validRejected.size()).append(")\n\n");
            if (!validRejected.isEmpty()) {
                sb.append("| cause | instances |\n| --- | ---: |\n");
                rejectionCauses().forEach(e -> sb.append("| ").append(cell(e.getKey())).append(" | ")
                        .append(e.getValue()).append(" |\n"));
                sb.append('\n');
            }
            for (Rejection r : validRejected) {
                sb.append("- ").append(r.schema()).append(" #").append(r.instance()).append(": token ")
                        .append(r.tokenIndex()).append(' ').append(cell(r.blocked())).append(" blocked after `")
                        .append(cell(tail(r.before(), 80))).append("`; cause: ").append(cell(r.cause())).append('\n');
            }
            if (!invalidAdmitted.isEmpty()) {
                sb.append("\n## Invalid instances admitted\n\n");
                invalidAdmitted.forEach(s -> sb.append("- ").append(cell(s)).append('\n'));
            }
            return sb.toString();
        }

        private static void row(StringBuilder sb, String name, Map<String, Object> f, List<String> cols) {
            sb.append("| ").append(name);
            for (String c : cols) {
                sb.append(" | ").append(f.get(c));
            }
            sb.append(" |\n");
        }
    }

    private final VocabularyIndex vocabulary;
    private final Function<String, int[]> tokenize;
    private final SchemaOptions options;
    private final long capMillis;
    private int precomputeStates;
    private long precomputeMillis;

    /**
     * @param tokenize the real tokenizer's encoding of a text
     * @param options compile options (strict mode: not lenient)
     * @param capMillis wall-clock cap on compiling one schema; longer counts as a failure
     */
    public JsonSchemaBenchReport(VocabularyIndex vocabulary, Function<String, int[]> tokenize, SchemaOptions options,
            long capMillis) {
        this.vocabulary = vocabulary;
        this.tokenize = tokenize;
        this.options = options;
        this.capMillis = capMillis;
    }

    /**
     * Classify up to {@code lexerStates} lexer states, within about {@code budgetMillis} (0: no
     * limit), as part of compiling each schema, as the Java API does
     * ({@code CompiledGrammar.precompute}); 0 states (the default) compiles lazily, MaskBench's
     * way, so that compile time is the time to the first mask.
     */
    public JsonSchemaBenchReport withPrecompute(int lexerStates, long budgetMillis) {
        if (lexerStates < 0 || budgetMillis < 0) {
            throw new IllegalArgumentException("precompute needs states >= 0 and a budget >= 0 ms: " + lexerStates
                    + ", " + budgetMillis);
        }
        this.precomputeStates = lexerStates;
        this.precomputeMillis = budgetMillis;
        return this;
    }

    /**
     * Runs every subset folder under {@code root} (or only those named in {@code only}, when non-empty),
     * at most {@code limit} schema files per subset.
     */
    public Result run(Path root, List<String> only, int limit, Progress progress) {
        List<Path> subsetDirs;
        try (Stream<Path> s = Files.list(root)) {
            subsetDirs = s.filter(Files::isDirectory)
                    .filter(p -> only.isEmpty() || only.contains(p.getFileName().toString())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Path> files = new ArrayList<>();
        for (Path d : subsetDirs) {
            try (Stream<Path> s = Files.list(d)) {
                files.addAll(s.filter(p -> p.toString().endsWith(".json")).sorted().limit(limit).toList());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Result result = new Result();
        SchemaCompiler compiler = new SchemaCompiler(options);
        int eos = vocabulary.eosTokenId();
        long[] mask = new long[vocabulary.maskWords()];
        try (CompileGuard guard = new CompileGuard(capMillis)) {
            for (int i = 0; i < files.size(); i++) {
                Path f = files.get(i);
                String subset = f.getParent().getFileName().toString();
                String id = subset + "/" + f.getFileName().toString().replaceFirst("\\.json$", "");
                Tally t = result.subsets.computeIfAbsent(subset, k -> new Tally());
                runFile(f, id, t, result, compiler, guard, eos, mask);
                if (progress != null) {
                    progress.update("jsonschemabench", i + 1, files.size());
                }
            }
        }
        result.subsets.values().forEach(result.total::add);
        return result;
    }

    private void runFile(Path f, String id, Tally t, Result result, SchemaCompiler compiler, CompileGuard guard,
            int eos, long[] mask) {
        JsonNode file;
        try {
            file = JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
        t.schemas++;
        JsonNode schema = file.get("schema");
        int precompute = precomputeStates;
        long precomputeBudget = precomputeMillis;
        CompileGuard.Outcome<CompiledGrammar> o = guard.run(() -> {
            CompiledGrammar g = CompiledGrammar.compile(compiler.compile(schema).grammar(), vocabulary);
            if (precompute > 0) {
                g.precompute(precompute, precomputeBudget);
            }
            return g;
        });
        double compileMs = Math.min(o.millis(), capMillis);
        if (o.ok()) {
            // MaskBench's time to first mask (TTFM): compiling ends when the first mask is out; that
            // mask is then not counted again among the masks (MaskBench's time between masks)
            long f0 = System.nanoTime();
            o.value().newMatcher().fillNextTokenMask(mask);
            compileMs = Math.min(compileMs + (System.nanoTime() - f0) / 1e6, capMillis);
        }
        t.compileTime(compileMs);
        result.compileTimes.add(new CompileTime(id, compileMs, o.ok()));
        if (!o.ok()) {
            result.failures.add(new Failure(id, o.keyword(), o.reason()));
            return;
        }
        t.compiled++;
        CompiledGrammar g = o.value();
        JsonNode tests = file.path("tests");
        for (int k = 0; k < tests.size(); k++) {
            JsonNode test = tests.get(k);
            boolean valid = test.path("valid").asBoolean();
            // Numbers verbatim, members in instance order, compact separators. Not JSON.stringify:
            // its double rounding turns some labelled-invalid instances into valid texts
            // (9223372036854776001 > maximum becomes 9223372036854776000; draft-4 12345.0 becomes 12345).
            String text = TestSuiteCompliance.compact(test.get("data"), false);
            int[] ids = tokenize.apply(text);
            Matcher m = g.newMatcher();
            GrammarMemberOrder.Outcome order = null;
            int blockedAt = -1;
            for (int i = 0; i <= ids.length; i++) {
                int token = i < ids.length ? ids[i] : eos;
                long t0 = System.nanoTime();
                m.fillNextTokenMask(mask);
                long t1 = System.nanoTime();
                if (k > 0 || i > 0) { // the first instance's first mask is the one TTFM timed
                    t.maskTime((t1 - t0) / 1e3);
                }
                boolean inMask = (mask[token >>> 6] & (1L << token)) != 0;
                boolean accepted = m.accept(token);
                if (inMask != accepted) {
                    t.maskAcceptDisagreements++;
                }
                if (!accepted) {
                    blockedAt = i;
                    break;
                }
            }
            if (valid) {
                t.validTotal++;
                if (blockedAt < 0) {
                    t.validAccepted++;
                } else if ((order = options.propertyOrder() == PropertyOrder.SCHEMA
                        ? GrammarMemberOrder.find(g, test.get("data"), eos) : null) != null
                        && order.text() != null && acceptedAsTokens(g, order.text(), eos)) {
                    t.validAccepted++;
                    t.validReordered++;
                } else {
                    String before = new String(decode(ids, blockedAt), java.nio.charset.StandardCharsets.UTF_8);
                    String blocked = blockedAt < ids.length
                            ? new String(vocabulary.tokenBytes(ids[blockedAt]), java.nio.charset.StandardCharsets.UTF_8)
                            : "<eos>";
                    String cause = cause(schema, test.get("data"));
                    if (order != null && order.text() == null) {
                        cause += order.exhaustive() ? " (in no member order either)"
                                : " (member-order search gave up at its bound)";
                    }
                    result.validRejected.add(new Rejection(id, k, blockedAt, before, blocked, cause));
                }
            } else {
                t.invalidTotal++;
                if (blockedAt >= 0) {
                    t.invalidRejected++;
                } else {
                    t.invalidAdmitted++;
                    result.invalidAdmitted.add(id + " #" + k + ": " + tail(text, 200));
                }
            }
        }
    }

    /**
     * Whether {@code text} (the same value, its members reordered into an order the grammar
     * derives) is accepted token by token: the real tokenizer's tokens, then the stop token.
     */
    private boolean acceptedAsTokens(CompiledGrammar g, String text, int eos) {
        Matcher m = g.newMatcher();
        for (int id : tokenize.apply(text)) {
            if (!m.accept(id)) {
                return false;
            }
        }
        return m.accept(eos);
    }

    /**
     * Why a valid-labelled instance was rejected, as far as an independent validator (networknt)
     * can tell: its objection when it finds the instance invalid too (the label then rests on a
     * more lenient validator), else "unexplained" (a compiler bug to look at).
     */
    static String cause(JsonNode schema, JsonNode data) {
        try {
            List<String> errors = InstanceValidator.of(schema).validate(data);
            return errors.isEmpty() ? "unexplained" : "networknt also rejects: " + String.join("; ", errors);
        } catch (RuntimeException e) {
            return "unexplained (networknt cannot check: " + e.getMessage() + ")";
        }
    }

    private byte[] decode(int[] ids, int n) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            out.writeBytes(vocabulary.tokenBytes(ids[i]));
        }
        return out.toByteArray();
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static String tail(String s, int n) {
        return s.length() <= n ? s : "…" + s.substring(s.length() - n);
    }

    static String cell(String s) {
        String one = s.replace('\n', ' ').replace("|", "\\|").replace("`", "'");
        return one.length() > 160 ? one.substring(0, 160) + "…" : one;
    }
}
