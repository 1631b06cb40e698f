package dev.stencil.decoder;

/**
 * One stage of turning a model's logits into the distribution the next token is drawn from. It
 * works in place on the logits of one sequence; a token is ruled out by setting its logit to
 * {@link Float#NEGATIVE_INFINITY}. Instances belong to one generation (they may keep scratch
 * buffers), so they are not shared between threads.
 */
public interface LogitsProcessor {
    /** Rewrites {@code logits} in place. */
    void process(float[] logits);

    /** Observes each generated token once it is part of the sequence (for stages with memory, such as penalties). */
    default void accept(int tokenId) {
    }
}
