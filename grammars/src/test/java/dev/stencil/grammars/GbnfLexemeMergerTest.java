package dev.stencil.grammars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.Matcher;
import dev.stencil.automata.ir.Expr;
import dev.stencil.automata.ir.Grammar;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The merged GBNF translation must accept exactly what the plain one accepts, prefix by prefix. */
class GbnfLexemeMergerTest {
    private static final String DIR = "/dev/stencil/grammars/gbnf/";

    /** Both translations of one grammar, compiled. */
    private record Pair(CompiledGrammar merged, CompiledGrammar plain) {
        static Pair of(String gbnf) {
            return new Pair(compile(GbnfGrammarReader.read(gbnf, "t.gbnf", true)),
                    compile(GbnfGrammarReader.read(gbnf, "t.gbnf", false)));
        }

        /** Feeds {@code input} byte by byte to both; every byte and the final verdict must agree. */
        void assertSame(String input) {
            Matcher a = merged.newMatcher();
            Matcher b = plain.newMatcher();
            byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < bytes.length; i++) {
                boolean okA = a.acceptBytes(bytes, i, 1);
                boolean okB = b.acceptBytes(bytes, i, 1);
                assertEquals(okB, okA, "byte " + i + " of " + show(input));
                if (!okA) {
                    return;
                }
            }
            assertEquals(b.isAccepting(), a.isAccepting(), "end of " + show(input));
        }
    }

    private static CompiledGrammar compile(Grammar g) {
        return CompiledGrammar.compile(g, TestSupport.gpt2Index(), false);
    }

    private static String show(String s) {
        return "'" + s.replace("\n", "\\n") + "'";
    }

    /** Random strings over {@code alphabet}, up to {@code maxLen} characters, seeded. */
    private static List<String> randomStrings(String alphabet, int count, int maxLen, long seed) {
        Random rnd = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder sb = new StringBuilder();
            int len = rnd.nextInt(maxLen + 1);
            for (int j = 0; j < len; j++) {
                sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            out.add(sb.toString());
        }
        return out;
    }

    /** The lexeme names an IR rule body uses (merged ones are named "gbnf " + their regex). */
    private static List<String> lexemeNames(Expr e) {
        List<String> out = new ArrayList<>();
        collectNames(e, out);
        return out;
    }

    private static void collectNames(Expr e, List<String> out) {
        if (e instanceof Expr.Terminal t) {
            out.add(t.lexeme().name());
        } else if (e instanceof Expr.Seq s) {
            s.parts().forEach(p -> collectNames(p, out));
        } else if (e instanceof Expr.Alt a) {
            a.alternatives().forEach(p -> collectNames(p, out));
        } else if (e instanceof Expr.Repeat r) {
            collectNames(r.body(), out);
        }
    }

    @Test
    void corpusGrammarsAgreeOnTheirExamplesAndOnRandomStrings() {
        String[][] cases = {
            // grammar, examples, alphabet for random strings (characters the grammar cares about)
            {"json", "json.valid.1 json.invalid.1", "{}[]\",: 0-9tru\\"},
            {"json_arr", "json_arr.valid.1", "[]{}\",:\n 1-.e"},
            {"chess", "chess.valid.1 chess.invalid.1", "1. e4x=QO-+\n"},
            {"list", "list.valid.1 list.invalid.1", "- a\n"},
            {"name-age", "name-age.valid.1 name-age.invalid.1", "[]{}\",: nameg19\n"},
            {"english", "english.valid.1", "ab1! \n\u00e9"},
        };
        for (String[] c : cases) {
            Pair p = Pair.of(TestSupport.resource(DIR + c[0] + ".gbnf"));
            for (String ex : c[1].split(" ")) {
                p.assertSame(TestSupport.resource(DIR + "examples/" + ex + ".txt"));
            }
            for (String s : randomStrings(c[2], 150, 12, c[0].hashCode())) {
                p.assertSame(s);
            }
        }
    }

    @Test
    void smallGrammarsAgreeOnAllShortStrings() {
        String[] grammars = {
            "root ::= [a-z]+ \"x\"\n",
            "root ::= [a-z]+ \"x\" root?\n",
            "root ::= \"a\"+ tail\ntail ::= \"ab\" tail | \"c\"\n",
            "root ::= (w \" \")* w\nw ::= [a-c]+ | \"ab\" \"c\"?\n",
            "root ::= \"(\" root \")\" | x | x \"b\"\nx ::= \"a\"{1,3} \"b\"?\n",
        };
        for (String g : grammars) {
            Pair p = Pair.of(g);
            for (String s : randomStrings("abcx() ", 400, 8, g.hashCode())) {
                p.assertSame(s);
            }
        }
    }

    @Test
    void aRegularRuleWithNothingAfterItBecomesOneLexeme() {
        // [a-z]+ then "x" on its own would be unsafe (munch swallows the "x"), but as the whole
        // start rule nothing follows the lexeme, so maximal munch cannot lose a boundary
        Grammar g = GbnfGrammarReader.read("root ::= [a-z]+ \"x\"\n", "t.gbnf");
        assertTrue(g.rules().get("root") instanceof Expr.Terminal t && t.lexeme().name().startsWith("gbnf "),
                g.rules().toString());
    }

    @Test
    void mergingThatMaximalMunchWouldBreakStaysSplit() {
        // the run [a-z]+ "x" is followed by root again, which starts with [a-z]: after "ax" a
        // merged lexeme would continue, so the run must stay per-character
        Grammar g = GbnfGrammarReader.read("root ::= [a-z]+ \"x\" root?\n", "t.gbnf");
        assertTrue(lexemeNames(g.rules().get("root")).stream().noneMatch(n -> n.startsWith("gbnf ")),
                g.rules().toString());

        // "a"+ merged into one lexeme would munch the "a" of "ab" in "aabc" and then fail
        String tail = "root ::= \"a\"+ tail\ntail ::= \"ab\" tail | \"c\"\n";
        Grammar t = GbnfGrammarReader.read(tail, "t.gbnf");
        assertTrue(lexemeNames(t.rules().get("root")).stream().noneMatch(n -> n.startsWith("gbnf ")),
                t.rules().toString());
        Matcher m = compile(t).newMatcher();
        assertTrue(m.acceptBytes("aabc".getBytes(StandardCharsets.UTF_8)) && m.isAccepting());
        Matcher bad = compile(t).newMatcher();
        assertFalse(bad.acceptBytes("aab".getBytes(StandardCharsets.UTF_8)) && bad.isAccepting());
    }
}
