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
        subcommands = {BenchCommand.Masks.class})
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
            Path md = Reports.writeMarkdown("bench-masks-" + tok.name().replaceAll("[^A-Za-z0-9._-]", "_") + ".md",
                    Reports.table("Mask benchmark", f));
            if (!json) {
                f.forEach((k, v) -> System.out.printf("%-28s %s%n", k, v));
                System.out.println("report: " + md);
            }
            System.out.println(Reports.json(f));
        }
    }
}
