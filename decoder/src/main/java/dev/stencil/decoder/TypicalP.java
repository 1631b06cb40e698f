package dev.stencil.decoder;

import java.util.Arrays;

/**
 * Locally typical sampling (Meister et al., 2022): rank tokens by how far their information
 * content {@code -log p} is from the distribution's entropy, and keep the smallest such set whose
 * probability reaches {@code p}. Works on the distribution left by earlier stages (masked tokens
 * have probability 0 and stay out).
 */
public final class TypicalP implements LogitsProcessor {
    private final double p;
    private int[] order = new int[0];
    private double[] distance = new double[0];

    /** @param p mass to keep, in (0, 1]; 1 keeps everything */
    public TypicalP(double p) {
        if (!(p > 0 && p <= 1)) {
            throw new DecoderException("typical-p must be in (0, 1], got " + p);
        }
        this.p = p;
    }

    @Override
    public void process(float[] logits) {
        if (p >= 1) {
            return;
        }
        int n = 0;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            if (v != Float.NEGATIVE_INFINITY) {
                n++;
                max = Math.max(max, v);
            }
        }
        if (n <= 1) {
            return;
        }
        if (order.length < n) {
            order = new int[n];
            distance = new double[logits.length];
        } else if (distance.length < logits.length) {
            distance = new double[logits.length];
        }
        double z = 0;
        for (float v : logits) {
            if (v != Float.NEGATIVE_INFINITY) {
                z += Math.exp(v - max);
            }
        }
        double logZ = Math.log(z);
        double entropy = 0;
        int k = 0;
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] != Float.NEGATIVE_INFINITY) {
                double logp = logits[i] - max - logZ;
                entropy -= Math.exp(logp) * logp;
                order[k++] = i;
            }
        }
        for (int j = 0; j < n; j++) {
            int i = order[j];
            distance[i] = Math.abs(-(logits[i] - max - logZ) - entropy);
        }
        double[] d = distance;
        Integer[] boxed = new Integer[n];
        for (int j = 0; j < n; j++) {
            boxed[j] = order[j];
        }
        // ties keep the lower id first, so the kept set is deterministic
        Arrays.sort(boxed, (a, b) -> d[a] != d[b] ? Double.compare(d[a], d[b]) : Integer.compare(a, b));
        double mass = 0;
        int keep = 0;
        while (keep < n && mass < p) {
            mass += Math.exp(logits[boxed[keep]] - max - logZ);
            keep++;
        }
        for (int j = keep; j < n; j++) {
            logits[boxed[j]] = Float.NEGATIVE_INFINITY;
        }
    }
}
