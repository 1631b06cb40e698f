package dev.stencil.decoder;

/**
 * What speculative decoding did in one generation.
 *
 * @param proposed draft tokens proposed
 * @param accepted draft tokens the target confirmed
 * @param targetPasses forward passes of the target model (each verifies a whole proposal)
 * @param draftPasses forward passes of the draft model
 * @param finalK proposal length the adaptive schedule ended with; 0 when it ended with speculation
 *     switched off (plain steps were measured cheaper)
 */
public record Speculation(int proposed, int accepted, int targetPasses, int draftPasses, int finalK) {
    /** Share of proposed tokens that were accepted. */
    public double acceptanceRate() {
        return proposed == 0 ? 0 : (double) accepted / proposed;
    }
}
