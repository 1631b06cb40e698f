package dev.stencil.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.Matcher;
import dev.stencil.automata.lexer.LexerAutomaton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Lexer rows are tabulated on first use ({@link LexerAutomaton#ensureRow}). Schema grammars are
 * where that matters: every set of keys still possible makes its own lexer states, most of them
 * spelling the keys' characters as JSON escapes. These tests check that such states stay
 * untabulated until something reads them, that keys spelled with escapes (whose rows are built
 * late) are still accepted, and that threads sharing one grammar, all building rows at once, get
 * the masks a private grammar gives.
 */
class LazyLexerRowsTest {
    private static final String SCHEMA = """
            {"type": "object",
             "properties": {
               "name": {"type": "string"}, "nickname": {"type": "string"}, "number": {"type": "integer"},
               "notes": {"type": "array", "items": {"type": "string"}}, "nested": {"type": "object",
                 "properties": {"alpha": {"type": "boolean"}, "alphabet": {"type": "string"}, "beta": {"type": "null"}}},
               "zeta": {"type": "number"}, "zone": {"type": "string"}, "zoom": {"type": "integer"}}}
            """;

    private static final String[] DOCS = {
        "{\"name\": \"Ann\", \"number\": 3, \"zone\": \"eu\"}",
        "{\"nickname\": \"x\", \"notes\": [\"a\", \"b\"], \"zoom\": 2, \"extra\": 1}",
        "{\"nested\": {\"alphabet\": \"abc\", \"beta\": null}, \"zeta\": 1.5}",
        "{\"\\u006eame\": \"escaped first letter\", \"n\\u0075mber\": 1}",
        "{\"zone\": \"z\", \"zoom\": 0, \"other\": true, \"\\u006eame2\": 1}",
    };

    private static CompiledGrammar compile() {
        return CompiledGrammar.compile(new SchemaCompiler(SchemaOptions.defaults()).compile(SCHEMA).grammar(), Gpt2.index());
    }

    private static List<long[]> masks(CompiledGrammar g, String doc) {
        List<long[]> out = new ArrayList<>();
        Matcher m = g.newMatcher();
        for (int id : Gpt2.tokenizer().encode(doc)) {
            long[] mask = m.newMask();
            m.fillNextTokenMask(mask);
            out.add(mask);
            assertTrue(m.accept(id), () -> "rejected a token of " + doc);
        }
        return out;
    }

    @Test
    void keysSpelledWithEscapesAreAcceptedAndUnreadRowsStayUntabulated() {
        CompiledGrammar g = compile();
        for (String doc : DOCS) {
            assertTrue(Gpt2.accepts(g, doc), doc);
        }
        LexerAutomaton lexer = g.engine().lexer();
        // the escape spellings of keys no document used were never read
        assertTrue(lexer.rowsBuilt() < lexer.stateCount(),
                () -> lexer.rowsBuilt() + " rows tabulated of " + lexer.stateCount() + " states");
    }

    @Test
    void threadsBuildingRowsTogetherGetThePrivateGrammarsMasks() throws Exception {
        CompiledGrammar reference = compile();
        List<List<long[]>> expected = new ArrayList<>();
        for (String doc : DOCS) {
            expected.add(masks(reference, doc));
        }
        for (int round = 0; round < 4; round++) {
            CompiledGrammar shared = compile(); // cold: every row is built by the threads below
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int offset = t;
                    futures.add(pool.submit(() -> {
                        for (int k = 0; k < DOCS.length; k++) {
                            int d = (k + offset) % DOCS.length;
                            List<long[]> got = masks(shared, DOCS[d]);
                            for (int s = 0; s < got.size(); s++) {
                                assertArrayEquals(expected.get(d).get(s), got.get(s), "doc " + d + " step " + s);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
