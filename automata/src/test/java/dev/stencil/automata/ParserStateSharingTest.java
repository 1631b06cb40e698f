package dev.stencil.automata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The parser's state count stays flat along a long flat input. In a regular-expression grammar
 * every atom leaves an item ({@code element: atom . quantifier?}) whose origin is the position
 * before it; interning states by their origins' identity made every position a new state, so the
 * intern table grew with the input (and a mask walk over the vocabulary created a state per trie
 * node). Interned by continuation, the state after the 400th atom is one seen before.
 */
class ParserStateSharingTest {
    @Test
    void flatRepetitionReusesStates() {
        CompiledGrammar cg = CompiledGrammar.compile(SmallGrammars.regexLike(), TestVocab.gpt2Index(), true);
        Matcher m = cg.newMatcher();
        byte[] unit = "ab*c+?(d|e)".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 5; i++) {
            assertTrue(m.acceptBytes(unit));
        }
        int afterFive = cg.engine().parser().nodeCount();
        for (int i = 0; i < 200; i++) {
            assertTrue(m.acceptBytes(unit));
        }
        assertTrue(m.isAccepting());
        assertEquals(afterFive, cg.engine().parser().nodeCount(), "new parser states after the input repeats");
    }

    @Test
    void statesDifferingOnlyInCompletedItemsAreOne() {
        // after "a*" and after "a+" only the finished quantifier alternative differs: same future
        CompiledGrammar cg = CompiledGrammar.compile(SmallGrammars.regexLike(), TestVocab.gpt2Index(), true);
        assertTrue(cg.newMatcher().acceptBytes("a*b".getBytes(StandardCharsets.UTF_8)));
        int afterStar = cg.engine().parser().nodeCount();
        assertTrue(cg.newMatcher().acceptBytes("a+b".getBytes(StandardCharsets.UTF_8)));
        assertEquals(afterStar, cg.engine().parser().nodeCount(), "\"a+b\" reached states \"a*b\" did not");
    }

    @Test
    void nestingStillCreatesStatesPerDepth() {
        // the merge is not a blanket one: each open group is a different future (its ')' must come)
        CompiledGrammar cg = CompiledGrammar.compile(SmallGrammars.regexLike(), TestVocab.gpt2Index(), true);
        Matcher m = cg.newMatcher();
        assertTrue(m.acceptBytes("(((((".getBytes(StandardCharsets.UTF_8)));
        assertTrue(!m.acceptBytes(")".getBytes(StandardCharsets.UTF_8)), "an empty group is not a regex here");
        assertTrue(m.acceptBytes("a)))))".getBytes(StandardCharsets.UTF_8)));
        assertTrue(m.isAccepting());
        assertTrue(!m.acceptBytes(")".getBytes(StandardCharsets.UTF_8)), "a sixth ')' has no '(' to close");
    }

    @Test
    void matchersSurviveNewGenerations() {
        CompiledGrammar cg = CompiledGrammar.compile(SmallGrammars.regexLike(), TestVocab.gpt2Index(), true);
        cg.engine().parser().stateLimit(4);
        Matcher early = cg.newMatcher();
        assertTrue(early.acceptBytes("(a|b".getBytes(StandardCharsets.UTF_8)));
        Matcher late = cg.newMatcher();
        assertTrue(late.acceptBytes("x(?:y+|z((w)))*".getBytes(StandardCharsets.UTF_8)));
        assertTrue(cg.engine().parser().generations() > 1, "the limit was not reached");
        assertTrue(early.acceptBytes("*c)d".getBytes(StandardCharsets.UTF_8)));
        assertTrue(early.isAccepting());
        assertTrue(late.isAccepting());
        assertTrue(!early.acceptBytes(")".getBytes(StandardCharsets.UTF_8)), "unbalanced ')' after a generation change");
    }
}
