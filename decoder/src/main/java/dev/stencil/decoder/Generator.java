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
 * ({@code temperature 0}), 256 new tokens, no top-k/top-p/typical-p/min-p, no penalty, no stop sequence, no
 * forced tokens. The logits pass grammar mask → keywords (must-exclude/must-include) → min new tokens → repetition penalty → presence/frequency
 * penalties and, with a temperature above 0, → temperature → top-k → top-p → typical-p → min-p, and the token is drawn with a
 * generator seeded by {@link #seed} (same seed, same output).
 *
 * <p>Not thread-safe (a per-request object); the {@link Stencil} it comes from is. {@code
 * generate()} may be called repeatedly; each call starts from a fresh grammar state and cache.
 */
public final class Generator {
    private static final ObjectReader STRICT_JSON = new ObjectMapper().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Binds outputs to classes by their fields as well as by their accessors (records, plain classes). */
    private static final ObjectMapper OBJECTS = new ObjectMapper()
            .setVisibility(com.fasterxml.jackson.annotation.PropertyAccessor.FIELD, com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility.ANY);

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
    private DraftSchedule draftSchedule;
    private int[] replay;
    private int minTokens;
    private List<String> stopSequences = List.of();
    private double typicalP = 1;
    private double presencePenalty;
    private double frequencyPenalty;
    private boolean forceTokens;
    private int numBeams = 1;
    private double lengthPenalty = 1;
    private boolean tokenHealing;
    private int beamGroups = 1;
    private double diversityPenalty;
    private int contrastiveK;
    private double contrastiveAlpha;
    private List<String> excludeWords = List.of();
    private List<String> includeWords = List.of();
    private KeywordTokens excludeTokens;
    private KeywordTokens includeTokens;
    private dev.stencil.decoder.semantic.SemanticConstraint semantic;
    private int bestOf = 1;
    /** null: use the in-graph mask whenever the model has it and the request allows; else as set. */
    private Boolean maskOnDevice;

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

    /**
     * Fewest new tokens: the stop token is masked until {@code n} tokens exist (unless the grammar
     * allows nothing else, see {@link MinNewTokens}). 0 = off. Must not exceed {@link #maxTokens}.
     */
    public Generator minTokens(int n) {
        if (n < 0) {
            throw new DecoderException("min tokens must be >= 0, got " + n);
        }
        this.minTokens = n;
        return this;
    }

    /**
     * Stop sequences: generation ends as soon as the text contains one of them, and the text is cut
     * just before it ({@link FinishReason#STOP_SEQUENCE}). Matched on the decoded bytes, across
     * token boundaries; streamed text never includes (a part of) a stop sequence.
     */
    public Generator stop(List<String> sequences) {
        for (String s : sequences) {
            if (s == null || s.isEmpty()) {
                throw new DecoderException("a stop sequence must not be empty");
            }
        }
        this.stopSequences = List.copyOf(sequences);
        return this;
    }

    /** Locally typical sampling mass in (0, 1]; 1 = off. Applies when sampling. */
    public Generator typicalP(double p) {
        if (!(p > 0 && p <= 1)) {
            throw new DecoderException("typical-p must be in (0, 1], got " + p);
        }
        this.typicalP = p;
        return this;
    }

    /** Additive penalty on every token already generated, in [-2, 2]; 0 = off. Greedy or not. */
    public Generator presencePenalty(double p) {
        PresenceFrequencyPenalty.check("presence", p);
        this.presencePenalty = p;
        return this;
    }

    /** Additive penalty per earlier occurrence of a token, in [-2, 2]; 0 = off. Greedy or not. */
    public Generator frequencyPenalty(double p) {
        PresenceFrequencyPenalty.check("frequency", p);
        this.frequencyPenalty = p;
        return this;
    }

    /**
     * Forced tokens (jump-forward): where the grammar admits only one continuation, append its
     * canonical tokenization without sampling, in one forward pass with the token before it (see
     * {@link JumpForward}). Needs a grammar.
     */
    public Generator forceTokens(boolean on) {
        this.forceTokens = on;
        return this;
    }

    /**
     * Beam search with {@code n} beams (1 = off): each beam has its own forked grammar state and
     * cache row (see {@link BeamSearch}). Greedy only, with a grammar, without penalties, stop
     * sequences, forced tokens, drafts or streaming.
     */
    public Generator numBeams(int n) {
        if (n < 1 || n > 64) {
            throw new DecoderException("num beams must be in 1..64, got " + n);
        }
        this.numBeams = n;
        return this;
    }

    /**
     * Length penalty of beam search: finished hypotheses are ranked by {@code logprob /
     * length^penalty}; above 0 favours longer outputs, below 0 shorter ones. Default 1.
     */
    public Generator lengthPenalty(double penalty) {
        if (!Double.isFinite(penalty)) {
            throw new DecoderException("length penalty must be finite, got " + penalty);
        }
        this.lengthPenalty = penalty;
        return this;
    }

    /**
     * Must-exclude keywords: none of these strings can appear in the output, also where one would
     * straddle two tokens or start at the end of the prompt (exact: see {@link KeywordConstraint}).
     * Matched on the UTF-8 bytes, case-sensitively. With a draft model the draft proposes under a fork of the keyword state. With
     * forced tokens, text the grammar forces is checked as it is fed: forced text that completes a
     * banned word is an error (the grammar leaves no other way, as without forced tokens).
     */
    public Generator mustExclude(List<String> words) {
        this.excludeWords = words.isEmpty() ? List.of() : new KeywordAutomaton(words, "must-exclude").keywords(-1L);
        this.excludeTokens = null;
        return this;
    }

    /**
     * Must-include keywords: the stop token is masked until every one of them has appeared in the
     * output. Where the grammar leaves nothing but the stop token before they all appeared,
     * generation ends with {@link FinishReason#MISSING_KEYWORDS} (never as a valid output). With
     * beam search, beams that made more progress towards them are kept first (constrained beam
     * search). With a draft model the draft proposes under a fork of the keyword state. With
     * forced tokens, text the grammar forces is checked as it is fed: forced text that completes a
     * banned word is an error (the grammar leaves no other way, as without forced tokens).
     */
    public Generator mustInclude(List<String> words) {
        this.includeWords = words.isEmpty() ? List.of() : new KeywordAutomaton(words, "must-include").keywords(-1L);
        this.includeTokens = null;
        return this;
    }

    /**
     * Token healing (see {@link TokenHealing}): the prompt's last token is taken off and the first
     * generated tokens must spell it again, so a prompt that ends mid-token (a trailing space, half
     * a word) does not push the model off its natural tokenization. The result's {@code text}
     * excludes the re-spelled bytes; its {@code tokens} include the token that re-spelled them.
     * Greedy or sampling only. Default off: the embedded model's prompts end cleanly at {@code A:}.
     */
    public Generator tokenHealing(boolean on) {
        this.tokenHealing = on;
        return this;
    }

    /**
     * Diverse beam search: split the {@link #numBeams} beams into {@code g} groups (1 = off) that
     * are kept apart by {@link #diversityPenalty}; {@link #generateGroups()} returns each group's output.
     */
    public Generator beamGroups(int g) {
        if (g < 1 || g > 64) {
            throw new DecoderException("beam groups must be in 1..64, got " + g);
        }
        this.beamGroups = g;
        return this;
    }

    /**
     * Diverse beam search's Hamming diversity penalty (>= 0): a group's score for a token drops by
     * this much per beam of an earlier group that chose the same token at the same step. Default 0.
     */
    public Generator diversityPenalty(double penalty) {
        if (!(penalty >= 0) || Double.isInfinite(penalty)) {
            throw new DecoderException("diversity penalty must be >= 0 and finite, got " + penalty);
        }
        this.diversityPenalty = penalty;
        return this;
    }

    /**
     * Contrastive search (Su et al., 2022): at each step the {@code k} most likely allowed tokens are
     * scored by {@code (1 - alpha) * p - alpha * (max cosine similarity of the token's hidden state to
     * the earlier ones)}; the best is taken. Masks (grammar, keywords, penalties) apply before the
     * candidates are picked. Needs a model with a {@code hidden_states} output. {@code k = 0} = off.
     */
    public Generator contrastive(int k, double alpha) {
        if (k < 0 || k > 64) {
            throw new DecoderException("contrastive top-k must be in 0..64 (0 = off), got " + k);
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new DecoderException("contrastive alpha (degeneration penalty) must be in [0, 1], got " + alpha);
        }
        if (k > 0 && !stencil.model().shape().hasHiddenStates()) {
            throw new DecoderException("contrastive search needs the model's 'hidden_states' output; model " + stencil.model().name()
                    + " has none (re-export it with the final hidden states as an output)");
        }
        this.contrastiveK = k;
        this.contrastiveAlpha = alpha;
        return this;
    }

    /**
     * Masks inside the model's graph (the model must be loaded with {@link
     * RuntimeOptions#withMaskOnDevice}): only the best allowed candidates leave the model, see
     * {@link DeviceMaskDecoder}. Possible for greedy decoding without penalties or min tokens, and
     * for sampling with top-k (then k candidates) without them; same tokens as masking on the host.
     * Not with beams or a draft, which need the full logits. {@code true} makes an impossible
     * combination an error; {@code false} always masks on the host. Unset, the device mask is used
     * whenever the model has it and the request allows.
     */
    public Generator maskOnDevice(boolean on) {
        this.maskOnDevice = on;
        return this;
    }

    /**
     * Candidates per step for the in-graph mask, or 0 when this request masks on the host; with
     * {@code maskOnDevice(true)}, an error saying why it cannot. Judged on the actual processor
     * chain: greedy needs none; sampling needs top-k before anything that reads the rest of the
     * distribution (top-p, typical-p, min-p), and nothing else but temperature. Any other
     * processor (penalties, min tokens, keywords, ones added later) means the host path.
     */
    private int deviceCandidates(List<LogitsProcessor> stages) {
        if (Boolean.FALSE.equals(maskOnDevice)) {
            return 0;
        }
        String why = null;
        int k = 0;
        if (!stencil.model().hasDeviceTopK()) {
            why = "the model was loaded without it (RuntimeOptions.withMaskOnDevice(true), --mask-on-device)";
        } else if (numBeams > 1 || beamGroups > 1 || draft != null || contrastiveK > 0 || tokenHealing) {
            why = "beam search, speculative decoding, contrastive search and token healing need the full logits";
        } else if (temperature == 0) {
            if (stages.isEmpty()) {
                k = 1;
            } else {
                why = "penalties, min tokens and keywords change logits outside the top candidates";
            }
        } else if (topK == 0) {
            why = "sampling without top-k needs the whole distribution (set top-k)";
        } else {
            boolean seenTopK = false;
            for (LogitsProcessor p : stages) {
                if (p instanceof TopK) {
                    seenTopK = true;
                } else if ((p instanceof TopP || p instanceof TypicalP || p instanceof MinP) && !seenTopK) {
                    why = "top-p, typical-p and min-p before top-k read the whole distribution";
                } else if (!(p instanceof Temperature || p instanceof TopP || p instanceof TypicalP || p instanceof MinP)) {
                    why = "penalties, min tokens and keywords change logits outside the top candidates";
                }
            }
            k = Math.min(topK, stencil.model().shape().vocabSize()); // a top-k wider than the vocabulary keeps everything
        }
        if (why != null && Boolean.TRUE.equals(maskOnDevice)) {
            throw new DecoderException("cannot mask on the device: " + why);
        }
        return why == null ? k : 0;
    }

    /** Seed of the sampling generator (ignored when greedy). */
    public Generator seed(long s) {
        this.seed = s;
        return this;
    }

    /**
     * Speculative decoding with {@code draftModel} (same vocabulary, e.g. {@link
     * Stencil#embeddedDraft}), under a grammar. Greedy: the output is identical to plain greedy
     * decoding. With a temperature: draft tokens are kept or replaced by the standard acceptance
     * rule on the masked distributions (see {@link SpeculativeSampling}), so outputs follow the
     * same distribution as plain sampling (not the same tokens for a seed). Combines with forced
     * tokens and with temperature/top-k/top-p/typical-p/min-p, not with penalties or min tokens.
     * Greedy: whether the draft is used at all is measured as it goes (see {@link DraftSchedule}),
     * and a draft loaded with {@link OnnxCausalLm#loadDraft} scores only the tokens seen in this
     * model's prompts and outputs, on the host (see {@link DraftVocabulary}). Sampled: the draft is
     * always used, with its full projection, so that the same seed gives the same output. null
     * turns it off.
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

    /** Uses this schedule instead of the model's shared adaptive one (tests, fixed-k benchmarks). */
    Generator draftSchedule(DraftSchedule schedule) {
        this.draftSchedule = schedule;
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

    /** The compiled grammar, or null when unconstrained (tests score sequences under it). */
    CompiledGrammar grammar() {
        return grammar;
    }

    /** Runs the generation. */
    /**
     * A constraint on meaning that no grammar can express, judged on finished candidates: with
     * {@link #bestOf} n sampled candidates (seeds {@code seed .. seed + n - 1}) or with beam search
     * every finished beam, incomplete or invalid candidates are dropped, then those the constraint
     * rejects; {@link #generate()} returns the passing candidate with the highest score (with
     * beams: the best-ranked passing beam), or a result with finish reason
     * {@link FinishReason#UNSATISFIED} whose validation errors give every verdict.
     */
    public Generator semantic(dev.stencil.decoder.semantic.SemanticConstraint constraint) {
        this.semantic = java.util.Objects.requireNonNull(constraint, "constraint");
        return this;
    }

    /** Number of sampled candidates to draw for a {@link #semantic} constraint (needs a temperature above 0 when more than 1). */
    public Generator bestOf(int n) {
        if (n < 1 || n > 64) {
            throw new DecoderException("best-of must be between 1 and 64, got " + n);
        }
        this.bestOf = n;
        return this;
    }

    public GenerationResult generate() {
        if (semantic != null) {
            return generateJudged();
        }
        if (bestOf > 1) {
            throw new DecoderException("best-of-n draws candidates for a semantic constraint: set one with semantic(...)");
        }
        return generateOne();
    }

    /** The candidates of a semantic constraint, judged; the best passing one or an UNSATISFIED result. */
    private GenerationResult generateJudged() {
        if (onText != null) {
            throw new DecoderException("streaming is not available with a semantic constraint: candidates are judged once finished");
        }
        boolean beams = numBeams > 1 || beamGroups > 1;
        List<GenerationResult> candidates = new ArrayList<>();
        if (beams) {
            if (bestOf > 1) {
                throw new DecoderException("with beam search the candidates are the finished beams: leave best-of at 1");
            }
            if (promptIds == null) {
                throw new DecoderException("no prompt: call prompt(...) or promptTokens(...) before generate()");
            }
            BeamSearch.Outcome o = beamSearch(grammar == null ? null : grammar.newMatcher(), stages(promptIds),
                    stopSequences.isEmpty() ? null : new StopSequences(stopSequences));
            List<BeamSearch.Hypothesis> ranked = o.finished().isEmpty() ? o.groupBests() : o.finished();
            for (BeamSearch.Hypothesis h : ranked) {
                candidates.add(result(h.tokens(), null, promptIds.length, h.finishReason(), o.timings(), null));
            }
        } else {
            if (bestOf > 1 && temperature <= 0) {
                throw new DecoderException("best-of-" + bestOf + " needs sampling (temperature > 0): greedy candidates would all be the same");
            }
            long base = seed;
            try {
                for (int i = 0; i < bestOf; i++) {
                    seed = base + i;
                    candidates.add(generateOne());
                }
            } finally {
                seed = base;
            }
        }
        GenerationResult best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        List<String> verdicts = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            GenerationResult c = candidates.get(i);
            boolean complete = c.finishReason() == FinishReason.STOP && c.validationErrors().isEmpty() && (!json || c.json() != null);
            if (!complete) {
                verdicts.add("candidate " + i + ": not a complete valid output (" + c.finishReason().label() + ")");
                continue;
            }
            dev.stencil.decoder.semantic.SemanticConstraint.Verdict v = semantic.judge(c.text());
            verdicts.add("candidate " + i + ": " + (v.passes() ? "passes" : "fails") + ", " + v.explanation());
            if (v.passes() && (best == null || (!beams && v.score() > bestScore))) {
                best = c;
                bestScore = v.score();
            }
        }
        if (best != null) {
            return best;
        }
        GenerationResult first = candidates.get(0);
        List<String> errors = new ArrayList<>();
        errors.add("no candidate satisfied the semantic constraint (" + candidates.size() + " judged)");
        errors.addAll(verdicts);
        return new GenerationResult(first.text(), null, first.tokens(), first.promptTokens(), FinishReason.UNSATISFIED,
                first.timings(), first.speculation(), List.copyOf(errors));
    }

    private GenerationResult generateOne() {
        if (promptIds == null) {
            throw new DecoderException("no prompt: call prompt(...) or promptTokens(...) before generate()");
        }
        if (minTokens > maxTokens) {
            throw new DecoderException("min tokens (" + minTokens + ") exceeds max tokens (" + maxTokens + ")");
        }
        if (forceTokens && grammar == null) {
            throw new DecoderException("forced tokens need a grammar (they come from what the grammar forces)");
        }
        TokenHealing heal = tokenHealing ? TokenHealing.of(promptIds, stencil.vocabularyIndex()) : null;
        if (heal != null && (numBeams > 1 || beamGroups > 1 || contrastiveK > 0 || draft != null || forceTokens || replay != null
                || !stopSequences.isEmpty())) {
            throw new DecoderException("token healing works with greedy decoding or sampling only (not with beams, contrastive search, "
                    + "drafts, forced tokens, replay or stop sequences)");
        }
        int[] modelPrompt = heal == null ? promptIds : TokenHealing.shortened(promptIds);
        Matcher matcher = grammar == null ? null : grammar.newMatcher();
        List<LogitsProcessor> stages = stages(modelPrompt);
        StopSequences stop = stopSequences.isEmpty() ? null : new StopSequences(stopSequences);
        TokenSelector selector = selector(seed);
        IntConsumer onToken = null;
        if (onText != null) {
            Utf8Chunker chunker = new Utf8Chunker();
            Consumer<String> sink = onText;
            if (stop == null) {
                int[] unstreamedPrefix = {heal == null ? 0 : heal.prefix().length}; // the healed prompt bytes are not output
                onToken = id -> {
                    byte[] bytes = stencil.tokenizer().decode(new int[] {id});
                    if (unstreamedPrefix[0] > 0) {
                        int cut = Math.min(unstreamedPrefix[0], bytes.length);
                        unstreamedPrefix[0] -= cut;
                        bytes = java.util.Arrays.copyOfRange(bytes, cut, bytes.length);
                    }
                    String piece = chunker.push(bytes);
                    if (!piece.isEmpty()) {
                        sink.accept(piece);
                    }
                };
            } else {
                // stream only what no stop sequence can still cut off
                int[] streamed = {0};
                onToken = id -> {
                    int safe = stop.safeLength();
                    if (safe > streamed[0]) {
                        byte[] out = stop.output();
                        String piece = chunker.push(java.util.Arrays.copyOfRange(out, streamed[0], safe));
                        streamed[0] = safe;
                        if (!piece.isEmpty()) {
                            sink.accept(piece);
                        }
                    }
                };
            }
        }
        int[] tokens;
        FinishReason finish;
        Timings timings;
        Speculation speculation = null;
        int deviceK = deviceCandidates(stages);
        if (numBeams > 1 || beamGroups > 1) {
            BeamSearch.Outcome o = beamSearch(matcher, stages, stop);
            return result(o.tokens(), null, promptIds.length, o.finishReason(), o.timings(), null);
        }
        if (contrastiveK > 0) {
            if (beamGroups > 1 || temperature > 0 || draft != null || forceTokens || replay != null || stop != null) {
                throw new DecoderException("contrastive search is deterministic: not combined with temperature, beams, drafts, forced tokens, "
                        + "stop sequences or replay");
            }
            ContrastiveSearch.Outcome o = new ContrastiveSearch(stencil.model(), stencil.eosTokenId(), stencil.maxPositions())
                    .search(promptIds, matcher, stages, contrastiveK, contrastiveAlpha, maxTokens, onToken);
            return result(o.tokens(), null, promptIds.length, o.finishReason(), o.timings(), null);
        }
        if (draft != null) {
            if (matcher == null || replay != null || stop != null) {
                throw new DecoderException("speculative decoding needs a grammar and supports neither replay nor stop sequences (for now)");
            }
            if (keywords() && forceTokens) {
                throw new DecoderException("must-include/must-exclude keywords with a draft model do not combine with forced tokens yet");
            }
            if (minTokens > 0 || repetitionPenalty > 1 || presencePenalty != 0 || frequencyPenalty != 0) {
                // these stages remember the sequence; the draft's proposals would need their own copies
                throw new DecoderException("speculative decoding does not combine with min tokens or penalties (for now)");
            }
        }
        DraftSchedule schedule = draft == null ? null : draftSchedule != null ? draftSchedule
                : temperature > 0 ? DraftSchedule.forOneSampledGeneration(draftTokens)
                : stencil.draftSchedule(draft, forceTokens, draftTokens);
        boolean speculate = schedule != null && schedule.speculateNext();
        // a greedy draft proposes from the tokens seen in this model's prompts and outputs
        DraftVocabulary draftVocabulary = draft == null || temperature > 0 ? null : stencil.draftVocabulary(draft);
        if (speculate) {
            KeywordConstraint draftKeywords = keywordConstraint(modelPrompt);
            List<LogitsProcessor> specStages = stages;
            if (draftKeywords != null) {
                // the speculative loop carries it (forked for the draft), not the processor chain
                specStages = new ArrayList<>(stages.subList(1, stages.size()));
            }
            SpeculativeDecoder.Outcome o = new SpeculativeDecoder(stencil.model(), draft, stencil.eosTokenId(), stencil.maxPositions(),
                    draftVocabulary)
                    .decode(promptIds, matcher, draftKeywords, maxTokens, schedule, onToken, specStages,
                            temperature > 0 ? new java.util.SplittableRandom(seed) : null,
                            forceTokens ? new JumpForward(stencil.tokenizer()) : null);
            tokens = o.tokens();
            finish = o.finishReason();
            timings = o.timings();
            speculation = o.speculation();
        } else if (deviceK > 0) {
            if (forceTokens && replay != null) {
                throw new DecoderException("forced tokens cannot be combined with replay");
            }
            SequenceDecoder.Outcome o = new DeviceMaskDecoder(stencil.model(), stencil.eosTokenId(), stencil.maxPositions())
                    .decode(modelPrompt, matcher, stages, selector, deviceK, maxTokens, replay, onToken, stop,
                            id -> stencil.tokenizer().decode(new int[] {id}), forceTokens ? new JumpForward(stencil.tokenizer()) : null);
            tokens = o.tokens();
            finish = o.finishReason();
            timings = o.timings();
        } else {
            if (forceTokens && replay != null) {
                throw new DecoderException("forced tokens cannot be combined with replay");
            }
            SequenceDecoder.Outcome o = stencil.decoder().decode(modelPrompt, matcher, stages, selector, maxTokens, replay, onToken,
                    stop, id -> stencil.tokenizer().decode(new int[] {id}), forceTokens ? new JumpForward(stencil.tokenizer()) : null, heal);
            tokens = o.tokens();
            finish = o.finishReason();
            timings = o.timings();
            if (schedule != null) {
                // the schedule judged the draft not to pay: the plain loop ran, at no speculative cost
                speculation = new Speculation(0, 0, timings.forwardPasses(), 0, schedule.currentK());
            }
        }
        if (schedule != null && !speculate) {
            schedule.recordPlainGeneration(timings.decodeNanos(), tokens.length);
        }
        stencil.learnForDrafts(modelPrompt, tokens);
        String text = stop != null ? new String(stop.output(), StandardCharsets.UTF_8) : null;
        if (heal != null) {
            byte[] all = stencil.tokenizer().decode(tokens);
            int cut = Math.min(all.length, heal.prefix().length); // the re-spelled prompt token is not part of the answer
            text = new String(all, cut, all.length - cut, StandardCharsets.UTF_8);
        }
        return result(tokens, text, modelPrompt.length, finish, timings, speculation);
    }

    /**
     * Generates and reads the output as a {@code type} (a record or class, e.g. with a generator from
     * {@link Stencil#schema(Class)}), with Jackson. An output that is not complete and valid is a
     * {@link DecoderException} naming the finish reason and what was wrong, never a half-filled object.
     */
    public <T> T generate(Class<T> type) {
        GenerationResult r = generate();
        if (!r.valid()) {
            throw new DecoderException("no valid " + type.getSimpleName() + " was generated (" + r.finishReason().label()
                    + (r.validationErrors().isEmpty() ? "" : ", " + r.validationErrors()) + "): " + r.text());
        }
        try {
            return OBJECTS.treeToValue(r.json(), type);
        } catch (IOException e) {
            throw new DecoderException("the output does not bind to " + type.getName() + ": " + e.getMessage(), e);
        }
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
        if (draft != null || onText != null || replay != null || !stopSequences.isEmpty() || forceTokens) {
            throw new DecoderException("generateAll does not support drafts, streaming, replay, stop sequences or forced tokens yet");
        }
        if (numBeams > 1 || beamGroups > 1 || contrastiveK > 0 || tokenHealing) {
            throw new DecoderException("generateAll decodes each prompt greedily or by sampling: beams, contrastive search and token "
                    + "healing work per prompt with generate()");
        }
        if (minTokens > maxTokens) {
            throw new DecoderException("min tokens (" + minTokens + ") exceeds max tokens (" + maxTokens + ")");
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
            stages.add(stages(ids[i]));
            selectors[i] = selector(seed + i);
        }
        BatchDecoder.Outcome o = new BatchDecoder(stencil.model(), stencil.eosTokenId(), stencil.maxPositions())
                .decode(ids, matchers, stages, selectors, maxTokens);
        List<GenerationResult> results = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            results.add(result(o.tokens()[i], null, ids[i].length, o.finishReasons()[i], o.timings(), null));
        }
        return results;
    }

    /**
     * Diverse beam search: the output of each beam group (group order; the group's best
     * hypothesis), which differ from one another as the diversity penalty pushes them apart. Needs
     * {@link #numBeams} divisible by {@link #beamGroups}. {@link #generate()} returns the best of them.
     */
    public List<GenerationResult> generateGroups() {
        if (promptIds == null) {
            throw new DecoderException("no prompt: call prompt(...) or promptTokens(...) before generateGroups()");
        }
        Matcher matcher = grammar == null ? null : grammar.newMatcher();
        BeamSearch.Outcome o = beamSearch(matcher, stages(promptIds), stopSequences.isEmpty() ? null : new StopSequences(stopSequences));
        List<GenerationResult> results = new ArrayList<>();
        for (BeamSearch.Hypothesis h : o.groupBests()) {
            results.add(result(h.tokens(), null, promptIds.length, h.finishReason(), o.timings(), null));
        }
        return results;
    }

    private BeamSearch.Outcome beamSearch(Matcher matcher, List<LogitsProcessor> stages, StopSequences stop) {
        KeywordConstraint beamKeywords = keywordConstraint(promptIds);
        if (beamKeywords != null) {
            stages.remove(0); // beam search carries it per beam
        }
        if (matcher == null || !stages.isEmpty() || temperature > 0 || draft != null || stop != null || forceTokens
                || replay != null || onText != null || contrastiveK > 0) {
            throw new DecoderException("beam search works greedily under a grammar, without temperature, penalties, min tokens, "
                    + "stop sequences, forced tokens, drafts, contrastive search, replay or streaming (for now)");
        }
        if (numBeams % beamGroups != 0) {
            throw new DecoderException("beam groups (" + beamGroups + ") must divide the number of beams (" + numBeams + ")");
        }
        return new BeamSearch(stencil.model(), stencil.eosTokenId(), stencil.maxPositions())
                .search(promptIds, matcher, beamKeywords, numBeams, beamGroups, diversityPenalty, lengthPenalty, maxTokens);
    }

    /** The processor chain after the grammar mask, fresh per sequence (penalties keep state). */
    private List<LogitsProcessor> stages(int[] prompt) {
        List<LogitsProcessor> stages = new ArrayList<>();
        KeywordConstraint keywords = keywordConstraint(prompt);
        if (keywords != null) {
            stages.add(keywords); // first: later stages (min-p, top-p) then renormalise over what it leaves
        }
        if (minTokens > 0) {
            stages.add(new MinNewTokens(minTokens, stencil.eosTokenId()));
        }
        if (repetitionPenalty > 1) {
            stages.add(new RepetitionPenalty(repetitionPenalty));
        }
        if (presencePenalty != 0 || frequencyPenalty != 0) {
            stages.add(new PresenceFrequencyPenalty(presencePenalty, frequencyPenalty));
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
            if (typicalP < 1) {
                stages.add(new TypicalP(typicalP));
            }
            if (minP > 0) {
                stages.add(new MinP(minP));
            }
        }
        return stages;
    }

    private boolean keywords() {
        return !excludeWords.isEmpty() || !includeWords.isEmpty();
    }

    /** A fresh keyword state for a sequence after {@code prompt}, or null without keywords. */
    private KeywordConstraint keywordConstraint(int[] prompt) {
        if (!keywords()) {
            return null;
        }
        int width = stencil.model().shape().vocabSize();
        if (!excludeWords.isEmpty() && excludeTokens == null) {
            excludeTokens = new KeywordTokens(new KeywordAutomaton(excludeWords, "must-exclude"), stencil.vocabularyIndex(), width);
        }
        if (!includeWords.isEmpty() && includeTokens == null) {
            includeTokens = new KeywordTokens(new KeywordAutomaton(includeWords, "must-include"), stencil.vocabularyIndex(), width);
        }
        return new KeywordConstraint(excludeWords.isEmpty() ? null : excludeTokens, includeWords.isEmpty() ? null : includeTokens,
                stencil.eosTokenId(), stencil.tokenizer().decode(prompt));
    }

    /** What a finished output breaks of the keyword rules (a re-check independent of the automata). */
    private List<String> keywordErrors(String text, FinishReason finish) {
        List<String> errors = new ArrayList<>();
        List<String> missing = includeWords.stream().filter(w -> !text.contains(w)).toList();
        if (!missing.isEmpty() && (finish == FinishReason.STOP || finish == FinishReason.MISSING_KEYWORDS)) {
            errors.add("must-include keywords missing: " + missing);
        }
        List<String> banned = excludeWords.stream().filter(text::contains).toList();
        if (!banned.isEmpty()) {
            errors.add("must-exclude keywords present: " + banned);
        }
        return errors;
    }

    private TokenSelector selector(long s) {
        return temperature == 0 ? TokenSelector.greedy() : TokenSelector.sampling(s);
    }

    /** @param stopText the text cut before a stop sequence, or null to decode the tokens */
    private GenerationResult result(int[] tokens, String stopText, int promptTokens, FinishReason finish, Timings timings,
            Speculation speculation) {
        String text = stopText != null ? stopText : new String(stencil.tokenizer().decode(tokens), StandardCharsets.UTF_8);
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
        if (keywords()) {
            List<String> keywordErrors = keywordErrors(text, finish);
            if (!keywordErrors.isEmpty()) {
                List<String> all = new ArrayList<>(errors);
                all.addAll(keywordErrors);
                errors = List.copyOf(all);
                value = null; // never hand out an output that breaks a keyword rule
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
