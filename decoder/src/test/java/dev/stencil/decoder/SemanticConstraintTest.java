package dev.stencil.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.decoder.semantic.SemanticConstraint;
import dev.stencil.decoder.semantic.SemanticConstraint.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Semantic constraints on finished candidates: failing ones are dropped, the best passing one is
 * returned, and when none passes the result says so and is never valid.
 */
class SemanticConstraintTest {
    private static final String PROMPT = "Q: Give a JSON object. Keys: name, city.\nA:";

    private static List<String> sampled(int n, long seed) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            texts.add(TestModels.stencil().json().prompt(PROMPT).temperature(1.2).seed(seed + i).maxTokens(48).generate().text());
        }
        return texts;
    }

    @Test
    void bestOfReturnsThePassingCandidateWithTheHighestScore() {
        List<String> plain = sampled(6, 7);
        assertTrue(plain.stream().distinct().count() >= 3, "sampling gave too few distinct candidates: " + plain);
        // only candidates 2 and 4 pass; 4 scores higher
        String two = plain.get(2);
        String four = plain.get(4);
        SemanticConstraint only = text -> text.equals(four) ? new Verdict(true, 2.0, "four")
                : text.equals(two) ? new Verdict(true, 1.0, "two") : new Verdict(false, -1, "other");
        GenerationResult r = TestModels.stencil().json().prompt(PROMPT).temperature(1.2).seed(7).maxTokens(48)
                .bestOf(6).semantic(only).generate();
        assertEquals(four, r.text());
        assertEquals(FinishReason.STOP, r.finishReason());
        assertTrue(r.valid());
    }

    @Test
    void noPassingCandidateIsReportedNeverValid() {
        SemanticConstraint never = text -> new Verdict(false, 0, "rejects everything");
        GenerationResult r = TestModels.stencil().json().prompt(PROMPT).temperature(1.2).seed(3).maxTokens(48)
                .bestOf(3).semantic(never).generate();
        assertEquals(FinishReason.UNSATISFIED, r.finishReason());
        assertFalse(r.valid());
        assertEquals(4, r.validationErrors().size(), r.validationErrors().toString()); // headline + one verdict each
        assertTrue(r.validationErrors().get(0).startsWith("no candidate satisfied"));
    }

    @Test
    void beamSearchFallsBackToTheNextFinishedBeam() {
        GenerationResult top = TestModels.stencil().json().prompt(PROMPT).numBeams(4).maxTokens(48).generate();
        assertTrue(top.valid(), top.summary());
        SemanticConstraint notTop = text -> new Verdict(!text.equals(top.text()), 0, "not the top beam");
        GenerationResult r = TestModels.stencil().json().prompt(PROMPT).numBeams(4).maxTokens(48).semantic(notTop).generate();
        assertTrue(r.valid(), r.validationErrors().toString());
        assertNotEquals(top.text(), r.text());
    }

    @Test
    void greedyBestOfAndStreamingAreRefused() {
        SemanticConstraint any = text -> new Verdict(true, 0, "");
        assertThrows(DecoderException.class,
                () -> TestModels.stencil().json().prompt(PROMPT).bestOf(3).semantic(any).generate());
        assertThrows(DecoderException.class,
                () -> TestModels.stencil().json().prompt(PROMPT).semantic(any).onText(t -> { }).generate());
        assertThrows(DecoderException.class, () -> TestModels.stencil().json().prompt(PROMPT).bestOf(2).generate());
    }
}
