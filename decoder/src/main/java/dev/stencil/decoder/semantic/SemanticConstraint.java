package dev.stencil.decoder.semantic;

/**
 * A constraint on meaning or tone that no grammar can express ("polite", "about cooking", "not
 * a medical claim"). It judges finished candidates only: the generator draws several (best-of-n
 * sampling, or the finished beams), drops those that fail and returns the best that passes, or a
 * result that says no candidate satisfied it. Implementations must be thread-safe if one
 * instance serves concurrent generators.
 */
@FunctionalInterface
public interface SemanticConstraint {
    /**
     * Judges one finished candidate.
     *
     * @param text the candidate's output text (what the caller would receive)
     */
    Verdict judge(String text);

    /**
     * @param passes whether the candidate satisfies the constraint
     * @param score higher is better (used to pick among passing candidates)
     * @param explanation one line for reports and error messages, e.g. {@code "log P(yes) - log P(no) = 2.1"}
     */
    record Verdict(boolean passes, double score, String explanation) {
    }
}
