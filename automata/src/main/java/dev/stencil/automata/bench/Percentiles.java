package dev.stencil.automata.bench;

import java.util.Arrays;

/** Nearest-rank percentiles over a sample, the method the peer harnesses use. */
public final class Percentiles {
    private final double[] sorted;

    public Percentiles(double[] values) {
        this.sorted = values.clone();
        Arrays.sort(sorted);
    }

    /** Nearest-rank percentile {@code p} in [0, 100]; NaN for an empty sample. */
    public double p(double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    public double max() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }

    public double mean() {
        double s = 0;
        for (double v : sorted) {
            s += v;
        }
        return sorted.length == 0 ? Double.NaN : s / sorted.length;
    }

    public int count() {
        return sorted.length;
    }

    /** Median of a small array (used per step across runs). */
    public static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        int n = c.length;
        return n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
    }
}
