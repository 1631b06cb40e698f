package dev.stencil.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stencil.automata.ir.Expr;
import dev.stencil.automata.ir.Grammar;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * String branches of an anyOf under a shared length bound are large automata; as competing
 * lexemes the lexer would track every combination of their states, so they become one lexeme of
 * their union, with the same language.
 */
class MergedLexemesTest {
    private static final String BRANCHES = "{\"type\":\"string\",\"maxLength\":200,\"anyOf\":[{\"pattern\":\"ab\"},"
            + "{\"pattern\":\"^x\"},{\"not\":{\"pattern\":\"[a-z]\"}}]}";

    private static List<String> unionLexemes(Grammar g) {
        return g.rules().values().stream().filter(e -> e instanceof Expr.Terminal)
                .map(e -> ((Expr.Terminal) e).lexeme().name()).filter(n -> n.startsWith("U|")).toList();
    }

    @Test
    void largeStringBranchesBecomeOneLexeme() throws Exception {
        Grammar g = new SchemaCompiler(SchemaOptions.defaults()).compile(new ObjectMapper().readTree(BRANCHES)).grammar();
        List<String> unions = unionLexemes(g);
        assertEquals(1, unions.size(), "one merged lexeme for the three branches: " + g.rules());
        assertEquals(3, unions.get(0).chars().filter(c -> c == '|').count(), unions.get(0));
    }

    @Test
    void theMergedLexemeKeepsTheLanguage() {
        String longMatch = "ab" + "c".repeat(198);
        Instances.of(BRANCHES)
                .accepts("\"ab\"", "\"zzabzz\"", "\"xyz\"", "\"x\"", "\"123\"", "\"\"", "\"A-B\"", "\"" + longMatch + "\"",
                        "\"\\u0061b\"")
                .rejects("\"a\"", "\"yx\"", "\"hello\"", "\"" + longMatch + "c\"", "1", "null");
    }

    @Test
    void smallBranchesStaySeparate() throws Exception {
        Grammar g = new SchemaCompiler(SchemaOptions.defaults()).compile(new ObjectMapper().readTree(
                "{\"anyOf\":[{\"type\":\"string\",\"pattern\":\"^a\"},{\"type\":\"null\"}]}")).grammar();
        assertTrue(unionLexemes(g).isEmpty(), g.rules().toString());
    }
}
