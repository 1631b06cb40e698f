package dev.stencil.automata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.json.JsonGrammar;
import dev.stencil.automata.json.Whitespace;
import dev.stencil.automata.mask.VocabularyIndex;
import org.junit.jupiter.api.Test;

/** Compile-time classification: nearest a lexeme's start first, within a state count or a time budget. */
class PrecomputeTest {
    @Test
    void theFirstStatesClassifiedAreLexemeStarts() {
        VocabularyIndex vocab = VocabularyIndex.build(TestVocab.gpt2().vocabulary());
        CompiledGrammar g = CompiledGrammar.compile(JsonGrammar.grammar(Whitespace.compact()), vocab);
        assertEquals(1, g.precompute(1, 0));
        assertEquals(1, g.engine().classifiedStates());
        // the root's first mask needs only the state at the start of its lexemes: already classified
        Matcher m = g.newMatcher();
        m.fillNextTokenMask(m.newMask());
        assertEquals(1, g.engine().classifiedStates(), "the first mask classified a state precompute skipped");
    }

    @Test
    void aBudgetStopsEarlyAndTheRestComesOnFirstUse() {
        VocabularyIndex vocab = VocabularyIndex.build(TestVocab.gpt2().vocabulary());
        CompiledGrammar all = CompiledGrammar.compile(JsonGrammar.grammar(Whitespace.flexible()), vocab);
        int total = all.precompute(10_000, 0);
        vocab.clearSharedClasses();
        CompiledGrammar g = CompiledGrammar.compile(JsonGrammar.grammar(Whitespace.flexible()), vocab);
        int within = g.precompute(10_000, 1);
        assertTrue(within < total, "a 1 ms budget classified all " + total + " states");
    }
}
