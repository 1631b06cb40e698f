package dev.stencil.cli;

import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.bench.JsonDocuments;
import dev.stencil.automata.check.MaskCheck;
import dev.stencil.automata.check.XGrammarComparison;
import dev.stencil.automata.json.JsonGrammar;
import dev.stencil.automata.json.Whitespace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./stencil check ...}: correctness checks at corpus scale. */
@Command(name = "check", mixinStandardHelpOptions = true, description = "Correctness checks against oracles.",
        subcommands = {CheckCommand.Masks.class, CheckCommand.XGrammar.class})
final class CheckCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "masks", mixinStandardHelpOptions = true,
            description = "Compare masks with a brute-force oracle (every token tried byte by byte with textbook Earley, no trie, no caches) at many states.")
    static final class Masks implements Runnable {
        @Option(names = "--tokenizer", required = true, description = "Hugging Face tokenizer.json.")
        Path tokenizer;

        @Mixin
        GrammarOptions grammarOptions;

        @Option(names = "--states", defaultValue = "100000", description = "States to compare. Default: ${DEFAULT-VALUE}.")
        long states;

        @Option(names = "--docs", description = "Documents whose prefixes are states (JSONSchemaBench folder or JSONL). Default: ../shared/corpora/jsonschemabench/Github_easy.")
        Path docs;

        @Option(names = "--limit", defaultValue = "100000", description = "Files to read documents from. Default: ${DEFAULT-VALUE}.")
        int limit;

        @Option(names = "--walks", defaultValue = "2000", description = "Random walks (uniform over allowed tokens) added to the documents. Default: ${DEFAULT-VALUE}.")
        int walks;

        @Option(names = "--seed", defaultValue = "1", description = "Seed for walks and document order. Default: ${DEFAULT-VALUE}.")
        long seed;

        @Option(names = "--threads", defaultValue = "2", description = "Worker threads. Default: ${DEFAULT-VALUE}.")
        int threads;

        @Option(names = "--json", description = "Print only the JSON summary on stdout.")
        boolean json;

        @Override
        public void run() {
            Tokenizers.Loaded tok = Tokenizers.load(tokenizer);
            CompiledGrammar cg = CompiledGrammar.compile(grammarOptions.build(), tok.index());
            Path docPath = docs != null ? docs : Tokenizers.shared().resolve("corpora/jsonschemabench/Github_easy");
            List<int[]> sequences = new ArrayList<>();
            for (JsonDocuments.Doc d : JsonDocuments.load(docPath, limit)) {
                sequences.add(tok.tokenizer().encode(d.text()));
            }
            int docCount = sequences.size();
            sequences.addAll(MaskCheck.randomWalks(cg, walks, 64, seed));
            // interleave documents and walks so a partial run still covers both
            Collections.shuffle(sequences, new Random(seed));
            MaskCheck.Result r;
            try (Reports.Bar bar = new Reports.Bar()) {
                r = MaskCheck.run(cg, false, sequences, states, threads, 20, bar);
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("tokenizer", tok.name());
            f.put("vocab", tok.index().size());
            f.put("grammar", cg.grammar().name());
            f.put("documents", docCount);
            f.put("walks", walks);
            f.put("states", r.states());
            f.put("tokens_compared", r.tokensCompared());
            f.put("differences", r.differences());
            if (!json) {
                for (MaskCheck.Difference d : r.examples()) {
                    System.out.printf("DIFF seq %d pos %d token %d %s: engine %s, reference %s, after %s%n", d.sequence(), d.position(),
                            d.tokenId(), Reports.json(d.token()), d.engineAllows(), d.referenceAllows(), Reports.json(d.prefix()));
                }
                f.forEach((k, v) -> System.out.printf("%-18s %s%n", k, v));
            }
            System.out.println(Reports.json(f));
            if (r.differences() > 0) {
                throw new IllegalStateException(r.differences() + " mask differences");
            }
        }
    }

    @Command(name = "xgrammar", mixinStandardHelpOptions = true,
            description = "Compare every mask bit with XGrammar's (WebAssembly build, built-in JSON grammar without whitespace) on the same documents; every differing token is explained or listed.")
    static final class XGrammar implements Runnable {
        @Option(names = "--tokenizer", required = true, description = "Hugging Face tokenizer.json.")
        Path tokenizer;

        @Option(names = "--docs", description = "JSONSchemaBench folder. Default: ../shared/corpora/jsonschemabench/Github_easy.")
        Path docs;

        @Option(names = "--limit", defaultValue = "200", description = "Files to take. Default: ${DEFAULT-VALUE}.")
        int limit;

        @Option(names = "--masks", description = "Prefix of XGrammar's dumped masks (PREFIX.steps.tsv, PREFIX.masks.gz). Default: run scripts/xgrammar-compact-masks.mjs into target/xgrammar/<tokenizer>.")
        Path masks;

        @Option(names = "--json", description = "Print only the JSON summary on stdout.")
        boolean json;

        @Override
        public void run() {
            Tokenizers.Loaded tok = Tokenizers.load(tokenizer);
            Path prefix = masks;
            if (prefix == null) {
                prefix = Path.of("target", "xgrammar", tok.name()).toAbsolutePath();
                Path docPath = docs != null ? docs : Tokenizers.shared().resolve("corpora/jsonschemabench/Github_easy");
                Peers.run(List.of("--script", Peers.repo().resolve("scripts/xgrammar-compact-masks.mjs").toString(),
                        "--tokenizer", tokenizer.toAbsolutePath().toString(), "--docs", docPath.toAbsolutePath().toString(),
                        "--limit", Integer.toString(limit), "--out", prefix.toString()));
            }
            CompiledGrammar cg = CompiledGrammar.compile(JsonGrammar.grammar(Whitespace.compact(), true), tok.index());
            XGrammarComparison.Result r;
            try (Reports.Bar bar = new Reports.Bar()) {
                r = XGrammarComparison.run(cg, prefix, 50, bar);
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("tokenizer", tok.name());
            f.put("vocab", tok.index().size());
            f.put("docs", r.docs());
            f.put("steps", r.steps());
            f.put("identical_steps", r.identicalSteps());
            f.put("differing_steps", r.steps() - r.identicalSteps());
            f.put("stencil_rejected_docs", r.stencilRejected());
            f.put("differing_tokens_by_cause", r.byCause());
            f.put("unexplained", r.byCause().get(XGrammarComparison.CAUSE_UNEXPLAINED));
            if (!json) {
                for (XGrammarComparison.Disagreement d : r.unexplained()) {
                    System.out.printf("UNEXPLAINED doc %d step %d token %d %s: stencil %s, xgrammar %s%n", d.doc(), d.step(), d.token(),
                            Reports.json(new String(tok.index().tokenBytes(d.token()), java.nio.charset.StandardCharsets.UTF_8)),
                            d.stencilAllows(), d.xgrammarAllows());
                }
                f.forEach((k, v) -> System.out.printf("%-26s %s%n", k, v));
            }
            System.out.println(Reports.json(f));
        }
    }
}
