package dev.stencil.cli;

import dev.stencil.decoder.DecodeBenchmark;
import dev.stencil.decoder.DeviceMaskBenchmark;
import dev.stencil.decoder.RuntimeOptions;
import dev.stencil.decoder.Stencil;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./stencil bench device-mask}: per-step time with the grammar mask in the graph vs on the host. */
@Command(name = "device-mask", mixinStandardHelpOptions = true,
        description = "Per-step time of greedy JSON-constrained decoding with the mask and top-1 inside the model graph vs masking the full logits on the host: the same token sequences replayed on two caches in lockstep, each step timed both ways, choices compared.")
final class BenchDeviceMaskCommand implements Callable<Integer> {
    @Option(names = "--model", description = "A model folder. Default: the embedded tiny-json-gpt2.")
    Path model;

    @Option(names = "--runs", defaultValue = "5", description = "Timed replays of every prompt (after one untimed warm-up). Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--threads", defaultValue = "1", description = "ONNX Runtime intra-op threads. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--provider", defaultValue = "CPU", description = "Execution provider: CPU or CUDA. Default: ${DEFAULT-VALUE}.")
    RuntimeOptions.Provider provider;

    @Option(names = "--max-tokens", defaultValue = "256", description = "Token limit per prompt. Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--json", description = "Print only the JSON summary on stdout.")
    boolean json;

    @Override
    public Integer call() {
        RuntimeOptions options = RuntimeOptions.defaults().withThreads(threads).withProvider(provider).withMaskOnDevice(true);
        try (Stencil stencil = model == null ? Stencil.embedded(options) : Stencil.load(model, options)) {
            DeviceMaskBenchmark.Result r = DeviceMaskBenchmark.run(stencil, DecodeBenchmark.defaultPrompts(stencil), runs, maxTokens,
                    (done, total) -> System.err.printf("\rbench device-mask: run %d/%d", done, total));
            System.err.println();
            Map<String, Object> f = new LinkedHashMap<>(r.figures());
            f.put("model", stencil.name());
            f.put("provider", provider.name());
            f.put("threads", threads);
            f.put("machine", Machine.describe());
            Path md = Reports.writeMarkdown("bench-device-mask.md", Reports.table("Device mask benchmark", f));
            if (!json) {
                f.forEach((k, v) -> System.out.printf("%-24s %s%n", k, v));
                System.out.println("report: " + md);
            }
            System.out.println(Reports.json(f));
            return r.disagreements() == 0 ? 0 : 1;
        }
    }
}
