package dev.stencil.automata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.json.JsonGrammar;
import dev.stencil.automata.json.Whitespace;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Rollback, fork and forced bytes. */
class MatcherHistoryTest {
    private static final CompiledGrammar JSON = CompiledGrammar.compile(JsonGrammar.grammar(Whitespace.flexible()), TestVocab.gpt2Index());
    private static final String DOC = "{\"name\": \"Grace\", \"langs\": [\"COBOL\", \"FLOW-MATIC\"], \"rank\": 3.5, \"navy\": true}";

    private static long[] maskOf(Matcher m) {
        long[] mask = m.newMask();
        m.fillNextTokenMask(mask);
        return mask;
    }

    @Test
    void rollbackThenReacceptGivesTheMasksOfAFreshMatcher() {
        int[] ids = TestVocab.gpt2().encode(DOC);
        Random rnd = new Random(7);
        for (int trial = 0; trial < 40; trial++) {
            int n = 1 + rnd.nextInt(ids.length);
            int k = rnd.nextInt(n + 1);
            Matcher m = JSON.newMatcher();
            for (int i = 0; i < n; i++) {
                assertTrue(m.accept(ids[i]));
            }
            m.rollback(k);
            assertEquals(n - k, m.stepCount());
            Matcher fresh = JSON.newMatcher();
            for (int i = 0; i < n - k; i++) {
                assertTrue(fresh.accept(ids[i]));
            }
            assertArrayEquals(maskOf(fresh), maskOf(m), "after " + n + " tokens rolled back by " + k);
            for (int i = n - k; i < ids.length; i++) {
                assertArrayEquals(maskOf(fresh), maskOf(m), "re-accepting token " + i);
                assertTrue(m.accept(ids[i]));
                assertTrue(fresh.accept(ids[i]));
            }
            assertTrue(m.isAccepting());
        }
    }

    @Test
    void rollbackOverTheStopTokenReopensTheSequence() {
        Matcher m = JSON.newMatcher();
        for (int id : TestVocab.gpt2().encode("[1]")) {
            assertTrue(m.accept(id));
        }
        assertTrue(m.accept(TestVocab.gpt2Index().eosTokenId()));
        assertTrue(m.isTerminated());
        assertFalse(m.accept(TestVocab.gpt2().encode(" ")[0]));
        m.rollback(1);
        assertFalse(m.isTerminated());
        assertTrue(m.isAccepting());
        assertThrows(IllegalArgumentException.class, () -> m.rollback(99));
    }

    @Test
    void forkedMatchersEvolveIndependently() {
        Matcher parent = JSON.newMatcher();
        for (int id : TestVocab.gpt2().encode("{\"a\": ")) {
            assertTrue(parent.accept(id));
        }
        long[] before = maskOf(parent);
        Matcher child = parent.fork();
        assertTrue(child.acceptBytes("[1, 2".getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals(before, maskOf(parent), "the parent must not see the child's tokens");
        assertTrue(parent.acceptBytes("\"x\"}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(parent.isAccepting());
        assertFalse(child.isAccepting());
        assertTrue(child.acceptBytes("]}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(child.isAccepting());
        child.rollback(2);
        assertArrayEquals(before, maskOf(child));
    }

    @Test
    void rejectedBytesLeaveTheMatcherUnchanged() {
        Matcher m = JSON.newMatcher();
        assertTrue(m.acceptBytes("{\"a\"".getBytes(StandardCharsets.UTF_8)));
        long[] before = maskOf(m);
        assertFalse(m.acceptBytes(": 1 2".getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals(before, maskOf(m));
        assertEquals(1, m.stepCount());
    }

    @Test
    void forcedBytesFollowTheGrammar() {
        Matcher m = JSON.newMatcher();
        assertTrue(m.acceptBytes("[tr".getBytes(StandardCharsets.UTF_8)));
        assertEquals("ue", new String(m.forcedBytes(), StandardCharsets.UTF_8));
        Matcher n = JSON.newMatcher();
        assertTrue(n.acceptBytes("{\"a\": nu".getBytes(StandardCharsets.UTF_8)));
        assertEquals("ll", new String(n.forcedBytes(), StandardCharsets.UTF_8));
        Matcher free = JSON.newMatcher();
        assertEquals(0, free.forcedBytes().length, "nothing is forced at the start of a value");
    }
}
