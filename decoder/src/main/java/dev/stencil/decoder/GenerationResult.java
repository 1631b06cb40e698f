package dev.stencil.decoder;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The outcome of one generation.
 *
 * @param text the generated text (the stop token excluded)
 * @param json the parsed JSON value for JSON generations that finished with {@link
 *     FinishReason#STOP} and parsed; null otherwise (a truncated output is never returned as JSON)
 * @param tokens the generated token ids, the stop token excluded
 * @param promptTokens number of prompt tokens
 * @param finishReason why generation ended
 * @param timings where the time went
 * @param speculation what speculative decoding did, or null when no draft model was used
 * @param validationErrors for schema generations: what the independent validator found wrong with a
 *     complete output (then {@code json} is null); empty otherwise
 */
public record GenerationResult(String text, JsonNode json, int[] tokens, int promptTokens,
        FinishReason finishReason, Timings timings, Speculation speculation, java.util.List<String> validationErrors) {
    /**
     * Whether the output is complete (ended at the stop token) and, for JSON generations, parsed
     * and (for schema generations) validated against the schema.
     */
    public boolean valid() {
        return finishReason == FinishReason.STOP && json != null;
    }

    public boolean truncated() {
        return finishReason == FinishReason.LENGTH;
    }

    public int generatedTokens() {
        return tokens.length;
    }

    public double tokensPerSecond() {
        return timings.tokensPerSecond(tokens.length);
    }

    /** One line: finish reason, tokens, tok/s, mean mask time. */
    public String summary() {
        String s = String.format(java.util.Locale.ROOT,
                "%s: %d tokens (+%d prompt) in %.1f ms, %.1f tok/s, prefill %.1f ms, mask %.1f µs mean over %d",
                finishReason.label(), tokens.length, promptTokens, timings.totalNanos() / 1e6, tokensPerSecond(),
                timings.prefillNanos() / 1e6, timings.meanMaskMicros(), timings.masks());
        if (timings.forcedTokens() > 0) {
            s += ", " + timings.forcedTokens() + " forced tokens";
        }
        if (speculation != null && speculation.draftPasses() == 0) {
            s += ", draft not used (it is measured against the plain loop over a process's first generations)";
        } else if (speculation != null) {
            s += String.format(java.util.Locale.ROOT, ", draft accepted %d/%d (%.0f%%), %d target passes, k %d",
                    speculation.accepted(), speculation.proposed(), 100 * speculation.acceptanceRate(),
                    speculation.targetPasses(), speculation.finalK());
        }
        return s;
    }
}
