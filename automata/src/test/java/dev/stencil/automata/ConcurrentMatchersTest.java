package dev.stencil.automata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.json.JsonGrammar;
import dev.stencil.automata.json.Whitespace;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * One compiled grammar shared by many threads whose caches all start cold: every mask must equal
 * the one a single thread computes on a private compiled instance. Lazy caches that publish
 * half-built state would show up here as wrong masks.
 */
class ConcurrentMatchersTest {
    private static final String[] DOCS = {
        "{\"id\": 7, \"tags\": [\"a\", \"b\"], \"owner\": {\"name\": \"Lin\", \"age\": 41}}",
        "[{\"x\": 1.5e3}, {\"y\": [true, false, null]}, \"tail\"]",
        "{\"nested\": {\"deeper\": {\"deepest\": [[[]]]}}, \"s\": \"\\u00e9\\n\"}",
        "  {\"spaces\" :  [ 1 ,2 , 3 ] }  ",
    };

    private static List<long[]> masks(CompiledGrammar cg, int[] ids) {
        List<long[]> out = new ArrayList<>();
        Matcher m = cg.newMatcher();
        for (int id : ids) {
            long[] mask = m.newMask();
            m.fillNextTokenMask(mask);
            out.add(mask);
            assertTrue(m.accept(id));
        }
        return out;
    }

    @Test
    void sharedGrammarGivesTheSameMasksAsAPrivateOne() throws Exception {
        List<int[]> docs = new ArrayList<>();
        List<List<long[]>> expected = new ArrayList<>();
        CompiledGrammar reference = CompiledGrammar.compile(JsonGrammar.grammar(Whitespace.flexible()), TestVocab.gpt2Index());
        for (String d : DOCS) {
            int[] ids = TestVocab.gpt2().encode(d);
            docs.add(ids);
            expected.add(masks(reference, ids));
        }
        for (int round = 0; round < 3; round++) {
            CompiledGrammar shared = CompiledGrammar.compile(JsonGrammar.grammar(Whitespace.flexible()), TestVocab.gpt2Index());
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int offset = t;
                    futures.add(pool.submit(() -> {
                        for (int k = 0; k < docs.size(); k++) {
                            int d = (k + offset) % docs.size();
                            List<long[]> got = masks(shared, docs.get(d));
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
