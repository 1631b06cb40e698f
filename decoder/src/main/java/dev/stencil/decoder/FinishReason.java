package dev.stencil.decoder;

/** Why a generation ended. */
public enum FinishReason {
    /** The model emitted its stop token where the grammar allowed the output to end: the output is complete. */
    STOP,
    /**
     * The token limit (or the model's position limit) was reached first: the output is truncated
     * and, for a constrained generation, not a complete sentence of the grammar.
     */
    LENGTH;

    /** The lower-case name used in reports ({@code stop}, {@code length}). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
