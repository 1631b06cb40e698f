package dev.stencil.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.stencil.automata.json.Whitespace;
import org.junit.jupiter.api.Test;

/** patternProperties and propertyNames, in both property orders, checked against networknt. */
class PatternPropertiesTest {
    private static final SchemaOptions SCHEMA_ORDER = SchemaOptions.defaults().withWhitespace(Whitespace.compact())
            .withPropertyOrder(PropertyOrder.SCHEMA);

    @Test
    void patternsTypeMatchingKeysAndAdditionalTakesTheRest() {
        String schema = "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}},"
                + "\"patternProperties\":{\"^x-\":{\"type\":\"string\"},\"[0-9]$\":{\"type\":\"boolean\"}},"
                + "\"additionalProperties\":false}";
        for (SchemaOptions o : new SchemaOptions[] {SCHEMA_ORDER, null}) {
            Instances i = o == null ? Instances.of(schema) : Instances.of(schema, o);
            i.accepts("{}", "{\"id\":1}", "{\"id\":1,\"x-a\":\"s\"}", "{\"a1\":true}", "{\"x-\":\"\",\"b2\":false}")
                    .rejects("{\"x-a\":1}", "{\"a1\":\"s\"}", "{\"other\":1}", "{\"id\":\"1\"}",
                            // matches both patterns: must be a string and a boolean
                            "{\"x-1\":\"s\"}", "{\"x-1\":true}");
        }
    }

    @Test
    void declaredNameMatchingAPatternMustSatisfyBoth() {
        Instances.of("{\"properties\":{\"a1\":{\"type\":\"integer\"}},"
                + "\"patternProperties\":{\"1\":{\"minimum\":5}},\"additionalProperties\":{\"type\":\"string\"}}")
                .accepts("{\"a1\":7}", "{\"b\":\"s\"}", "{\"c1\":6.5}")
                .rejects("{\"a1\":3}", "{\"a1\":7.5}", "{\"b\":1}", "{\"c1\":1}");
    }

    @Test
    void propertyNamesRestrictKeys() {
        Instances.of("{\"propertyNames\":{\"pattern\":\"^[a-z]+$\",\"maxLength\":3},"
                + "\"properties\":{\"abcd\":{},\"ab\":{\"type\":\"null\"}}}")
                .accepts("{}", "{\"ab\":null}", "{\"xyz\":[1]}", "[]", "3")
                .rejects("{\"abcd\":1}", "{\"Ab\":1}", "{\"ab\":1}", "{\"a1\":1}");
        Instances.of("{\"propertyNames\":{\"enum\":[\"a\",\"b\"]}}").accepts("{\"a\":1,\"b\":2}")
                .rejects("{\"c\":1}");
        Instances.of("{\"propertyNames\":false}").accepts("{}", "1").rejects("{\"a\":1}");
    }

    @Test
    void propertyNamesBeyondStringsIsAnError() {
        SchemaException e = assertThrows(SchemaException.class, () -> new SchemaCompiler(SchemaOptions.defaults())
                .compile("{\"properties\":{\"o\":{\"propertyNames\":{\"not\":{\"const\":\"a\"}}}}}"));
        assertEquals(true, e.pointer().startsWith("#/properties/o"), e.pointer());
    }

    @Test
    void tooManyOverlappingPatternsIsAnError() {
        // 8 unanchored letters: every subset can match one key, 256 regions
        SchemaException e = assertThrows(SchemaException.class, () -> new SchemaCompiler(SchemaOptions.defaults())
                .compile("{\"patternProperties\":{\"a\":{},\"b\":{},\"c\":{},\"d\":{},\"e\":{},\"f\":{},"
                        + "\"g\":{},\"h\":{}}}"));
        assertEquals("patternProperties", e.keyword());
    }

    @Test
    void manyDisjointPatternsCompileRegionByRegion() {
        StringBuilder pp = new StringBuilder();
        for (char c = 'a'; c <= 'l'; c++) {
            pp.append(c == 'a' ? "" : ",").append("\"^").append(c).append("_\":{\"type\":\"")
                    .append(c % 2 == 0 ? "string" : "integer").append("\"}");
        }
        Instances.of("{\"patternProperties\":{" + pp + "},\"additionalProperties\":false}")
                .accepts("{\"a_1\":1,\"b_x\":\"s\",\"l_\":\"t\"}", "{}")
                .rejects("{\"a_1\":\"s\"}", "{\"b_x\":2}", "{\"m_\":1}", "{\"xa_\":1}");
    }
}
