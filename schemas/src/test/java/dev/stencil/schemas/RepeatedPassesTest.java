package dev.stencil.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Repeated benchmark passes are combined step by step, as the XGrammar harness combines its own. */
class RepeatedPassesTest {
    private static JsonSchemaBenchReport.Tally pass(double[] compileMs, double[] maskUs) {
        JsonSchemaBenchReport.Tally t = new JsonSchemaBenchReport.Tally();
        for (double c : compileMs) {
            t.compileTime(c);
        }
        for (double m : maskUs) {
            t.maskTime(m);
        }
        return t;
    }

    @Test
    void eachStepIsItsMedianOverThePasses() {
        // one outlier per pass, each at another step: the per-step median drops all three, where
        // pooling the passes would keep them in the upper percentiles
        JsonSchemaBenchReport.Tally m = JsonSchemaBenchReport.Tally.medianPerStep(List.of(
                pass(new double[] {1, 900}, new double[] {500, 2, 3}),
                pass(new double[] {2, 3}, new double[] {1, 700, 3}),
                pass(new double[] {800, 4}, new double[] {2, 1, 600})));
        Map<String, Object> f = m.figures();
        assertEquals(4.0, f.get("compile_ms_max")); // medians 2 and 4
        assertEquals(2.33, f.get("mask_us_mean")); // medians 2, 2 and 3
        assertTrue((double) f.get("mask_us_p99") <= 3.0);
        assertEquals(3, m.masks());
    }

    @Test
    void passesThatTimedDifferentStepsAreRefused() {
        assertThrows(IllegalStateException.class, () -> JsonSchemaBenchReport.Tally.medianPerStep(List.of(
                pass(new double[] {1}, new double[] {1, 2}), pass(new double[] {1}, new double[] {1}))));
    }
}
