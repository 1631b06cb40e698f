package dev.stencil.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Distributing anyOf/oneOf (and if/then, rewritten as anyOf) over a conjunction: combinations of
 * branches that contradict each other are cut where they arise, and what is still too large is a
 * clear error naming the keyword and pointer.
 */
class CombinationsTest {
    /**
     * An allOf of n if/then pairs keyed by one required discriminator property: distributed naively
     * it has 2^n combinations of branches; all but n + 1 of them take two different constants for
     * the discriminator, which is seen as soon as the second one joins the conjunction.
     */
    static String discriminatedIfThen(int n) {
        StringBuilder s = new StringBuilder("{\"type\":\"object\",\"required\":[\"kind\"],\"properties\":"
                + "{\"kind\":{\"type\":\"string\"},\"v\":{}},\"allOf\":[");
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : ",").append("{\"if\":{\"properties\":{\"kind\":{\"const\":\"k").append(i)
                    .append("\"}}},\"then\":{\"properties\":{\"v\":{\"type\":\"")
                    .append(i % 2 == 0 ? "integer" : "string").append("\"}}}}");
        }
        return s.append("]}").toString();
    }

    @Test
    void contradictoryDiscriminatorCombinationsAreCutEarly() {
        // 2^30 combinations before; this compiles only if the contradictory ones are cut early
        Instances.of(discriminatedIfThen(30))
                .accepts("{\"kind\":\"k0\",\"v\":1}", "{\"kind\":\"k1\",\"v\":\"s\"}", "{\"kind\":\"k29\",\"v\":\"t\"}",
                        "{\"kind\":\"other\",\"v\":true}", "{\"kind\":\"k28\"}")
                .rejects("{\"kind\":\"k0\",\"v\":\"s\"}", "{\"kind\":\"k1\",\"v\":2}", "{\"v\":1}",
                        "{\"kind\":\"k28\",\"v\":null}");
    }

    @Test
    void provablyEmptyCombinationsKeepTheLanguage() {
        // the types, the enum/const sets or a required property's constants exclude each other
        Instances.of("{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}],\"oneOf\":[{\"type\":\"integer\","
                + "\"minimum\":3},{\"type\":\"string\",\"maxLength\":2}]}")
                .accepts("3", "\"ab\"").rejects("2", "\"abc\"", "null");
        Instances.of("{\"anyOf\":[{\"enum\":[1,2]},{\"const\":\"x\"}],\"allOf\":[{\"anyOf\":[{\"enum\":[2,3]},"
                + "{\"enum\":[\"x\",\"y\"]}]}]}")
                .accepts("2", "\"x\"").rejects("1", "3", "\"y\"");
        Instances.of("{\"type\":\"object\",\"required\":[\"a\"],\"anyOf\":[{\"properties\":{\"a\":{\"const\":1},"
                + "\"b\":{\"type\":\"string\"}}},{\"properties\":{\"a\":{\"const\":2}}}],\"oneOf\":[{\"properties\":"
                + "{\"a\":{\"enum\":[1,3]}}},{\"properties\":{\"a\":{\"type\":\"string\"}}}]}")
                .accepts("{\"a\":1}", "{\"a\":1,\"b\":\"s\"}").rejects("{\"a\":2}", "{\"a\":1,\"b\":2}", "{}");
        // up to draft 7 a $ref's siblings are ignored, so its const must not count
        Instances.of("{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"definitions\":{\"s\":"
                + "{\"type\":\"string\"}},\"type\":\"object\",\"required\":[\"a\"],\"properties\":{\"a\":{\"$ref\":"
                + "\"#/definitions/s\",\"const\":\"x\"}},\"anyOf\":[{\"properties\":{\"a\":{\"const\":\"y\"}}}]}")
                .accepts("{\"a\":\"y\"}").rejects("{\"a\":\"x\"}", "{\"a\":1}");
    }

    @Test
    void aRequiredPropertyWithContradictoryConstantsMakesTheObjectImpossible() {
        Instances.of("{\"type\":\"object\",\"required\":[\"a\"],\"allOf\":[{\"properties\":{\"a\":{\"const\":1}}},"
                + "{\"properties\":{\"a\":{\"const\":2}}}]}").rejects("{\"a\":1}", "{\"a\":2}", "{}", "1");
    }

    @Test
    void independentCombinationsBeyondTheWorkCapAreAClearError() {
        // 2^200 combinations that do not contradict each other, each a conjunction of hundreds of parts:
        // the work cap stops this long before the rule cap would
        StringBuilder s = new StringBuilder("{\"allOf\":[");
        for (int i = 0; i < 200; i++) {
            s.append(i == 0 ? "" : ",").append("{\"anyOf\":[{\"minimum\":").append(-i).append("},{\"maximum\":")
                    .append(1000 + i).append("}]}");
        }
        String schema = s.append("]}").toString();
        SchemaException e = assertThrows(SchemaException.class,
                () -> new SchemaCompiler(SchemaOptions.defaults()).compile(schema));
        assertTrue(e.getMessage().contains("schema too complex: combining its subschemas took more than"),
                e::getMessage);
        assertEquals("$ref", e.keyword());
    }
}
