package dev.stencil.cli;

import dev.stencil.decoder.DecodeBenchmark;
import dev.stencil.decoder.OnnxCausalLm;
import dev.stencil.decoder.RuntimeOptions;
import dev.stencil.decoder.Stencil;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./stencil bench decode}: constrained vs unconstrained decoding speed on the same token
 * sequences (the unconstrained run replays the constrained run's tokens, so both do the same
 * forward passes and only the mask work differs).
 */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = "Tokens/s of greedy JSON-constrained decoding vs unconstrained decoding over the same tokens (embedded model unless --model); with --draft also speculative decoding.")
final class BenchDecodeCommand implements Callable<Integer> {
    @Option(names = "--model", description = "A model folder. Default: the embedded tiny-json-gpt2.")
    Path model;

    @Option(names = "--runs", defaultValue = "5", description = "Timed runs; the ratio reported is their median. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--optimization", defaultValue = "ALL", description = "ONNX Runtime graph optimisation: NONE, BASIC, EXTENDED, ALL (use BASIC for exact int8 results). Default: ${DEFAULT-VALUE}.")
    RuntimeOptions.Optimization optimization;

    @Option(names = "--threads", defaultValue = "1", description = "ONNX Runtime intra-op threads. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--max-tokens", defaultValue = "256", description = "Token limit per prompt. Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--draft", description = "Also time speculative decoding with this draft (.onnx, or 'embedded' for the embedded draft).")
    String draft;

    @Option(names = "--force-tokens", description = "Also time schema-constrained decoding (each prompt's keys as a schema, generation layout) without and with forced tokens (jump-forward), each against an unconstrained replay of its own tokens; with --draft also draft + forced tokens together.")
    boolean forceTokens;

    @Option(names = "--json", description = "Print only the JSON summary on stdout.")
    boolean json;

    @Override
    public Integer call() {
        RuntimeOptions options = RuntimeOptions.defaults().withThreads(threads).withOptimization(optimization);
        try (Stencil stencil = model == null ? Stencil.embedded(options) : Stencil.load(model, options);
                OnnxCausalLm draftModel = draft == null ? null
                        : draft.equals("embedded") ? Stencil.embeddedDraft(options) : OnnxCausalLm.loadDraft(Path.of(draft), options)) {
            DecodeBenchmark.Result r = DecodeBenchmark.runKeyLists(stencil, draftModel, DecodeBenchmark.defaultKeyLists(), runs, maxTokens, forceTokens,
                    (done, total) -> System.err.printf("\rbench decode: run %d/%d", done, total));
            System.err.println();
            Map<String, Object> f = new LinkedHashMap<>(r.figures());
            f.put("model", stencil.name());
            f.put("threads", threads);
            f.put("machine", Machine.describe());
            Path md = Reports.writeMarkdown("bench-decode.md", Reports.table("Decode benchmark", f));
            if (!json) {
                f.forEach((k, v) -> System.out.printf("%-24s %s%n", k, v));
                System.out.println("report: " + md);
            }
            System.out.println(Reports.json(f));
            return 0;
        }
    }
}
