package dev.stencil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stencil.automata.StencilException;
import dev.stencil.decoder.RuntimeOptions;
import dev.stencil.decoder.SchemaDecodeBenchmark;
import dev.stencil.decoder.Stencil;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./stencil bench e2e}: greedy schema-constrained decoding end to end on real schemas,
 * against an unconstrained replay of the same tokens; with {@code --with-peer} the peer stack
 * (XGrammar WASM + ONNX Runtime for Node, {@code scripts/e2e-peer.sh}) runs the same model,
 * schemas and settings right after, and both figures are printed together.
 */
@Command(name = "e2e", mixinStandardHelpOptions = true,
        description = "Tokens/s of greedy schema-constrained decoding on the first N schemas of a JSONSchemaBench subset vs an unconstrained replay of the same tokens; --with-peer runs XGrammar (WASM) + ONNX Runtime for Node on the same inputs.")
final class BenchE2eCommand implements Callable<Integer> {
    @Option(names = "--schemas", description = "A folder of JSONSchemaBench files. Default: ../shared/corpora/jsonschemabench/Glaiveai2K.")
    Path schemas;

    @Option(names = "--limit", defaultValue = "50", description = "First N schema files (sorted by name). Default: ${DEFAULT-VALUE}.")
    int limit;

    @Option(names = "--max-tokens", defaultValue = "128", description = "Token cap per schema, the stop token included (as the peer counts). Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--model", description = "A model folder (model.onnx + tokenizer.json). Default: the embedded tiny-json-gpt2 (the peer then reads ../shared/models/tiny-json-gpt2).")
    Path model;

    @Option(names = "--threads", defaultValue = "1", description = "ONNX Runtime intra-op threads (both engines). Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--warmup", defaultValue = "1", description = "Untimed passes. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed passes (median). Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Option(names = "--force-tokens", description = "Stencil generates with forced tokens (jump-forward); the replay still runs one pass per token.")
    boolean forceTokens;

    @Option(names = "--with-peer", description = "Also run the peer stack (scripts/e2e-peer.sh: XGrammar WASM + onnxruntime-node) with the same settings.")
    boolean withPeer;

    @Option(names = "--json", description = "Print only the JSON summary on stdout.")
    boolean json;

    @Override
    public Integer call() {
        Path shared = Peers.repo().resolve("../shared").normalize();
        Path dir = schemas != null ? schemas : shared.resolve("corpora/jsonschemabench/Glaiveai2K");
        if (!Files.isDirectory(dir)) {
            throw new StencilException("schema folder not found: " + dir);
        }
        RuntimeOptions options = RuntimeOptions.defaults().withThreads(threads);
        Map<String, Object> f = new LinkedHashMap<>();
        String load = Machine.describe();
        try (Stencil stencil = model == null ? Stencil.embedded(options) : Stencil.load(model, options)) {
            f.put("stencil", SchemaDecodeBenchmark.run(stencil, dir, limit, maxTokens, warmup, repeats, forceTokens,
                    (phase, done, total) -> System.err.printf("\rbench e2e: %s %d/%d   ", phase, done, total)));
            System.err.println();
        }
        if (withPeer) {
            Path modelDir = model != null ? model : shared.resolve("models/tiny-json-gpt2");
            List<String> args = new ArrayList<>(List.of("--model", modelDir.resolve("model.onnx").toAbsolutePath().toString(),
                    "--tokenizer", modelDir.resolve("tokenizer.json").toAbsolutePath().toString(),
                    "--config", modelDir.resolve("config.json").toAbsolutePath().toString(),
                    "--schema-dir", dir.toAbsolutePath().toString(), "--limit", Integer.toString(limit),
                    "--max-tokens", Integer.toString(maxTokens), "--threads", Integer.toString(threads),
                    "--repeats", Integer.toString(repeats), "--warmup", Integer.toString(warmup), "--json", "--quiet"));
            String line = Peers.run("scripts/e2e-peer.sh", args);
            f.put("peer", peerFigures(line));
        }
        f.put("threads", threads);
        f.put("machine_before", load);
        f.put("machine_after", Machine.describe());
        Path md = Reports.writeMarkdown("bench-e2e.md", Reports.table("End-to-end decoding benchmark", f));
        if (!json) {
            f.forEach((k, v) -> System.out.printf("%-16s %s%n", k, v));
            System.out.println("report: " + md);
        }
        System.out.println(Reports.json(f));
        return 0;
    }

    /** The peer's summary, reduced to the figures Stencil reports too (names kept). */
    private static Map<String, Object> peerFigures(String line) {
        try {
            JsonNode n = new ObjectMapper().readTree(line);
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("engine", "xgrammar (WebAssembly) + onnxruntime-node");
            for (String k : new String[] {"model", "schemas", "compiled", "generated_tokens", "constrained_tok_s",
                    "unconstrained_tok_s", "ratio", "mask_us_p50", "mask_us_p99", "valid_json", "schema_valid", "truncated"}) {
                if (n.has(k)) {
                    JsonNode v = n.get(k);
                    x.put(k, v.isNumber() ? v.numberValue() : v.isTextual() ? v.asText() : v.toString());
                }
            }
            return x;
        } catch (IOException e) {
            throw new StencilException("cannot read the peer's summary: " + line);
        }
    }
}
