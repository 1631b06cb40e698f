package dev.stencil.cli;

import dev.stencil.automata.json.Whitespace;
import dev.stencil.decoder.JsonSchemaBenchEval;
import dev.stencil.decoder.OnnxCausalLm;
import dev.stencil.decoder.RuntimeOptions;
import dev.stencil.decoder.Stencil;
import dev.stencil.schemas.SchemaOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./stencil eval ...}: end-to-end quality evaluations with a model. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "End-to-end evaluations with a language model.",
        subcommands = {EvalCommand.JsonSchemaBench.class})
final class EvalCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** {@code ./stencil eval jsonschemabench DIR}: validity of greedy schema-constrained outputs at scale. */
    @Command(name = "jsonschemabench", mixinStandardHelpOptions = true,
            description = "Greedy schema-constrained generation on every compiling schema of JSONSchemaBench subsets; counts valid, truncated and invalid outputs.")
    static final class JsonSchemaBench implements Callable<Integer> {
        @Parameters(index = "0", description = "The JSONSchemaBench corpus folder (one folder per subset).")
        Path corpus;

        @Option(names = "--subsets", split = ",", defaultValue = "Glaiveai2K,Github_easy", description = "Subsets (folder names). Default: ${DEFAULT-VALUE}.")
        String[] subsets;

        @Option(names = "--limit", defaultValue = "300", description = "Schemas per subset (first in sorted id order). Default: ${DEFAULT-VALUE}.")
        int limit;

        @Option(names = "--max-tokens", defaultValue = "256", description = "Token limit per output. Default: ${DEFAULT-VALUE}.")
        int maxTokens;

        @Option(names = "--model", description = "A model folder. Default: the embedded tiny-json-gpt2.")
        Path model;

        @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime intra-op threads (0 = its default).")
        int threads;

        @Option(names = "--force-tokens", description = "Generate with forced tokens (jump-forward) on.")
        boolean forceTokens;

        @Option(names = "--whitespace", defaultValue = "spaced", description = "Output layout: spaced (json.dumps: ', ' and ': ', the generation default), compact, flexible, flexible:N, any. Default: ${DEFAULT-VALUE}.")
        String whitespace;

        @Option(names = "--extra-properties", description = "Let objects have properties the schema does not name (the JSON Schema default; off for generation by default).")
        boolean extraProperties;

        @Option(names = "--draft", description = "Also generate each schema with this draft model (speculative; .onnx, or 'embedded'): outputs must be identical; reports acceptance, final k and tokens/s with and without.")
        String draft;

        @Option(names = "--draft-k", defaultValue = "0", description = "With --draft: 0 = adaptive (the draft is used where it pays), else always propose this many tokens (1-8). Default: ${DEFAULT-VALUE}.")
        int draftK;

        @Option(names = "--json", description = "Print only the JSON summary on stdout.")
        boolean json;

        @Override
        public Integer call() {
            if (maxTokens < 1) {
                throw new IllegalArgumentException("--max-tokens must be >= 1, got " + maxTokens);
            }
            if (draftK < 0 || draftK > 8) {
                throw new IllegalArgumentException("--draft-k must be in 0..8, got " + draftK);
            }
            RuntimeOptions options = RuntimeOptions.defaults().withThreads(threads);
            try (Stencil stencil = model == null ? Stencil.embedded(options) : Stencil.load(model, options);
                    OnnxCausalLm draftModel = draft == null ? null
                            : draft.equals("embedded") ? Stencil.embeddedDraft(options) : OnnxCausalLm.loadDraft(Path.of(draft), options)) {
                JsonSchemaBenchEval.Result r = JsonSchemaBenchEval.run(stencil, corpus,
                        Arrays.stream(subsets).map(String::trim).toList(), limit, maxTokens, forceTokens,
                        SchemaOptions.forGeneration().withWhitespace(Whitespace.parse(whitespace))
                                .withForbidAdditionalProperties(!extraProperties), draftModel, draftK,
                        (done, total, id) -> System.err.printf("\reval jsonschemabench: %d/%d %-60s", done, total, id));
                System.err.println();
                Map<String, Object> f = new LinkedHashMap<>(r.figures());
                f.put("model", stencil.name());
                f.put("max_tokens", maxTokens);
                f.put("whitespace", whitespace);
                f.put("extra_properties", extraProperties);
                if (!json) {
                    f.forEach((k, v) -> System.out.printf("%-24s %s%n", k, v));
                }
                System.out.println(Reports.json(f));
                return r.invalidReturned() == 0 ? 0 : 1;
            }
        }
    }
}
