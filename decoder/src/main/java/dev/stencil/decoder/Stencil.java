package dev.stencil.decoder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.ir.Grammar;
import dev.stencil.automata.json.JsonGrammar;
import dev.stencil.automata.json.Whitespace;
import dev.stencil.automata.mask.VocabularyIndex;
import dev.stencil.automata.vocab.BpeTokenizer;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A loaded language model with its tokenizer: the entry point of Stencil's Java API.
 *
 * <pre>{@code
 * try (Stencil stencil = Stencil.embedded()) {
 *     GenerationResult r = stencil.json()
 *             .prompt("Q: Give a JSON object. Keys: name, age.\nA:")
 *             .maxTokens(256)
 *             .generate();
 *     JsonNode value = r.json(); // null unless r.valid()
 * }
 * }</pre>
 *
 * <p>Thread-safe: load once and create any number of {@link Generator}s, from any threads.
 * Compiled grammars are cached per {@link Grammar} instance.
 */
public final class Stencil implements AutoCloseable {
    private static final int DEFAULT_MAX_POSITIONS = 1 << 20;
    private static final String DRAFT_FILE = "draft.onnx";
    /**
     * Lexer states classified at compile time, nearest each lexeme's start first (the built-in
     * JSON grammar has 65 on GPT-2), so that a request's first masks are not the slow ones.
     */
    public static final int PRECOMPUTE_LEXER_STATES = 10_000;
    /**
     * Most wall time spent on {@link #PRECOMPUTE_LEXER_STATES} per compilation, in ms: a schema's
     * compile stays under XGrammar's ({@code ./stencil compare jsonschemabench}), and the states left
     * are classified on first use.
     */
    public static final long PRECOMPUTE_MILLIS = 10;
    /** This instance's budget (see {@link #precomputeMillis(long)}). */
    private volatile long precomputeMillis = PRECOMPUTE_MILLIS;

    private final String name;
    private final OnnxCausalLm model;
    private final BpeTokenizer tokenizer;
    private final int eosTokenId;
    private final int maxPositions;
    private final String promptTemplate;
    private final Grammar jsonGrammar = JsonGrammar.grammar(Whitespace.flexible());
    /** Most compiled grammars kept per instance (each holds its lexer tables and mask caches). */
    static final int GRAMMAR_CACHE_CAPACITY = 256;
    /** Grammars the caller built, by identity (a caller reusing its Grammar object reuses the compile). */
    private final BoundedCache<IdentityKey, CompiledGrammar> compiled = new BoundedCache<>(GRAMMAR_CACHE_CAPACITY);
    /** Schema grammars by canonical schema hash and options: the same schema sent again compiles once. */
    private final BoundedCache<String, CompiledGrammar> schemaGrammars = new BoundedCache<>(GRAMMAR_CACHE_CAPACITY);
    private volatile VocabularyIndex index;
    /**
     * One learned speculation schedule per draft model used with this target, and per forced-token
     * setting (forcing changes the cost per token of both modes, so their figures do not mix).
     */
    private final Map<OnnxCausalLm, DraftSchedule[]> draftSchedules = Collections.synchronizedMap(new IdentityHashMap<>());
    /** Per draft loaded with {@link OnnxCausalLm#loadDraft}: the tokens it may propose, learned from this model's generations. */
    private final Map<OnnxCausalLm, DraftVocabulary> draftVocabularies = Collections.synchronizedMap(new IdentityHashMap<>());

    private Stencil(ModelSource source, RuntimeOptions options) {
        this.name = source.name();
        JsonNode config = source.json("config.json");
        JsonNode generation = source.json("generation_config.json");
        this.tokenizer = BpeTokenizer.load(source.file(ModelSource.TOKENIZER_FILE));
        this.model = source.embeddedModel()
                ? OnnxCausalLm.load(source.read(source.modelFile()), "classpath:" + ModelSource.EMBEDDED_DIR + source.modelFile(), options)
                : OnnxCausalLm.load(source.path(source.modelFile()), options);
        int vocabSize = tokenizer.vocabulary().size();
        if (vocabSize > model.shape().vocabSize()) {
            model.close();
            throw new DecoderException("model " + name + ": the tokenizer has " + vocabSize + " tokens but the logits are only "
                    + model.shape().vocabSize() + " wide");
        }
        int eos = intField(generation, "eos_token_id", intField(config, "eos_token_id", tokenizer.vocabulary().eosTokenId()));
        if (eos < 0) {
            model.close();
            throw new DecoderException("model " + name + ": no stop token (eos_token_id in config.json or the tokenizer)");
        }
        if (eos != tokenizer.vocabulary().eosTokenId()) {
            model.close();
            throw new DecoderException("model " + name + ": config eos_token_id " + eos + " differs from the tokenizer's stop token "
                    + tokenizer.vocabulary().eosTokenId());
        }
        this.eosTokenId = eos;
        this.maxPositions = intField(config, "n_positions", intField(config, "max_position_embeddings", DEFAULT_MAX_POSITIONS));
        this.promptTemplate = generation != null && generation.hasNonNull("prompt_template")
                ? generation.get("prompt_template").asText() : null;
    }

    private static int intField(JsonNode node, String field, int fallback) {
        return node != null && node.hasNonNull(field) && node.get(field).canConvertToInt() ? node.get(field).asInt() : fallback;
    }

    /**
     * Sets the wall-time budget of the classification done when a grammar is compiled, for the
     * grammars compiled after this call: {@link #PRECOMPUTE_MILLIS} by default (bounded compile
     * latency, as a server wants), 0 for no time limit (up to {@link #PRECOMPUTE_LEXER_STATES}
     * states: a one-shot generation then decodes at its steady speed from the first token).
     */
    public Stencil precomputeMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("the precompute budget must be >= 0 ms (0: no time limit), not " + millis);
        }
        this.precomputeMillis = millis;
        return this;
    }

    /** The embedded default model (tiny-json-gpt2) with ONNX Runtime's default options. */
    public static Stencil embedded() {
        return embedded(RuntimeOptions.defaults());
    }

    public static Stencil embedded(RuntimeOptions options) {
        return new Stencil(ModelSource.embedded(), options);
    }

    /**
     * Loads a Hugging Face style model folder: {@code model.onnx} (a decoder-with-past export),
     * {@code tokenizer.json}, and optionally {@code config.json} ({@code n_positions},
     * {@code eos_token_id}) and {@code generation_config.json} ({@code prompt_template}).
     * {@code modelPath} may also name an {@code .onnx} file in such a folder (another variant of
     * the same model, e.g. {@code model_int8.onnx}).
     */
    public static Stencil load(Path modelPath) {
        return load(modelPath, RuntimeOptions.defaults());
    }

    public static Stencil load(Path modelPath, RuntimeOptions options) {
        return new Stencil(ModelSource.of(modelPath), options);
    }

    /**
     * The embedded draft model (tiny-json-gpt2's {@code draft.onnx}, 1 layer × 64) for speculative
     * decoding with the embedded model: {@code stencil.json().draft(Stencil.embeddedDraft(options))}.
     * The caller closes it.
     */
    public static OnnxCausalLm embeddedDraft(RuntimeOptions options) {
        return OnnxCausalLm.loadDraft(ModelSource.embedded().read(DRAFT_FILE), "classpath:" + ModelSource.EMBEDDED_DIR + DRAFT_FILE, options);
    }

    /** A generator constrained to any JSON value (the built-in grammar, flexible whitespace). */
    public Generator json() {
        return new Generator(this, compile(jsonGrammar), true);
    }

    /** A generator constrained to {@code grammar}, from any front end (JSON Schema, GBNF, regex ...). */
    public Generator grammar(Grammar grammar) {
        return new Generator(this, compile(grammar), false);
    }

    /**
     * A JSON generator for a grammar that only derives JSON (a compiled JSON Schema): its output
     * is parsed into {@link GenerationResult#json()}.
     */
    public Generator jsonGrammar(Grammar grammar) {
        return new Generator(this, compile(grammar), true);
    }

    /**
     * A generator whose output follows the JSON Schema {@code schema} (compiled exactly, or a
     * {@code SchemaException} naming the keyword and JSON pointer that cannot be), compiled with
     * {@link dev.stencil.schemas.SchemaOptions#forGeneration()}: the {@code json.dumps} layout
     * ({@code ", "}, {@code ": "}, one optional leading space, so the model keeps its natural
     * first token {@code " {"}), property names in their canonical spelling, no properties the
     * schema does not name. A model then cannot drift into whitespace runs or invented keys, and
     * separators and names are forced bytes for {@link Generator#forceTokens jump-forward}. Every complete
     * output is also validated by an independent validator before it is returned as valid.
     *
     * <p>A schema that requires a property it never declares has no instance without unnamed
     * properties; for such a schema they are allowed after all (see {@link #compileForGeneration}).
     */
    public Generator schema(JsonNode schema) {
        dev.stencil.schemas.InstanceValidator validator = validatorFor(schema);
        return new Generator(this, compileForGeneration(schema, dev.stencil.schemas.SchemaOptions.forGeneration(), true), true,
                validator::validate);
    }

    /** {@link #schema(JsonNode)} with explicit compiler options. */
    public Generator schema(JsonNode schema, dev.stencil.schemas.SchemaOptions options) {
        dev.stencil.schemas.InstanceValidator validator = validatorFor(schema);
        return new Generator(this, compileSchema(schema, options, true), true, validator::validate);
    }

    /**
     * Like {@link #schema(JsonNode)} but the compiled grammar is not kept in this instance's cache:
     * for one-off schemas (benchmarks over thousands of them), where the cache would only grow.
     */
    Generator schemaUncached(JsonNode schema) {
        return schemaUncached(schema, dev.stencil.schemas.SchemaOptions.forGeneration());
    }

    Generator schemaUncached(JsonNode schema, dev.stencil.schemas.SchemaOptions options) {
        dev.stencil.schemas.InstanceValidator validator = validatorFor(schema);
        return new Generator(this, compileForGeneration(schema, options, false), true, validator::validate);
    }

    /**
     * Compiles {@code schema} with {@code options}; when those forbid unnamed properties and the
     * grammar then derives nothing at all (the schema requires a property it never declares, e.g.
     * {@code "required": ["color"]} beside {@code "properties": {"colors": ...}}), compiles again
     * allowing them, as the schema itself does: generation should not fail on a schema that has
     * instances.
     */
    private CompiledGrammar compileForGeneration(JsonNode schema, dev.stencil.schemas.SchemaOptions options, boolean cached) {
        CompiledGrammar c = compileSchema(schema, options, cached);
        if (options.forbidAdditionalProperties() && derivesNothing(c)) {
            c = compileSchema(schema, options.withForbidAdditionalProperties(false), cached);
        }
        return c;
    }

    private CompiledGrammar compileSchema(JsonNode schema, dev.stencil.schemas.SchemaOptions options, boolean cached) {
        String key = cached ? dev.stencil.schemas.SchemaCache.keyOf(schema, options) : null;
        if (key != null) {
            CompiledGrammar hit = schemaGrammars.get(key);
            if (hit != null) {
                return hit;
            }
        }
        Grammar g = new dev.stencil.schemas.SchemaCompiler(options).compile(schema).grammar();
        CompiledGrammar c = CompiledGrammar.compile(g, vocabularyIndex());
        c.precompute(PRECOMPUTE_LEXER_STATES, precomputeMillis);
        return key == null ? c : schemaGrammars.putIfAbsent(key, c);
    }

    /** Compiled grammars held: {@code [by grammar identity, by schema hash]} (for tests and diagnostics). */
    int[] cachedGrammars() {
        return new int[] {compiled.size(), schemaGrammars.size()};
    }

    /** A map key that compares grammars by identity. */
    private record IdentityKey(Grammar grammar) {
        @Override
        public boolean equals(Object o) {
            return o instanceof IdentityKey k && k.grammar == grammar;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(grammar);
        }
    }

    /**
     * Whether no token at all (not even the stop token) is allowed at the start: the grammar
     * derives nothing (for a schema compiled exactly: the schema has no instance).
     */
    static boolean derivesNothing(CompiledGrammar c) {
        dev.stencil.automata.Matcher m = c.newMatcher();
        if (m.isAccepting()) {
            return false;
        }
        long[] mask = new long[(c.vocabulary().size() + 63) >>> 6];
        m.fillNextTokenMask(mask);
        for (long w : mask) {
            if (w != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The independent validator for {@code schema}. It can reject a schema the compiler accepted
     * (networknt is stricter about e.g. {@code $id} values); that is an input error, reported in one
     * line rather than as the validator library's stack trace.
     */
    private static dev.stencil.schemas.InstanceValidator validatorFor(JsonNode schema) {
        try {
            return dev.stencil.schemas.InstanceValidator.of(schema);
        } catch (dev.stencil.automata.StencilException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DecoderException("the schema validator cannot load this schema (" + e.getClass().getSimpleName() + "): "
                    + e.getMessage(), e);
        }
    }

    /**
     * A JSON generator for the schema of a Java record or class (see {@link TypeSchema}); read the
     * output back with {@link Generator#generate(Class)}.
     */
    public Generator schema(Class<?> type) {
        return schema(TypeSchema.of(type));
    }

    /**
     * A generator whose whole output matches the regular expression {@code pattern} (anchored; the
     * syntax of the grammars module's {@code RegexGrammar}). Compiled per call, not cached.
     */
    public Generator regex(String pattern) {
        return new Generator(this, compileUncached(dev.stencil.grammars.RegexGrammar.of(pattern)), false);
    }

    /** A generator for a GBNF grammar (llama.cpp's format, start rule {@code root}). Compiled per call, not cached. */
    public Generator gbnf(String grammarText) {
        return new Generator(this, compileUncached(dev.stencil.grammars.GbnfGrammarReader.read(grammarText, "<gbnf>")), false);
    }

    private CompiledGrammar compileUncached(Grammar grammar) {
        CompiledGrammar c = CompiledGrammar.compile(grammar, vocabularyIndex());
        c.precompute(PRECOMPUTE_LEXER_STATES, precomputeMillis);
        return c;
    }

    /** A generator without a grammar: the model's own distribution. */
    public Generator unconstrained() {
        return new Generator(this, null, false);
    }

    /** Compiles {@code grammar} against this model's vocabulary, once per grammar instance. */
    public CompiledGrammar compile(Grammar grammar) {
        IdentityKey key = new IdentityKey(grammar);
        CompiledGrammar c = compiled.get(key);
        if (c == null) {
            // compile outside the lock: two threads may race on a new grammar, and both results are equal
            c = CompiledGrammar.compile(grammar, vocabularyIndex());
            // classify the vocabulary per lexer state now, so a request's first masks are not the slow ones
            c.precompute(PRECOMPUTE_LEXER_STATES, precomputeMillis);
            c = compiled.putIfAbsent(key, c);
        }
        return c;
    }

    /** The tokenizer's mask index, built on first use. */
    public VocabularyIndex vocabularyIndex() {
        VocabularyIndex v = index;
        if (v == null) {
            synchronized (this) {
                v = index;
                if (v == null) {
                    v = VocabularyIndex.build(tokenizer.vocabulary());
                    index = v;
                }
            }
        }
        return v;
    }

    /**
     * The model's prompt for a list of keys, from {@code prompt_template} in
     * generation_config.json (the embedded model: {@code Q: Give a JSON object. Keys: a, b.\nA:}).
     */
    public String promptForKeys(List<String> keys) {
        if (promptTemplate == null || !promptTemplate.contains("{keys}")) {
            throw new DecoderException("model " + name + " has no prompt_template with {keys} in generation_config.json");
        }
        return promptTemplate.replace("{keys}", String.join(", ", keys));
    }

    public OnnxCausalLm model() {
        return model;
    }

    public BpeTokenizer tokenizer() {
        return tokenizer;
    }

    public int eosTokenId() {
        return eosTokenId;
    }

    /** Longest sequence (prompt + output) the model can position. */
    public int maxPositions() {
        return maxPositions;
    }

    public String name() {
        return name;
    }

    /**
     * The speculation schedule shared by every generation with {@code draft} (and the same
     * forced-token setting), so a draft that does
     * not pay for itself stays switched off across requests (see {@link DraftSchedule}).
     */
    DraftSchedule draftSchedule(OnnxCausalLm draft, boolean forceTokens, int initialK) {
        DraftSchedule[] pair = draftSchedules.computeIfAbsent(draft,
                d -> new DraftSchedule[] {new DraftSchedule(initialK), new DraftSchedule(initialK)});
        return pair[forceTokens ? 1 : 0];
    }

    /**
     * The learned proposal vocabulary of {@code draft} with this model (see {@link
     * DraftVocabulary}), or null when the draft computes its logits in the graph (a model loaded
     * with {@link OnnxCausalLm#load} rather than {@link OnnxCausalLm#loadDraft}, or a graph whose
     * projection cannot be read).
     */
    DraftVocabulary draftVocabulary(OnnxCausalLm draft) {
        if (draft.hostOutputLayer() == null) {
            return null;
        }
        return draftVocabularies.computeIfAbsent(draft, d -> {
            DraftVocabulary v = new DraftVocabulary(d.hostOutputLayer(), DraftVocabulary.DEFAULT_CAPACITY);
            v.learn(eosTokenId);
            return v;
        });
    }

    /**
     * Lets every draft vocabulary of this model learn from a generation's prompt and output, with
     * a draft or without: what the model writes is what a draft should be able to propose.
     */
    void learnForDrafts(int[] prompt, int[] output) {
        if (draftVocabularies.isEmpty()) {
            return;
        }
        List<DraftVocabulary> vocabularies;
        synchronized (draftVocabularies) {
            vocabularies = List.copyOf(draftVocabularies.values());
        }
        for (DraftVocabulary v : vocabularies) {
            v.learnAll(prompt);
            v.learnAll(output);
        }
    }

    SequenceDecoder decoder() {
        return new SequenceDecoder(model, eosTokenId, maxPositions);
    }

    @Override
    public void close() {
        model.close();
    }
}
