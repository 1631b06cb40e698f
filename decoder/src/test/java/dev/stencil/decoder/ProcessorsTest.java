package dev.stencil.decoder;

import static dev.stencil.decoder.SyntheticLogits.NEG;
import static dev.stencil.decoder.SyntheticLogits.allowed;
import static dev.stencil.decoder.SyntheticLogits.logitsOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Logits processors and token selection on synthetic logits. */
class ProcessorsTest {
    private static int[] histogram(float[] logits, long seed, int draws) {
        TokenSelector s = TokenSelector.sampling(seed);
        int[] h = new int[logits.length];
        for (int i = 0; i < draws; i++) {
            h[s.select(logits.clone())]++;
        }
        return h;
    }

    @Test
    void topKKeepsExactlyTheKBest() {
        float[] l = {1f, 5f, 3f, -2f, 4f, 4f};
        new TopK(3).process(l);
        assertArrayEquals(new int[] {1, 4, 5}, allowed(l));
        // sampling after top-k never draws outside it; without top-k it does
        float[] flat = logitsOf(0.3, 0.25, 0.2, 0.15, 0.1);
        float[] cut = flat.clone();
        new TopK(2).process(cut);
        int[] withK = histogram(cut, 7, 2000);
        int[] without = histogram(flat, 7, 2000);
        assertEquals(2000, withK[0] + withK[1]);
        assertTrue(without[2] + without[3] + without[4] > 500);
    }

    @Test
    void topPKeepsTheSmallestNucleus() {
        float[] l = logitsOf(0.15, 0.5, 0.05, 0.3);
        new TopP(0.8).process(l);
        assertArrayEquals(new int[] {1, 3}, allowed(l));
        float[] m = logitsOf(0.15, 0.5, 0.05, 0.3);
        new TopP(0.81).process(m);
        assertArrayEquals(new int[] {0, 1, 3}, allowed(m));
        float[] one = logitsOf(0.15, 0.5, 0.05, 0.3);
        new TopP(0.1).process(one);
        assertArrayEquals(new int[] {1}, allowed(one));
    }

    @Test
    void topPRespectsAnEarlierMask() {
        float[] l = logitsOf(0.4, 0.3, 0.2, 0.1);
        l[0] = NEG; // masked by the grammar: the nucleus is over the rest, renormalised
        new TopP(0.6).process(l);
        assertArrayEquals(new int[] {1, 2}, allowed(l));
    }

    @Test
    void minPDropsTokensFarBelowTheBest() {
        float[] l = logitsOf(0.5, 0.2, 0.04, 0.26);
        new MinP(0.1).process(l); // floor 0.05
        assertArrayEquals(new int[] {0, 1, 3}, allowed(l));
    }

    @Test
    void temperatureSharpensAndFlattens() {
        float[] l = {2f, 1f, 0f};
        new Temperature(0.5).process(l);
        assertArrayEquals(new float[] {4f, 2f, 0f}, l);
        float[] base = logitsOf(0.6, 0.3, 0.1);
        float[] hot = base.clone();
        new Temperature(3).process(hot);
        assertTrue(histogram(hot, 3, 4000)[2] > histogram(base, 3, 4000)[2] + 300);
    }

    @Test
    void repetitionPenaltyDemotesGeneratedTokens() {
        RepetitionPenalty p = new RepetitionPenalty(2);
        float[] l = {2f, 1.5f, -1f};
        assertEquals(0, TokenSelector.argmax(l));
        p.accept(0);
        p.accept(2);
        p.accept(0); // counted once
        p.process(l);
        assertArrayEquals(new float[] {1f, 1.5f, -2f}, l);
        assertEquals(1, TokenSelector.argmax(l));
    }

    @Test
    void grammarMaskClearsDisallowedAndOutOfRangeIds() {
        float[] l = new float[130];
        java.util.Arrays.fill(l, 1f);
        long[] mask = new long[3];
        mask[0] = 1L << 5;
        mask[1] = -1L;
        mask[2] = 1L << 1;
        GrammarMask.apply(mask, l);
        int[] a = allowed(l);
        assertEquals(66, a.length);
        assertEquals(5, a[0]);
        assertEquals(64, a[1]);
        assertEquals(129, a[65]);
    }

    @Test
    void samplingIsSeededAndFollowsTheDistribution() {
        float[] l = logitsOf(0.7, 0.2, 0.1);
        assertArrayEquals(histogram(l, 11, 500), histogram(l, 11, 500));
        int[] h = histogram(l, 5, 10000);
        assertEquals(0.7, h[0] / 10000.0, 0.03);
        assertEquals(0.2, h[1] / 10000.0, 0.03);
        assertEquals(0.1, h[2] / 10000.0, 0.03);
    }

    @Test
    void greedyTakesTheArgmaxAndReportsDeadEnds() {
        assertEquals(2, TokenSelector.greedy().select(new float[] {1f, NEG, 3f, 3f}));
        assertEquals(-1, TokenSelector.greedy().select(new float[] {NEG, NEG}));
        assertEquals(-1, TokenSelector.sampling(1).select(new float[] {NEG, NEG}));
    }

    @Test
    void rankingOrdersNegativeAndPositiveLogits() {
        RankedLogits r = new RankedLogits();
        assertEquals(4, r.rank(new float[] {-1f, 2f, NEG, -3.5f, 0f}));
        assertArrayEquals(new int[] {1, 4, 0, 3}, new int[] {r.token(0), r.token(1), r.token(2), r.token(3)});
    }

    @Test
    void utf8StreamingNeverSplitsACharacter() {
        byte[] e = "é€😀".getBytes(StandardCharsets.UTF_8);
        Utf8Chunker c = new Utf8Chunker();
        StringBuilder sb = new StringBuilder();
        for (byte b : e) {
            String piece = c.push(new byte[] {b});
            assertTrue(piece.isEmpty() || !Character.isHighSurrogate(piece.charAt(piece.length() - 1)));
            assertTrue(!piece.contains("\uFFFD"), piece);
            sb.append(piece);
        }
        assertEquals("é€😀", sb.toString());
        assertEquals("", c.flush());
    }

    @Test
    void maskedArgmaxChoosesWhatMaskingThenArgmaxChooses() {
        java.util.Random rnd = new java.util.Random(11);
        for (int trial = 0; trial < 500; trial++) {
            int n = 1 + rnd.nextInt(300);
            float[] logits = new float[n];
            for (int i = 0; i < n; i++) {
                // few distinct values, so ties (lowest id wins) and negative infinity occur
                logits[i] = rnd.nextInt(8) == 0 ? NEG : rnd.nextInt(5);
            }
            long[] mask = new long[(n + 63) >>> 6];
            for (int w = 0; w < mask.length; w++) {
                int kind = rnd.nextInt(4);
                mask[w] = kind == 0 ? 0L : kind == 1 ? -1L : rnd.nextLong() & rnd.nextLong();
            }
            float[] masked = logits.clone();
            GrammarMask.apply(mask, masked);
            assertEquals(TokenSelector.argmax(masked), GrammarMask.maskedArgmax(mask, logits), "trial " + trial);
        }
    }
}
