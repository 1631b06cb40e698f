package dev.stencil.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * A long-running {@link Stencil} sees an open-ended stream of schemas: the same schema (whatever
 * its key order) compiles once, and the caches hold a bounded number of grammars.
 */
class GrammarCacheTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theSameSchemaInAnyKeyOrderCompilesOnce() throws Exception {
        Stencil s = TestModels.stencil();
        JsonNode a = JSON.readTree("{\"type\":\"object\",\"properties\":{\"zq\":{\"type\":\"integer\"}},\"required\":[\"zq\"]}");
        JsonNode b = JSON.readTree("{\"required\":[\"zq\"], \"properties\":{\"zq\":{\"type\":\"integer\"}},\"type\":\"object\"}");
        int before = s.cachedGrammars()[1];
        GenerationResult r1 = s.schema(a).prompt("Q: Give a JSON object. Keys: zq.\nA:").maxTokens(16).generate();
        int after = s.cachedGrammars()[1];
        GenerationResult r2 = s.schema(b).prompt("Q: Give a JSON object. Keys: zq.\nA:").maxTokens(16).generate();
        assertEquals(before + 1, after);
        assertEquals(after, s.cachedGrammars()[1], "the reordered schema compiled again");
        assertEquals(r1.text(), r2.text());
    }

    @Test
    void boundedCacheEvictsTheLeastRecentlyUsed() {
        BoundedCache<String, Integer> c = new BoundedCache<>(2);
        c.putIfAbsent("a", 1);
        c.putIfAbsent("b", 2);
        assertEquals(1, c.get("a")); // a is now the most recently used
        c.putIfAbsent("c", 3);
        assertNull(c.get("b"));
        assertEquals(1, c.get("a"));
        assertEquals(3, c.get("c"));
        assertEquals(2, c.size());
        Integer kept = c.putIfAbsent("a", 9);
        assertSame(1, kept);
        assertTrue(Stencil.GRAMMAR_CACHE_CAPACITY >= 16);
    }
}
