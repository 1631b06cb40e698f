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
 * ({@code temperature 0}), 256 new tokens, no top-k/top-p/min-p. With a temperature above 0 the
 * logits pass grammar mask → temperature → top-k → top-p → min-p and the token is drawn with a
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
    private int[] promptIds;
    private int maxTokens = 256;
    private double temperature;
    private int topK;
    private double topP = 1;
    private double minP;
    private long seed;
    private Consumer<String> onText;
    private int[] replay;

    Generator(Stencil stencil, CompiledGrammar grammar, boolean json) {
        this.stencil = stencil;
        this.grammar = grammar;
        this.json = json;
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

    /** Seed of the sampling generator (ignored when greedy). */
    public Generator seed(long s) {
        this.seed = s;
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
        List<LogitsProcessor> stages = new ArrayList<>();
        TokenSelector selector;
        if (temperature == 0) {
            selector = TokenSelector.greedy(); // top-k/p and min-p never remove the argmax: nothing else to apply
        } else {
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
            selector = TokenSelector.sampling(seed);
        }
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
        SequenceDecoder.Outcome o = stencil.decoder().decode(promptIds, matcher, stages, selector, maxTokens, replay, onToken);
        String text = new String(stencil.tokenizer().decode(o.tokens()), StandardCharsets.UTF_8);
        JsonNode value = null;
        if (json && o.finishReason() == FinishReason.STOP) {
            value = parse(text);
        }
        return new GenerationResult(text, value, o.tokens(), promptIds.length, o.finishReason(), o.timings());
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
