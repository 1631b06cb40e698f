package dev.stencil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stencil.automata.json.Whitespace;
import dev.stencil.decoder.Stencil;
import dev.stencil.schemas.JsonSchemaBenchReport;
import dev.stencil.schemas.PropertyOrder;
import dev.stencil.schemas.SchemaCompiler;
import dev.stencil.schemas.SchemaOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Side-by-side comparisons with peer engines, on the same machine, inputs and settings, in one run. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare Stencil with a peer engine on the same inputs, in one run.",
        subcommands = {CompareCommand.JsonSchemaBench.class})
public final class CompareCommand implements Runnable {
    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "name a comparison (see --help)");
    }

    @Command(name = "jsonschemabench", mixinStandardHelpOptions = true,
            description = "Stencil and XGrammar's WebAssembly build (scripts/xgrammar-peer.sh) on the first N schemas of "
                    + "each JSONSchemaBench subset: both compile every schema (compact whitespace, extra properties "
                    + "allowed, as XGrammar's strict_mode=false), then both are timed on the schemas both compiled "
                    + "(compile, every mask) and their acceptance of valid and invalid instances is counted there.")
    static final class JsonSchemaBench implements Runnable {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Parameters(index = "0", description = "The JSONSchemaBench folder (one sub-folder per subset).")
        Path dir;

        @Option(names = "--tokenizer", required = true, description = "Hugging Face tokenizer.json.")
        Path tokenizer;

        @Option(names = "--subsets", split = ",", defaultValue = "Glaiveai2K,Github_easy",
                description = "Subsets (comma-separated). Default: ${DEFAULT-VALUE}.")
        List<String> subsets;

        @Option(names = "--limit", defaultValue = "100", description = "Schema files per subset (first by name). Default: ${DEFAULT-VALUE}.")
        int limit;

        @Option(names = "--repeats", defaultValue = "3", description = "Timed passes of each engine (per-step median). Default: ${DEFAULT-VALUE}.")
        int repeats;

        @Option(names = "--precompute", defaultValue = "" + Stencil.PRECOMPUTE_LEXER_STATES, description = "Lexer states "
                + "Stencil's API classifies when it compiles a schema (Stencil.load(...).json(schema)); timed as part of "
                + "compiling in the 'stencil' rows. The 'stencil-lazy' rows compile without it (time to first mask, as "
                + "the compliance report). Default: ${DEFAULT-VALUE}, the API's.")
        int precompute;

        @Option(names = "--precompute-ms", defaultValue = "" + Stencil.PRECOMPUTE_MILLIS, description = "Time budget of "
                + "--precompute per schema, in ms (0: none). Default: ${DEFAULT-VALUE}, the API's.")
        long precomputeMillis;

        @Option(names = "--json", description = "Print only the JSON summary on stdout.")
        boolean json;

        @Override
        public void run() {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("not a folder: " + dir);
            }
            if (repeats < 1 || limit < 1 || precompute < 0 || precomputeMillis < 0) {
                throw new IllegalArgumentException("need --repeats >= 1, --limit >= 1, --precompute >= 0 and "
                        + "--precompute-ms >= 0");
            }
            Tokenizers.Loaded tok = Tokenizers.load(tokenizer);
            SchemaOptions options = SchemaOptions.defaults().withWhitespace(Whitespace.compact())
                    .withPropertyOrder(PropertyOrder.SCHEMA).withFormatAssertion(true).withLenient(false);
            Path work = Peers.repo().resolve("target/compare/jsonschemabench");
            Map<String, Object> rows = new LinkedHashMap<>();
            for (String subset : subsets) {
                List<Path> files = firstFiles(dir.resolve(subset), limit);
                // 1. which schemas each engine compiles
                Set<String> ours = compiledByStencil(tok, options, dir, subset, files);
                Set<String> theirs = compiledByXGrammar(tokenizer, dir.resolve(subset), files.size(), 1);
                Set<String> both = new TreeSet<>(ours);
                both.retainAll(theirs);
                // 2. both timed on the common schemas only
                Path common = copyInto(work.resolve(subset), dir.resolve(subset), both);
                JsonSchemaBenchReport.Tally r = stencilPasses(tok, options, work, subset, precompute, precomputeMillis,
                        repeats);
                JsonSchemaBenchReport.Tally lazy = stencilPasses(tok, options, work, subset, 0, 0, repeats);
                JsonNode x = xgrammar(tokenizer, common, both.size(), repeats);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("schemas", files.size());
                row.put("stencil_compiled", ours.size());
                row.put("xgrammar_compiled", theirs.size());
                row.put("both_compiled", both.size());
                row.put("stencil", stencilFigures(r));
                row.put("stencil-lazy", stencilFigures(lazy));
                row.put("xgrammar", xgrammarFigures(x));
                rows.put(subset, row);
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("tokenizer", tok.name());
            f.put("settings", "first " + limit + " schemas per subset; whitespace compact; extra properties allowed "
                    + "(XGrammar strict_mode=false); Stencil: schema property order, format asserted, each "
                    + "schema compiled afresh (lexer-state classifications and name/pattern automata shared only with "
                    + "the schemas before it in the pass), 'stencil' compiling as its Java API does (up to "
                    + precompute + " lexer states" + (precomputeMillis > 0 ? " or " + precomputeMillis + " ms" : "")
                    + " of classification at compile time, timed as compiling), 'stencil-lazy' to the first mask only; "
                    + "both engines: median of " + repeats + " timed passes per compile and per mask (XGrammar's cache "
                    + "off; Stencil's shared caches cleared before each pass)");
            f.put("subsets", rows);
            f.put("machine", Machine.describe());
            Path report = Reports.writeMarkdown("compare-jsonschemabench-" + tok.name() + ".md", markdown(f));
            if (!json) {
                System.out.print(markdown(f));
                System.out.println("report: " + report);
            }
            System.out.println(Reports.json(f));
        }

        /**
         * Stencil timed over a subset's common schemas as XGrammar is: {@code repeats} passes, each
         * compile and mask timed as its median over them. Each pass starts from nothing (shared
         * lexer-state classifications and shared name/pattern automata cleared; only the JIT and
         * the automata of the known formats, which depend on no schema, stay warm): classifications
         * are shared only between the schemas of one pass, in order, as in a server.
         */
        private static JsonSchemaBenchReport.Tally stencilPasses(Tokenizers.Loaded tok, SchemaOptions options, Path work,
                String subset, int precompute, long precomputeMillis, int repeats) {
            List<JsonSchemaBenchReport.Tally> passes = new ArrayList<>();
            for (int r = 0; r < repeats; r++) {
                tok.index().clearSharedClasses();
                SchemaCompiler.clearSharedAutomata();
                try (Reports.Bar bar = new Reports.Bar()) {
                    passes.add(new JsonSchemaBenchReport(tok.index(), tok.tokenizer()::encode, options, 10_000)
                            .withPrecompute(precompute, precomputeMillis)
                            .run(work, List.of(subset), Integer.MAX_VALUE, bar).total);
                }
            }
            return JsonSchemaBenchReport.Tally.medianPerStep(passes);
        }

        private static List<Path> firstFiles(Path subsetDir, int limit) {
            try (Stream<Path> s = Files.list(subsetDir)) {
                return s.filter(p -> p.toString().endsWith(".json")).sorted().limit(limit).toList();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + subsetDir, e);
            }
        }

        private static Set<String> compiledByStencil(Tokenizers.Loaded tok, SchemaOptions options, Path root,
                String subset, List<Path> files) {
            JsonSchemaBenchReport.Result r;
            try (Reports.Bar bar = new Reports.Bar()) {
                r = new JsonSchemaBenchReport(tok.index(), tok.tokenizer()::encode, options, 10_000)
                        .run(root, List.of(subset), files.size(), bar);
            }
            Set<String> failed = r.failures.stream().map(f -> f.schema().substring(f.schema().indexOf('/') + 1))
                    .collect(Collectors.toSet());
            Set<String> out = new TreeSet<>();
            for (Path p : files) {
                String name = p.getFileName().toString().replaceFirst("\\.json$", "");
                if (!failed.contains(name)) {
                    out.add(name);
                }
            }
            return out;
        }

        private static Set<String> compiledByXGrammar(Path tokenizer, Path subsetDir, int limit, int repeats) {
            JsonNode x = xgrammar(tokenizer, subsetDir, limit, repeats);
            Set<String> failed = new TreeSet<>();
            x.path("failures").forEach(f -> failed.add(f.path("schema").asText().replaceFirst("\\.json$", "")));
            Set<String> out = new TreeSet<>();
            for (Path p : firstFiles(subsetDir, limit)) {
                String name = p.getFileName().toString().replaceFirst("\\.json$", "");
                if (!failed.contains(name)) {
                    out.add(name);
                }
            }
            return out;
        }

        private static JsonNode xgrammar(Path tokenizer, Path schemaDir, int limit, int repeats) {
            String line = Peers.run(List.of("--tokenizer", tokenizer.toAbsolutePath().toString(),
                    "--schema-dir", schemaDir.toAbsolutePath().toString(), "--limit", Integer.toString(Math.max(1, limit)),
                    "--whitespace", "compact", "--repeats", Integer.toString(repeats), "--json", "--quiet"));
            try {
                return JSON.readTree(line);
            } catch (IOException e) {
                throw new UncheckedIOException("XGrammar harness printed no JSON summary: " + line, e);
            }
        }

        private static Path copyInto(Path target, Path from, Set<String> names) {
            try {
                if (Files.isDirectory(target)) {
                    try (Stream<Path> s = Files.list(target)) {
                        for (Path p : s.toList()) {
                            Files.delete(p);
                        }
                    }
                }
                Files.createDirectories(target);
                for (String n : names) {
                    Files.copy(from.resolve(n + ".json"), target.resolve(n + ".json"));
                }
                return target;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare " + target, e);
            }
        }

        private static Map<String, Object> stencilFigures(JsonSchemaBenchReport.Tally r) {
            Map<String, Object> all = r.figures();
            Map<String, Object> f = new LinkedHashMap<>();
            for (String k : List.of("compile_ms_p50", "compile_ms_p99", "compile_ms_max", "mask_us_p50", "mask_us_p99",
                    "valid_accepted", "valid_total", "invalid_rejected", "invalid_total", "invalid_admitted")) {
                f.put(k, all.get(k));
            }
            return f;
        }

        private static Map<String, Object> xgrammarFigures(JsonNode x) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("compile_ms_p50", x.path("compile_ms").path("p50").asDouble());
            f.put("compile_ms_p99", x.path("compile_ms").path("p99").asDouble());
            f.put("compile_ms_max", x.path("compile_ms").path("max").asDouble());
            f.put("mask_us_p50", x.path("mask_us").path("p50").asDouble());
            f.put("mask_us_p99", x.path("mask_us").path("p99").asDouble());
            f.put("valid_accepted", x.path("valid_accepted").asInt());
            f.put("valid_total", x.path("valid_total").asInt());
            f.put("invalid_rejected", x.path("invalid_rejected").asInt());
            f.put("invalid_total", x.path("invalid_total").asInt());
            f.put("invalid_admitted", x.path("invalid_total").asInt() - x.path("invalid_rejected").asInt());
            f.put("engine", "xgrammar " + x.path("xgrammar_version").asText() + " (WebAssembly)");
            return f;
        }

        @SuppressWarnings("unchecked")
        private static String markdown(Map<String, Object> f) {
            StringBuilder sb = new StringBuilder("# Stencil vs XGrammar on JSONSchemaBench (" + f.get("tokenizer") + ")\n\n");
            sb.append(f.get("settings")).append("; ").append(f.get("machine")).append("\n\n");
            sb.append("| subset | engine | compiled | compile ms p50 / p99 / max | mask µs p50 / p99 | valid accepted | invalid admitted |\n");
            sb.append("| --- | --- | --- | --- | --- | --- | --- |\n");
            ((Map<String, Object>) f.get("subsets")).forEach((subset, o) -> {
                Map<String, Object> row = (Map<String, Object>) o;
                for (String engine : List.of("stencil", "stencil-lazy", "xgrammar")) {
                    Map<String, Object> e = (Map<String, Object>) row.get(engine);
                    String compiled = engine.startsWith("stencil") ? "stencil_compiled" : engine + "_compiled";
                    sb.append("| ").append(subset).append(" | ").append(engine).append(" | ")
                            .append(row.get(compiled)).append(" / ").append(row.get("schemas"))
                            .append(" (both: ").append(row.get("both_compiled")).append(") | ")
                            .append(e.get("compile_ms_p50")).append(" / ").append(e.get("compile_ms_p99")).append(" / ")
                            .append(e.get("compile_ms_max")).append(" | ").append(e.get("mask_us_p50")).append(" / ")
                            .append(e.get("mask_us_p99")).append(" | ").append(e.get("valid_accepted")).append(" / ")
                            .append(e.get("valid_total")).append(" | ").append(e.get("invalid_admitted")).append(" / ")
                            .append(e.get("invalid_total")).append(" |\n");
                }
            });
            return sb.append("\nTimings and acceptance on the schemas both engines compiled.\n").toString();
        }
    }
}
