package dev.stencil.decoder;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.Matcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * One generation request, configured fluently and run by {@link #generate()}. Defaults: greedy
 * ({@code temperature 0}), 256 new tokens, no top-k/top-p/min-p, no penalty. With a temperature above 0 the
 * logits pass grammar mask → repetition penalty → temperature → top-k → top-p → min-p and the token is drawn with a
 * generator seeded by {@link #seed} (same seed, same output).
 *
 * <p>Not thread-safe (a per-request object); the {@link Stencil} it comes from is. {@code
 * generate()} may be called repeatedly; each call starts from a fresh grammar state and cache.
 */
public final class Generator {
    private static final ObjectReader STRICT_JSON = new ObjectMapper().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Stencil stencil;
    private final CompiledGrammar grammar;
    private final boolean json;
    private final java.util.function.Function<JsonNode, List<String>> validator;
    private int[] promptIds;
    private int maxTokens = 256;
    private double temperature;
    private int topK;
    private double topP = 1;
    private double minP;
    private double repetitionPenalty = 1;
    private long seed;
    private Consumer<String> onText;
    private OnnxCausalLm draft;
    private int draftTokens = 4;
    private int[] replay;

    Generator(Stencil stencil, CompiledGrammar grammar, boolean json) {
        this(stencil, grammar, json, null);
    }

    /** @param validator checks a parsed output independently of the grammar (schema generations), or null */
    Generator(Stencil stencil, CompiledGrammar grammar, boolean json,
              java.util.function.Function<JsonNode, List<String>> validator) {
        this.stencil = stencil;
        this.grammar = grammar;
        this.json = json;
        this.validator = validator;
    }

    /**
     * The prompt, encoded with the model's tokenizer as plain text (no special tokens added). For
     * the embedded model use its training format, e.g. {@code Q: Give a JSON object. Keys: a, b.\nA:}
     * with no trailing space: the model's first answer token is {@code " {"} with its leading
     * space, which the JSON grammar's leading whitespace allows.
     */
    public Generator prompt(String text) {
        if (text == null || text.isEmpty()) {
            throw new DecoderException("the prompt must not be empty");
        }
        this.promptIds = stencil.tokenizer().encode(text);
        return this;
    }

    /** The prompt as token ids (e.g. with a leading BOS token). */
    public Generator promptTokens(int... ids) {
        if (ids.length == 0) {
            throw new DecoderException("the prompt must not be empty");
        }
        this.promptIds = ids.clone();
        return this;
    }

    /** Most new tokens; reaching it first ends the generation as {@link FinishReason#LENGTH}. */
    public Generator maxTokens(int n) {
        if (n < 1) {
            throw new DecoderException("max tokens must be >= 1, got " + n);
        }
        this.maxTokens = n;
        return this;
    }

    /** 0 = greedy; above 0 samples from softmax(logits / temperature). */
    public Generator temperature(double t) {
        if (!(t >= 0) || Double.isInfinite(t)) {
            throw new DecoderException("temperature must be >= 0 and finite, got " + t);
        }
        this.temperature = t;
        return this;
    }

    /** Keep the k most likely tokens when sampling; 0 = off. */
    public Generator topK(int k) {
        if (k < 0) {
            throw new DecoderException("top-k must be >= 0 (0 = off), got " + k);
        }
        this.topK = k;
        return this;
    }

    /** Nucleus sampling threshold in (0, 1]; 1 = off. */
    public Generator topP(double p) {
        if (!(p > 0 && p <= 1)) {
            throw new DecoderException("top-p must be in (0, 1], got " + p);
        }
        this.topP = p;
        return this;
    }

    /** Min-p threshold in [0, 1]; 0 = off. */
    public Generator minP(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new DecoderException("min-p must be in [0, 1], got " + p);
        }
        this.minP = p;
        return this;
    }

    /**
     * Repetition penalty ({@code >= 1}; 1 = off) on the tokens generated so far, applied after the
     * grammar mask and before temperature, greedy or not.
     */
    public Generator repetitionPenalty(double penalty) {
        if (!(penalty >= 1) || Double.isInfinite(penalty)) {
            throw new DecoderException("repetition penalty must be >= 1 and finite (1 = off), got " + penalty);
        }
        this.repetitionPenalty = penalty;
        return this;
    }

    /** Seed of the sampling generator (ignored when greedy). */
    public Generator seed(long s) {
        this.seed = s;
        return this;
    }

    /**
     * Speculative decoding with {@code draftModel} (same vocabulary, e.g. {@link
     * Stencil#embeddedDraft}): greedy only, with a grammar; the output is identical to plain greedy
     * decoding. null turns it off.
     */
    public Generator draft(OnnxCausalLm draftModel) {
        this.draft = draftModel;
        return this;
    }

    /** Initial number of draft tokens per proposal (adapted as decoding goes, 1 to 8). Default 4. */
    public Generator draftTokens(int k) {
        if (k < 1 || k > SpeculativeDecoder.MAX_K) {
            throw new DecoderException("draft tokens must be in 1.." + SpeculativeDecoder.MAX_K + ", got " + k);
        }
        this.draftTokens = k;
        return this;
    }

    /** Streams the output text as it is generated, never splitting a UTF-8 character. */
    public Generator onText(Consumer<String> listener) {
        this.onText = listener;
        return this;
    }

    /**
     * Feeds these tokens instead of the chosen ones (still computing masks and choices), for
     * benchmarks that compare runs over identical token sequences. A replayed token the grammar
     * rejects is an error.
     */
    Generator replay(int[] tokens) {
        this.replay = tokens.clone();
        return this;
    }

    /** Runs the generation. */
    public GenerationResult generate() {
        if (promptIds == null) {
            throw new DecoderException("no prompt: call prompt(...) or promptTokens(...) before generate()");
        }
        Matcher matcher = grammar == null ? null : grammar.newMatcher();
        List<LogitsProcessor> stages = stages();
        TokenSelector selector = selector(seed);
        IntConsumer onToken = null;
        if (onText != null) {
            Utf8Chunker chunker = new Utf8Chunker();
            Consumer<String> sink = onText;
            onToken = id -> {
                String piece = chunker.push(stencil.tokenizer().decode(new int[] {id}));
                if (!piece.isEmpty()) {
                    sink.accept(piece);
                }
            };
        }
        int[] tokens;
        FinishReason finish;
        Timings timings;
        Speculation speculation = null;
        if (draft != null) {
            if (matcher == null || !stages.isEmpty() || replay != null) { // greedy without penalty has no stages
                throw new DecoderException("speculative decoding supports greedy decoding under a grammar only (no temperature, penalty or replay) for now");
            }
            SpeculativeDecoder.Outcome o = new SpeculativeDecoder(stencil.model(), draft, stencil.eosTokenId(), stencil.maxPositions())
                    .decode(promptIds, matcher, maxTokens, draftTokens, onToken);
            tokens = o.tokens();
            finish = o.finishReason();
            timings = o.timings();
            speculation = o.speculation();
        } else {
            SequenceDecoder.Outcome o = stencil.decoder().decode(promptIds, matcher, stages, selector, maxTokens, replay, onToken);
            tokens = o.tokens();
            finish = o.finishReason();
            timings = o.timings();
        }
        return result(tokens, promptIds.length, finish, timings, speculation);
    }

    /**
     * Generates for several prompts at once: one left-padded batch through the model, each row
     * with its own grammar state, stopping independently. Greedy rows give the same output as
     * {@link #generate()} on each prompt; sampled row {@code i} uses seed {@code seed + i}. The
     * timings of every result are those of the whole batch. The prompt set by {@link #prompt} is
     * ignored; streaming, drafts and replay are not supported here.
     */
    public List<GenerationResult> generateAll(List<String> prompts) {
        if (prompts.isEmpty()) {
            throw new DecoderException("generateAll needs at least one prompt");
        }
        if (draft != null || onText != null || replay != null) {
            throw new DecoderException("generateAll does not support drafts, streaming or replay yet");
        }
        int b = prompts.size();
        int[][] ids = new int[b][];
        Matcher[] matchers = new Matcher[b];
        List<List<LogitsProcessor>> stages = new ArrayList<>();
        TokenSelector[] selectors = new TokenSelector[b];
        for (int i = 0; i < b; i++) {
            String p = prompts.get(i);
            if (p == null || p.isEmpty()) {
                throw new DecoderException("prompt " + i + " is empty");
            }
            ids[i] = stencil.tokenizer().encode(p);
            matchers[i] = grammar == null ? null : grammar.newMatcher();
            stages.add(stages());
            selectors[i] = selector(seed + i);
        }
        BatchDecoder.Outcome o = new BatchDecoder(stencil.model(), stencil.eosTokenId(), stencil.maxPositions())
                .decode(ids, matchers, stages, selectors, maxTokens);
        List<GenerationResult> results = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            results.add(result(o.tokens()[i], ids[i].length, o.finishReasons()[i], o.timings(), null));
        }
        return results;
    }

    /** The processor chain after the grammar mask, fresh per sequence (penalties keep state). */
    private List<LogitsProcessor> stages() {
        List<LogitsProcessor> stages = new ArrayList<>();
        if (repetitionPenalty > 1) {
            stages.add(new RepetitionPenalty(repetitionPenalty));
        }
        if (temperature > 0) {
            // greedy needs none of these: top-k/p and min-p never remove the argmax
            stages.add(new Temperature(temperature));
            if (topK > 0) {
                stages.add(new TopK(topK));
            }
            if (topP < 1) {
                stages.add(new TopP(topP));
            }
            if (minP > 0) {
                stages.add(new MinP(minP));
            }
        }
        return stages;
    }

    private TokenSelector selector(long s) {
        return temperature == 0 ? TokenSelector.greedy() : TokenSelector.sampling(s);
    }

    private GenerationResult result(int[] tokens, int promptTokens, FinishReason finish, Timings timings, Speculation speculation) {
        String text = new String(stencil.tokenizer().decode(tokens), StandardCharsets.UTF_8);
        JsonNode value = null;
        List<String> errors = List.of();
        if (json && finish == FinishReason.STOP) {
            value = parse(text);
            if (value == null) {
                errors = List.of("the output is not exactly one JSON value");
            } else if (validator != null) {
                errors = validator.apply(value);
                if (!errors.isEmpty()) {
                    value = null; // never hand out an output the schema rejects
                }
            }
        }
        return new GenerationResult(text, value, tokens, promptTokens, finish, timings, speculation, errors);
    }

    /** Parses a complete output; null when it is not exactly one JSON value. */
    private static JsonNode parse(String text) {
        try {
            JsonNode n = STRICT_JSON.readTree(text);
            return n == null || n.isMissingNode() ? null : n;
        } catch (IOException e) {
            return null;
        }
    }
}
