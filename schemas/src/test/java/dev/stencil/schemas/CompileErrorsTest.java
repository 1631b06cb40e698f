package dev.stencil.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** What is not compiled exactly fails loudly (strict) or is listed (lenient); never silently. */
class CompileErrorsTest {
    private static final SchemaCompiler STRICT = new SchemaCompiler(SchemaOptions.defaults());

    @Test
    void unsupportedKeywordNamesKeywordAndPointer() {
        SchemaException e = assertThrows(SchemaException.class,
                () -> STRICT.compile("{\"properties\":{\"a\":{\"allOf\":[{\"properties\":{\"b\":{}}}],"
                        + "\"unevaluatedProperties\":false}}}"));
        assertEquals("unevaluatedProperties", e.keyword());
        assertEquals("#/properties/a", e.pointer());
    }

    @Test
    void lenientListsApproximations() {
        CompiledSchema cs = new SchemaCompiler(SchemaOptions.defaults().withLenient(true))
                .compile("{\"type\":\"array\",\"uniqueItems\":true}");
        assertFalse(cs.exact());
        assertTrue(cs.approximations().get(0).contains("uniqueItems"), cs.approximations().toString());
    }

    @Test
    void stringConstraintsTooLargeTogetherNameTheKeywordAndPointer() {
        // each alone compiles; the email grammar intersected with a 1,024-character bound does not
        // (from JSONSchemaBench Github_easy/o6237, where the error used to carry no keyword)
        SchemaException e = assertThrows(SchemaException.class,
                () -> STRICT.compile("{\"type\":\"array\",\"items\":{\"properties\":{\"email\":"
                        + "{\"type\":\"string\",\"format\":\"email\",\"maxLength\":1024}}}}"));
        assertEquals("format", e.keyword());
        assertEquals("#/items/properties/email", e.pointer());
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
    }

    @Test
    void combinationsWhoseStringAutomataAddUpTooFarFailEarly() {
        // every branch alone compiles (tens of thousands of states with the length counter); together
        // they pass StringLexemes.MAX_INTERSECTED_STATES, which cuts such schemas short (before it,
        // Handwritten/allany19 built one such automaton after another for up to 2.9 s)
        StringBuilder branches = new StringBuilder();
        String letters = "abcdefghijklmnopqrstuvwxyz";
        for (int i = 0; i < 24; i++) {
            char x = letters.charAt(i);
            char y = letters.charAt((i + 7) % 26);
            branches.append(i == 0 ? "" : ",").append("{\"allOf\":[{\"pattern\":\"").append(x).append(y)
                    .append("1\"},{\"pattern\":\"2.*").append(y).append("\"},{\"pattern\":\"").append(x)
                    .append(".*3.*").append(x).append("\"}]}");
        }
        SchemaException e = assertThrows(SchemaException.class, () -> STRICT.compile(
                "{\"type\":\"string\",\"minLength\":10,\"maxLength\":90,\"anyOf\":[" + branches + "]}"));
        assertEquals("pattern", e.keyword());
        assertTrue(e.getMessage().contains("automaton states in all"), e.getMessage());
    }

    @Test
    void backreferenceInPatternIsAnError() {
        SchemaException e = assertThrows(SchemaException.class,
                () -> STRICT.compile("{\"type\":\"string\",\"pattern\":\"(a)\\\\1\"}"));
        assertEquals("pattern", e.keyword());
    }

    @Test
    void overlappingOneOfWhoseBranchCannotBeNegatedIsAnError() {
        // "exactly one" needs the negation of the first branch: some additional member failing false
        SchemaException e = assertThrows(SchemaException.class, () -> STRICT.compile("{\"oneOf\":[{\"type\":"
                + "\"object\",\"additionalProperties\":false},{\"type\":\"object\",\"properties\":{\"a\":{}}}]}"));
        assertEquals("additionalProperties", e.keyword());
        assertEquals("#/oneOf/0", e.pointer());
    }

    @Test
    void anyOrderPastTheBoundIsAnError() {
        StringBuilder props = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            props.append(i == 0 ? "" : ",").append("\"p").append(i).append("\":{}");
        }
        SchemaCompiler any = new SchemaCompiler(SchemaOptions.defaults().withPropertyOrder(PropertyOrder.ANY));
        SchemaException e = assertThrows(SchemaException.class,
                () -> any.compile("{\"properties\":{" + props + "}}"));
        assertEquals("properties", e.keyword());
    }

    @Test
    void metaSchemaViolationIsReported() {
        SchemaException e = assertThrows(SchemaException.class, () -> STRICT.compile("{\"minLength\":\"three\"}"));
        assertTrue(e.getMessage().contains("meta-schema"), e.getMessage());
    }

    @Test
    void assertedUnsupportedFormatIsAnErrorButAnnotationWhenOff() {
        assertThrows(SchemaException.class, () -> STRICT.compile("{\"type\":\"string\",\"format\":\"iri\"}"));
        CompiledSchema cs = new SchemaCompiler(SchemaOptions.defaults().withFormatAssertion(false))
                .compile("{\"type\":\"string\",\"format\":\"iri\"}");
        assertTrue(cs.exact());
    }

    @Test
    void cacheHitsOnReorderedSchema() throws Exception {
        ObjectMapper m = new ObjectMapper();
        SchemaCache cache = new SchemaCache(STRICT, 4);
        CompiledSchema a = cache.get(m.readTree("{\"type\":\"integer\",\"minimum\":1}"));
        CompiledSchema b = cache.get(m.readTree("{ \"minimum\": 1.0, \"type\": \"integer\" }"));
        assertTrue(a == b);
        assertEquals(1, cache.hits());
        cache.get(m.readTree("{\"type\":\"integer\",\"minimum\":2}"));
        assertEquals(2, cache.misses());
    }
}
