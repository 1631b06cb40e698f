package dev.stencil.cli;

import dev.stencil.decoder.GenerationResult;
import dev.stencil.decoder.Generator;
import dev.stencil.decoder.OnnxCausalLm;
import dev.stencil.decoder.RuntimeOptions;
import dev.stencil.decoder.Stencil;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./stencil generate}: runs the model (the embedded one unless {@code --model}) on a prompt
 * and prints the output and a one-line timing summary (on stderr, so stdout stays pipeable).
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate JSON with a language model, token by token under a grammar mask (schema-free JSON mode until the schema compiler lands).")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--prompt", description = "The prompt text. The embedded model expects: Q: Give a JSON object. Keys: a, b, c.\\nA:")
    String prompt;

    @Option(names = "--keys", split = ",", description = "Build the prompt from the model's template with these keys (comma-separated).")
    String[] keys;

    @Option(names = "--schema", description = "A JSON Schema file: the output follows it exactly (without it: any JSON value).")
    Path schema;

    @Option(names = "--model", description = "A model folder (model.onnx + tokenizer.json + config.json) or an .onnx file in such a folder. Default: the embedded tiny-json-gpt2.")
    Path model;

    @Option(names = "--max-tokens", defaultValue = "256", description = "Most new tokens. Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--precompute-ms", defaultValue = "0", description = "Time budget, in ms, of the token "
            + "classification done when the grammar is compiled; 0: none (up to 10,000 lexer states), so that one "
            + "generation runs at its steady speed from the first token. The Java API's default is 10 ms (bounded "
            + "compile latency for servers). Default: ${DEFAULT-VALUE}.")
    long precomputeMillis;

    @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy. Default: ${DEFAULT-VALUE}.")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "Keep the k most likely tokens (0 = off).")
    int topK;

    @Option(names = "--top-p", defaultValue = "1", description = "Nucleus threshold (1 = off).")
    double topP;

    @Option(names = "--min-p", defaultValue = "0", description = "Min-p threshold (0 = off).")
    double minP;

    @Option(names = "--repetition-penalty", defaultValue = "1", description = "Penalty on generated tokens (1 = off).")
    double repetitionPenalty;

    @Option(names = "--typical-p", defaultValue = "1", description = "Locally typical sampling mass (1 = off).")
    double typicalP;

    @Option(names = "--presence-penalty", defaultValue = "0", description = "Subtracted once from every generated token's logit, in [-2, 2] (0 = off).")
    double presencePenalty;

    @Option(names = "--frequency-penalty", defaultValue = "0", description = "Subtracted per occurrence of a generated token, in [-2, 2] (0 = off).")
    double frequencyPenalty;

    @Option(names = "--min-tokens", defaultValue = "0", description = "Fewest new tokens: the stop token is masked before (0 = off).")
    int minTokens;

    @Option(names = "--stop", description = "A stop sequence (repeatable): the output ends just before its first occurrence.")
    java.util.List<String> stop = new java.util.ArrayList<>();

    @Option(names = "--force-tokens", description = "Forced tokens (jump-forward): append what the grammar forces without sampling, canonically tokenized.")
    boolean forceTokens;

    @Option(names = "--num-beams", defaultValue = "1", description = "Beam search with this many beams (1 = off; greedy, under the grammar).")
    int numBeams;

    @Option(names = "--length-penalty", defaultValue = "1", description = "Beam search: rank finished beams by logprob / length^penalty. Default: ${DEFAULT-VALUE}.")
    double lengthPenalty;

    @Option(names = "--exclude", description = "A must-exclude keyword (repeatable): it never appears in the output, not even across tokens.")
    java.util.List<String> exclude = new java.util.ArrayList<>();

    @Option(names = "--include", description = "A must-include keyword (repeatable): the output may not end before it appeared.")
    java.util.List<String> include = new java.util.ArrayList<>();

    @Option(names = "--beam-groups", defaultValue = "1", description = "Diverse beam search: split --num-beams into this many groups and print each group's output (1 = off).")
    int beamGroups;

    @Option(names = "--diversity-penalty", defaultValue = "0", description = "Diverse beam search: penalty per earlier-group beam that chose the same token. Default: ${DEFAULT-VALUE}.")
    double diversityPenalty;

    @Option(names = "--contrastive-k", defaultValue = "0", description = "Contrastive search over this many candidates (0 = off; needs the model's hidden_states).")
    int contrastiveK;

    @Option(names = "--penalty-alpha", defaultValue = "0.6", description = "Contrastive search: degeneration penalty alpha in [0, 1]. Default: ${DEFAULT-VALUE}.")
    double penaltyAlpha;

    @Option(names = "--token-healing", description = "Back up over the prompt's last token and let the model re-spell it (for prompts that end mid-token, e.g. with a trailing space).")
    boolean tokenHealing;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--optimization", defaultValue = "ALL", description = "ONNX Runtime graph optimisation: NONE, BASIC, EXTENDED, ALL (use BASIC for exact int8 results). Default: ${DEFAULT-VALUE}.")
    RuntimeOptions.Optimization optimization;

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime intra-op threads (0 = its default).")
    int threads;

    @Option(names = "--provider", defaultValue = "CPU", description = "ONNX Runtime execution provider: CPU or CUDA (CUDA needs the onnxruntime_gpu build on the class path). Default: ${DEFAULT-VALUE}.")
    RuntimeOptions.Provider provider;

    @Option(names = "--device-id", defaultValue = "0", description = "GPU ordinal for --provider CUDA. Default: ${DEFAULT-VALUE}.")
    int deviceId;

    @Option(names = "--mask-on-device", description = "Extend the model graph with the grammar mask and a top-k, so only the best allowed candidates leave the model (greedy, or sampling with --top-k; same tokens as host masking).")
    boolean maskOnDevice;

    @Option(names = "--unconstrained", description = "No grammar: the model's own output (for comparison).")
    boolean unconstrained;

    @Option(names = "--draft", description = "Speculative decoding with this draft model (.onnx, same vocabulary; 'embedded' = the embedded draft). Greedy: the draft is measured against the plain loop over a process's first generations and used where it pays, so a single generation runs without it (see ./stencil bench decode --draft embedded); with --temperature it is always used (same seed, same output).")
    String draft;

    @Option(names = "--draft-tokens", defaultValue = "4", description = "Initial draft tokens per proposal (adaptive, 1..8). Default: ${DEFAULT-VALUE}.")
    int draftTokens;

    @Option(names = "--stream", description = "Print the text as it is generated.")
    boolean stream;

    @Option(names = "--best-of", defaultValue = "1", description = "Semantic constraint: sample this many candidates (seeds --seed, --seed + 1, ...; needs --temperature > 0) and return the best that passes. With --num-beams the finished beams are the candidates.")
    int bestOf;

    @Option(names = "--judge-prompt", description = "Semantic constraint judged by the model itself: a prompt with {text} where the candidate goes; the candidate passes when --judge-yes is at least as likely as --judge-no as the next token.")
    String judgePrompt;

    @Option(names = "--judge-yes", defaultValue = " yes", description = "Verdict token for a pass (one token). Default: '${DEFAULT-VALUE}'.")
    String judgeYes;

    @Option(names = "--judge-no", defaultValue = " no", description = "Verdict token for a fail (one token). Default: '${DEFAULT-VALUE}'.")
    String judgeNo;

    @Option(names = "--classifier", description = "Semantic constraint judged by an ONNX text classifier (input_ids [+ attention_mask] -> logits [1, classes]); its tokenizer.json must sit beside it.")
    Path classifier;

    @Option(names = "--classifier-class", defaultValue = "1", description = "The class a passing candidate must have. Default: ${DEFAULT-VALUE}.")
    int classifierClass;

    @Option(names = "--classifier-threshold", defaultValue = "0.5", description = "Least probability of that class. Default: ${DEFAULT-VALUE}.")
    double classifierThreshold;

    @Override
    public Integer call() {
        if (schema != null && unconstrained) {
            throw new IllegalArgumentException("--schema and --unconstrained exclude each other");
        }
        com.fasterxml.jackson.databind.JsonNode schemaJson = schema == null ? null : readSchema(schema);
        if (prompt != null && keys != null) {
            throw new IllegalArgumentException("give one of --prompt or --keys, not both");
        }
        if (prompt == null && keys == null && schemaJson == null) {
            throw new IllegalArgumentException("give --prompt or --keys (or a --schema whose top-level properties name the keys)");
        }
        RuntimeOptions options = RuntimeOptions.defaults().withThreads(threads).withOptimization(optimization)
                .withProvider(provider).withMaskOnDevice(maskOnDevice);
        if (provider == RuntimeOptions.Provider.CUDA) {
            options = options.withCuda(deviceId);
        }
        try (Stencil stencil = model == null ? Stencil.embedded(options) : Stencil.load(model, options);
                OnnxCausalLm draftModel = draft == null ? null
                        : draft.equals("embedded") ? Stencil.embeddedDraft(options) : OnnxCausalLm.loadDraft(Path.of(draft), options)) {
            stencil.precomputeMillis(precomputeMillis);
            String text = prompt != null ? prompt.replace("\\n", "\n")
                    : stencil.promptForKeys(keys != null ? Arrays.stream(keys).map(String::trim).toList() : topLevelKeys(schemaJson));
            Generator g = (unconstrained ? stencil.unconstrained() : schemaJson != null ? stencil.schema(schemaJson) : stencil.json())
                    .prompt(text).maxTokens(maxTokens).temperature(temperature).topK(topK).topP(topP).minP(minP)
                    .repetitionPenalty(repetitionPenalty).typicalP(typicalP).presencePenalty(presencePenalty)
                    .frequencyPenalty(frequencyPenalty).minTokens(minTokens).seed(seed)
                    .stop(stop.stream().map(x -> x.replace("\\n", "\n")).toList()).forceTokens(forceTokens)
                    .numBeams(numBeams).lengthPenalty(lengthPenalty).beamGroups(beamGroups).diversityPenalty(diversityPenalty)
                    .mustExclude(exclude).mustInclude(include).tokenHealing(tokenHealing);
            if (contrastiveK > 0) {
                g.contrastive(contrastiveK, penaltyAlpha);
            }
            if (draftModel != null) {
                g.draft(draftModel).draftTokens(draftTokens);
            }
            if (maskOnDevice) {
                g.maskOnDevice(true); // an option combination that needs the full logits is an error, not a silent fallback
            }
            if (stream) {
                g.onText(piece -> {
                    System.out.print(piece);
                    System.out.flush();
                });
            }
            if (judgePrompt != null && classifier != null) {
                throw new IllegalArgumentException("give one semantic constraint: --judge-prompt or --classifier");
            }
            dev.stencil.decoder.semantic.OnnxClassifierJudge classifierJudge = null;
            if (judgePrompt != null) {
                g.semantic(new dev.stencil.decoder.semantic.ModelJudge(stencil.model(), stencil.tokenizer(),
                        judgePrompt.replace("\\n", "\n"), judgeYes, judgeNo, 0));
            } else if (classifier != null) {
                Path tokenizerJson = classifier.toAbsolutePath().resolveSibling("tokenizer.json");
                classifierJudge = new dev.stencil.decoder.semantic.OnnxClassifierJudge(classifier,
                        dev.stencil.automata.vocab.BpeTokenizer.load(tokenizerJson), classifierClass, classifierThreshold);
                g.semantic(classifierJudge);
            }
            if (bestOf > 1) {
                g.bestOf(bestOf);
            }
            if (beamGroups > 1) {
                return printGroups(g.generateGroups());
            }
            GenerationResult r;
            try {
                r = g.generate();
            } finally {
                if (classifierJudge != null) {
                    classifierJudge.close();
                }
            }
            if (stream) {
                System.out.println();
            } else {
                System.out.println(r.text().strip()); // the model's own formatting; valid JSON when r.valid()
            }
            return summarize(r);
        }
    }

    /** Prints the one-line summary on stderr; the exit code (0 = a complete, valid output or as asked). */
    private int summarize(GenerationResult r) {
        boolean cut = r.finishReason() == dev.stencil.decoder.FinishReason.STOP_SEQUENCE;
        boolean missing = r.finishReason() == dev.stencil.decoder.FinishReason.MISSING_KEYWORDS
                || r.finishReason() == dev.stencil.decoder.FinishReason.UNSATISFIED;
        System.err.println(r.summary() + (r.truncated() ? " (truncated: not a complete output)" : "")
                + (cut ? " (cut before a stop sequence, as asked: not a complete output)" : "")
                + (missing ? " (" + (r.finishReason() == dev.stencil.decoder.FinishReason.UNSATISFIED ? "" : "the grammar could only end before "
                        + "every --include keyword appeared: ") + r.validationErrors() + ")" : "")
                + (!unconstrained && !r.valid() && !r.truncated() && !cut && !missing ? " (INVALID: " + r.validationErrors() + ")" : ""));
        return (r.valid() && r.validationErrors().isEmpty()) || (unconstrained && !missing) || cut ? 0 : 1;
    }

    /** Diverse beam search: one line per group on stdout, one summary per group on stderr. */
    private int printGroups(java.util.List<GenerationResult> results) {
        int code = 0;
        for (GenerationResult r : results) {
            System.out.println(r.text().strip());
            code = Math.max(code, summarize(r));
        }
        return code;
    }

    private static com.fasterxml.jackson.databind.JsonNode readSchema(Path file) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read the schema " + file + ": " + e.getMessage());
        }
    }

    /** The schema's top-level property names, for the embedded model's prompt template. */
    private static java.util.List<String> topLevelKeys(com.fasterxml.jackson.databind.JsonNode schema) {
        java.util.List<String> keys = new java.util.ArrayList<>();
        schema.path("properties").fieldNames().forEachRemaining(keys::add);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("the schema has no top-level properties to name in the prompt; give --prompt");
        }
        return keys;
    }
}
