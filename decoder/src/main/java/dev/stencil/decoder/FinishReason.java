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
    STOP_SEQUENCE,
    /**
     * Must-include keywords had not all appeared where the grammar (and the banned words) left the
     * stop token as the only way on: the stop token stays masked, so generation ends here with an
     * output that is not complete. The result's validation errors name the missing keywords.
     */
    MISSING_KEYWORDS,
    /**
     * A semantic constraint judged every finished candidate and none passed: the result carries
     * the best-ranked candidate's text for inspection, never as a valid output, and its validation
     * errors give each candidate's verdict.
     */
    UNSATISFIED;

    /** The lower-case name used in reports ({@code stop}, {@code length}, {@code stop_sequence}, {@code missing_keywords}, {@code unsatisfied}). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
