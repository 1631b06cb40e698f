package dev.stencil.cli;

import dev.stencil.automata.bench.JsonDocuments;
import dev.stencil.automata.bench.MaskBenchmark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./stencil bench ...}: performance benchmarks. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = {BenchCommand.Masks.class, BenchDecodeCommand.class, BenchE2eCommand.class, BenchDeviceMaskCommand.class})
final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "masks", mixinStandardHelpOptions = true,
            description = "Time every mask while feeding documents token by token (single thread; each timed run compiles afresh, so runtime caches start cold).")
    static final class Masks implements Runnable {
        @Option(names = "--tokenizer", required = true, description = "Hugging Face tokenizer.json.")
        Path tokenizer;

        @Mixin
        GrammarOptions grammarOptions;

        @Option(names = "--docs", description = "A JSONSchemaBench folder (valid instances of its first --limit files, serialised like JSON.stringify) or a JSONL file. Default: ../shared/corpora/jsonschemabench/Github_easy.")
        Path docs;

        @Option(names = "--limit", defaultValue = "200", description = "Files (or JSONL lines) to take. Default: ${DEFAULT-VALUE}.")
        int limit;

        @Option(names = "--runs", defaultValue = "3", description = "Timed runs; each step's time is the median over them. Default: ${DEFAULT-VALUE}.")
        int runs;

        @Option(names = "--precompute", defaultValue = "10000", description = "Lexer states to classify at compile time. Default: ${DEFAULT-VALUE}.")
        int precompute;

        @Option(names = "--json", description = "Print only the JSON summary on stdout.")
        boolean json;

        @Option(names = "--with-xgrammar", description = "Also run XGrammar's WebAssembly build (scripts/xgrammar-peer.sh, built-in JSON grammar) on the same tokenizer and documents, right after ours, and report both.")
        boolean withXGrammar;

        @Override
        public void run() {
            Path docPath = docs != null ? docs : Tokenizers.shared().resolve("corpora/jsonschemabench/Github_easy");
            List<JsonDocuments.Doc> documents = JsonDocuments.load(docPath, limit);
            Tokenizers.Loaded tok = Tokenizers.load(tokenizer);
            MaskBenchmark.Result r;
            try (Reports.Bar bar = new Reports.Bar()) {
                r = MaskBenchmark.run(tok.name(), tok.tokenizer(), tok.index(), grammarOptions.build(), documents,
                        new MaskBenchmark.Options(runs, precompute), bar);
            }
            Map<String, Object> f = new java.util.LinkedHashMap<>(r.figures());
            f.put("machine", Machine.describe());
            if (withXGrammar) {
                f.put("xgrammar", xgrammar(docPath));
            }
            Path md = Reports.writeMarkdown("bench-masks-" + tok.name().replaceAll("[^A-Za-z0-9._-]", "_") + ".md",
                    Reports.table("Mask benchmark", f));
            if (!json) {
                f.forEach((k, v) -> System.out.printf("%-28s %s%n", k, v));
                System.out.println("report: " + md);
            }
            System.out.println(Reports.json(f));
        }

        /** XGrammar's figures on the same inputs; its built-in grammar allows any [ \\t\\n] runs between tokens. */
        private Map<String, Object> xgrammar(Path docPath) {
            String line = Peers.run(List.of("--tokenizer", tokenizer.toAbsolutePath().toString(), "--builtin-json",
                    "--docs", docPath.toAbsolutePath().toString(), "--limit", Integer.toString(limit),
                    "--repeats", Integer.toString(runs), "--json", "--quiet"));
            try {
                com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
                Map<String, Object> x = new java.util.LinkedHashMap<>();
                x.put("engine", "xgrammar " + n.path("xgrammar_version").asText() + " (WebAssembly, Node " + n.path("machine").path("node").asText() + ")");
                x.put("docs", n.path("docs").asInt());
                x.put("steps", n.path("steps").asInt());
                x.put("rejected", n.path("rejected_midway").asInt() + n.path("not_terminated").asInt());
                x.put("mask_us_p50", n.path("mask_us").path("p50").asDouble());
                x.put("mask_us_p90", n.path("mask_us").path("p90").asDouble());
                x.put("mask_us_p99", n.path("mask_us").path("p99").asDouble());
                x.put("mask_us_max", n.path("mask_us").path("max").asDouble());
                x.put("mask_us_mean", n.path("mask_us").path("mean").asDouble());
                x.put("tokenizer_info_ms", n.path("tokenizer_info_ms").asDouble());
                x.put("compile_ms", n.path("grammar_compile_ms").asDouble());
                return x;
            } catch (java.io.IOException e) {
                throw new dev.stencil.automata.StencilException("cannot read XGrammar's summary: " + line);
            }
        }
    }
}
