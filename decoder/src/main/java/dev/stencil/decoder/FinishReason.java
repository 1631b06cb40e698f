package dev.stencil.decoder;

/** Why a generation ended. */
public enum FinishReason {
    /** The model emitted its stop token where the grammar allowed the output to end: the output is complete. */
    STOP,
    /**
     * The token limit (or the model's position limit) was reached first: the output is truncated
     * and, for a constrained generation, not a complete sentence of the grammar.
     */
    LENGTH,
    /**
     * A stop sequence appeared in the text: the output ends just before it. For a constrained
     * generation this is not a complete sentence of the grammar unless the text happens to be one.
     */
    STOP_SEQUENCE;

    /** The lower-case name used in reports ({@code stop}, {@code length}). */
    public String label() {
        return this == STOP_SEQUENCE ? "stop_sequence" : name().toLowerCase(java.util.Locale.ROOT);
    }
}
