package dev.stencil.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The draft is used where its measured cost per token is lower, and re-tried only now and then. */
class DraftScheduleTest {
    /** Runs n generations with the given costs per token (ns); returns how many used the draft. */
    private static int speculated(DraftSchedule s, int n, long specCost, long plainCost) {
        int used = 0;
        for (int i = 0; i < n; i++) {
            boolean spec = s.speculateNext();
            used += spec ? 1 : 0;
            if (spec) {
                s.recordSpeculativeRounds(specCost * 50, 50);
            } else {
                s.recordPlainGeneration(plainCost * 50, 50);
            }
        }
        return used;
    }

    @Test
    void aDraftThatCostsMoreIsMostlySwitchedOff() {
        DraftSchedule s = new DraftSchedule(4);
        int used = speculated(s, 160, 1200, 1000);
        // 2 warm-up generations with the draft, then one exploration in 16
        assertTrue(used <= DraftSchedule.WARM_UP + 160 / DraftSchedule.EXPLORE_EVERY + 1, "draft used in " + used + " of 160");
        assertTrue(used > DraftSchedule.WARM_UP, "never re-tried");
        assertEquals(0, s.currentK());
    }

    @Test
    void reTriesOfALosingDraftGrowRarerButGoOn() {
        DraftSchedule s = new DraftSchedule(4);
        int used = speculated(s, 1000, 1200, 1000);
        // waits of 16, 32, 64, 128, 128, ...: 2 warm-up + 3 + (1000 - 240) / 128 re-tries at most
        assertTrue(used <= DraftSchedule.WARM_UP + 3 + 1000 / DraftSchedule.MAX_EXPLORE_EVERY + 1, "draft used in " + used + " of 1000");
        assertTrue(used >= DraftSchedule.WARM_UP + 6, "re-tries stopped: draft used in " + used + " of 1000");
    }

    @Test
    void aDraftThatStartsToPayIsNoticedWithinTheLongestWait() {
        DraftSchedule s = new DraftSchedule(4);
        speculated(s, 1000, 1200, 1000); // the draft loses for a long time
        int used = speculated(s, 400, 300, 1000); // then it pays (other prompts)
        assertTrue(used >= 400 - DraftSchedule.MAX_EXPLORE_EVERY - 2 * DraftSchedule.EXPLORE_EVERY, "draft used in only " + used + " of 400");
    }

    @Test
    void aDraftThatSavesIsMostlyUsed() {
        DraftSchedule s = new DraftSchedule(4);
        int used = speculated(s, 160, 700, 1000);
        assertTrue(used >= 160 - DraftSchedule.WARM_UP - 160 / DraftSchedule.EXPLORE_EVERY - 1, "draft used in only " + used + " of 160");
        assertTrue(s.currentK() >= 1);
    }

    @Test
    void aColdFirstGenerationInEitherModeDoesNotDecide() {
        DraftSchedule s = new DraftSchedule(4);
        int used = 0;
        for (int i = 0; i < 160; i++) {
            boolean spec = s.speculateNext();
            used += spec ? 1 : 0;
            if (spec) {
                // the first speculative generation pays for compilation and an empty draft vocabulary
                s.recordSpeculativeRounds((used == 1 ? 20_000L : 700L) * 50, 50);
            } else {
                s.recordPlainGeneration(1000L * 50, 50);
            }
        }
        assertTrue(used >= 160 - DraftSchedule.WARM_UP - 160 / DraftSchedule.EXPLORE_EVERY - 1, "draft used in only " + used + " of 160");
    }

    @Test
    void aDraftWithinNoiseOfThePlainLoopStaysOff() {
        DraftSchedule s = new DraftSchedule(4);
        int used = speculated(s, 400, 980, 1000); // 2% cheaper: less than generations differ among themselves
        assertTrue(used <= DraftSchedule.WARM_UP + 3 + 400 / DraftSchedule.MAX_EXPLORE_EVERY + 1, "draft used in " + used + " of 400");
        assertEquals(0, s.currentK());
    }

    @Test
    void outlyingGenerationsOfThePlainLoopDoNotSwitchALosingDraftOn() {
        DraftSchedule s = new DraftSchedule(4);
        int used = 0;
        for (int i = 0; i < 400; i++) {
            boolean spec = s.speculateNext();
            used += spec ? 1 : 0;
            if (spec) {
                s.recordSpeculativeRounds(800L * 50, 50);
            } else {
                // mostly 600 per token, one in six 3,000 (a collection pause, a busy neighbour): mean 1,000
                s.recordPlainGeneration((i % 6 == 5 ? 3000L : 600L) * 50, 50);
            }
        }
        assertTrue(used <= DraftSchedule.WARM_UP + 3 + 400 / DraftSchedule.MAX_EXPLORE_EVERY + 1, "draft used in " + used + " of 400");
    }

    @Test
    void kFollowsAcceptance() {
        DraftSchedule s = new DraftSchedule(4);
        for (int i = 0; i < 10; i++) {
            s.recordRound(s.proposalLength(), s.proposalLength(), 0, 0); // no timings yet: one step at a time
        }
        assertEquals(DraftSchedule.MAX_K, s.proposalLength());
        for (int i = 0; i < 10; i++) {
            s.recordRound(s.proposalLength(), 0, 0, 0);
        }
        assertEquals(1, s.proposalLength());
        assertEquals(3, DraftSchedule.fixed(3).proposalLength());
    }

    @Test
    void withTimingsKIsTheLengthWithTheMostTokensPerUnitOfTime() {
        // a cheap draft whose proposals pass 60% of the time, a target pass of constant cost:
        // 3 (rates 1.43, 1.58, 1.60, 1.56 for k = 1..4, in target passes)
        assertEquals(3, DraftSchedule.bestLength(0.6, 0.12, 1, 0));
        // each verified position adds a fifth of a pass: 2 (1.05, 1.07, 1.01 for k = 1..3)
        assertEquals(2, DraftSchedule.bestLength(0.6, 0.12, 1, 0.2));
        assertEquals(DraftSchedule.MAX_K, DraftSchedule.bestLength(1.0, 0.05, 1, 0), "always accepted, nearly free: propose the most");
        assertEquals(1, DraftSchedule.bestLength(0.3, 0.5, 1, 0), "rarely accepted and dear: propose one");
        for (double a = 0.05; a < 1; a += 0.05) {
            assertTrue(DraftSchedule.bestLength(a, 0.1, 1, 0) >= DraftSchedule.bestLength(a - 0.05, 0.1, 1, 0), "more acceptance, no shorter k at a = " + a);
            assertTrue(DraftSchedule.bestLength(a, 0.1, 1, 0) >= DraftSchedule.bestLength(a, 0.3, 1, 0), "dearer drafts, no longer k at a = " + a);
            assertTrue(DraftSchedule.bestLength(a, 0.1, 1, 0) >= DraftSchedule.bestLength(a, 0.1, 1, 0.3), "dearer rows, no longer k at a = " + a);
        }
        DraftSchedule s = new DraftSchedule(1);
        for (int i = 0; i < 300; i++) {
            int k = s.proposalLength();
            int accepted = 0;
            while (accepted < k && (i * 7 + accepted * 3) % 10 < 6) { // accepts about 60% of proposals in order
                accepted++;
            }
            // a draft pass costs 0.12 of the target's, each verified position 0.2 more
            s.recordRound(k, accepted, 120_000, 1_000_000 + 200_000 * (k + 1) + (i % 3) * 10_000);
        }
        assertTrue(s.proposalLength() >= 1 && s.proposalLength() <= 3, "k = " + s.proposalLength());
    }
}
