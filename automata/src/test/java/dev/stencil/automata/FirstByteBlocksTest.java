package dev.stencil.automata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.check.MaskCheck;
import dev.stencil.automata.ir.Expr;
import dev.stencil.automata.ir.Grammar;
import dev.stencil.automata.ir.Lexeme;
import dev.stencil.automata.mask.VocabularyIndex;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Classifications assembled from cached first-byte blocks: inside a key that may also be any
 * other key, successive positions share every block but the one holding the key's next letter,
 * and masks built from kept blocks must agree with the brute-force oracle.
 */
class FirstByteBlocksTest {
    private static Grammar keyed() {
        Lexeme alpha = Lexeme.literal("\"alphabet\"");
        Lexeme alpine = Lexeme.literal("\"alpine_meadow\"");
        Lexeme other = Lexeme.regex("OTHER", "\"[a-z_]*\"");
        Lexeme num = Lexeme.regex("NUM", "[0-9]+");
        Grammar.Builder b = Grammar.builder("keyed");
        Expr member = Expr.alt(Expr.seq(Expr.lex(alpha), Expr.lit(":"), Expr.lex(num)),
                Expr.seq(Expr.lex(alpine), Expr.lit(":"), Expr.lex(num)),
                Expr.seq(Expr.lex(other), Expr.lit(":"), Expr.lex(num)));
        b.rule("obj", Expr.seq(Expr.lit("{"), member, Expr.star(Expr.seq(Expr.lit(","), member)), Expr.lit("}")));
        return b.build();
    }

    @Test
    void masksFromKeptBlocksAgreeWithTheOracle() {
        VocabularyIndex vocab = VocabularyIndex.build(TestVocab.gpt2().vocabulary());
        CompiledGrammar g = CompiledGrammar.compile(keyed(), vocab);
        List<int[]> seqs = new ArrayList<>();
        seqs.add(TestVocab.gpt2().encode("{\"alphabet\":1,\"alpine_meadow\":22,\"alpaca\":3,\"alphabets\":4,\"alpine\":5}"));
        seqs.addAll(MaskCheck.randomWalks(g, 6, 30, 11));
        MaskCheck.Result r = MaskCheck.run(g, false, seqs, 200, 2, 5, (p, d, t) -> { });
        assertEquals(0, r.differences(), () -> r.examples().toString());
        long[] stats = g.engine().blockStats();
        assertTrue(stats[0] > 0 && stats[1] > 0, "no first-byte block was kept and reused: kept " + stats[0] + ", hits " + stats[1]);
    }
}
