package dev.stencil.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.json.JsonGrammar;
import dev.stencil.automata.json.Whitespace;
import org.junit.jupiter.api.Test;

/** The classification a {@link Stencil} does when it compiles a grammar: bounded in time by default, or not. */
class PrecomputeBudgetTest {
    @Test
    void withoutATimeLimitEveryReachableLexerStateIsClassifiedWhenCompiling() {
        try (Stencil s = Stencil.embedded()) {
            s.precomputeMillis(0);
            CompiledGrammar c = s.compile(JsonGrammar.grammar(Whitespace.any()));
            CompiledGrammar reference = CompiledGrammar.compile(JsonGrammar.grammar(Whitespace.any()), s.vocabularyIndex());
            int reachable = reference.precompute(Stencil.PRECOMPUTE_LEXER_STATES);
            assertTrue(reachable > 10, "the JSON grammar has dozens of lexer states: " + reachable);
            assertEquals(reachable, c.engine().classifiedStates());
        }
    }

    @Test
    void aNegativeBudgetIsRefused() {
        try (Stencil s = Stencil.embedded()) {
            assertThrows(IllegalArgumentException.class, () -> s.precomputeMillis(-1));
            assertTrue(Stencil.PRECOMPUTE_MILLIS > 0, "the API's default bounds compile latency");
        }
    }
}
