package dev.stencil.schemas;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.json.Whitespace;
import org.junit.jupiter.api.Test;

/** {@code minProperties}/{@code maxProperties} and {@code multipleOf}, each expectation checked by networknt too. */
class CountsAndMultiplesTest {
    private static final SchemaOptions SCHEMA_ORDER = SchemaOptions.defaults().withWhitespace(Whitespace.compact());

    @Test
    void minAndMaxPropertiesOnAMap() {
        Instances.of("{\"type\":\"object\",\"minProperties\":1,\"maxProperties\":2}")
                .accepts("{\"a\":1}", "{\"a\":1,\"b\":[]}", "{\"x\":null}")
                .rejects("{}", "{\"a\":1,\"b\":2,\"c\":3}");
        Instances.of("{\"minProperties\":2,\"additionalProperties\":{\"type\":\"integer\"}}")
                .accepts("{\"a\":1,\"b\":2}", "{\"a\":1,\"b\":2,\"c\":3,\"d\":4}", "3")
                .rejects("{\"a\":1}", "{\"a\":1,\"b\":\"2\"}");
    }

    @Test
    void countsWithNamedPropertiesInSchemaOrder() {
        String s = "{\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"integer\"}},\"minProperties\":2,"
                + "\"maxProperties\":3}";
        Instances.of(s, SCHEMA_ORDER)
                .accepts("{\"a\":1,\"b\":2}", "{\"a\":1,\"z\":true}", "{\"a\":1,\"b\":2,\"c\":3}", "{\"y\":1,\"z\":2}")
                .rejects("{\"a\":1}", "{}", "{\"a\":1,\"b\":2,\"c\":3,\"d\":4}", "{\"b\":1}");
    }

    @Test
    void countsInAnyOrderWithoutAdditionalProperties() {
        String s = "{\"properties\":{\"a\":{},\"b\":{},\"c\":{}},\"additionalProperties\":false,\"maxProperties\":2,"
                + "\"minProperties\":1}";
        Instances.of(s).accepts("{\"c\":1,\"a\":2}", "{\"b\":0}").rejects("{}", "{\"a\":1,\"b\":2,\"c\":3}",
                "{\"d\":1}");
    }

    @Test
    void countsInAnyOrderWithAdditionalProperties() {
        SchemaOptions any = SchemaOptions.defaults().withWhitespace(dev.stencil.automata.json.Whitespace.compact())
                .withPropertyOrder(PropertyOrder.ANY);
        Instances.of("{\"properties\":{\"a\":{\"type\":\"integer\"}},\"required\":[\"a\"],\"minProperties\":2,"
                + "\"maxProperties\":3}", any)
                .accepts("{\"a\":1,\"b\":2}", "{\"x\":0,\"a\":1,\"b\":2}")
                .rejects("{\"a\":1}", "{\"b\":1,\"c\":2}", "{\"a\":1,\"b\":2,\"c\":3,\"d\":4}", "{\"a\":\"s\",\"b\":2}");
        Instances.of("{\"properties\":{\"a\":{}},\"minProperties\":2}", any).accepts("{\"b\":1,\"c\":2}", "{\"b\":1,\"a\":2}")
                .rejects("{\"a\":1}", "{}");
    }

    @Test
    void multipleOfIntegers() {
        Instances.of("{\"type\":\"integer\",\"multipleOf\":25}")
                .accepts("0", "25", "-50", "1075", "100", "250.0")
                .rejects("5", "26", "-10", "1070", "2.5");
        Instances.of("{\"type\":\"integer\",\"multipleOf\":2,\"minimum\":3,\"maximum\":9}")
                .accepts("4", "8").rejects("2", "3", "10", "7");
        // multipleOf 0.5 constrains no integer
        Instances.of("{\"type\":\"integer\",\"multipleOf\":0.5}").accepts("3", "-7");
    }

    @Test
    void multipleOfOnNumbers() {
        Instances.of("{\"type\":\"number\",\"multipleOf\":0.01}")
                .accepts("1", "0.25", "-3.10", "12.340000", "0")
                .rejects("0.001", "1.255", "-0.125");
        Instances.of("{\"type\":\"number\",\"multipleOf\":10,\"maximum\":30}")
                .accepts("20", "-40", "30.0").rejects("5", "40", "10.5");
    }

    @Test
    void multipleOfFiltersEnumValues() {
        Instances.of("{\"enum\":[3,4,6,7],\"multipleOf\":2}").accepts("4", "6").rejects("3", "7");
    }

    @Test
    void anyDivisorByItsRemainderAutomaton() {
        Instances.of("{\"type\":\"integer\",\"multipleOf\":3,\"minimum\":-7,\"maximum\":100}")
                .accepts("-6", "0", "3", "99", "27", "3.0").rejects("-9", "1", "100", "102", "28");
        Instances.of("{\"type\":\"number\",\"multipleOf\":1.5}").accepts("0", "1.5", "-4.5", "3", "4.50", "150")
                .rejects("1", "2.25", "0.5", "4.51");
        Instances.of("{\"multipleOf\":0.25}").accepts("0.75", "1", "-2.5", "\"s\"").rejects("0.2", "0.125");
        Instances.of("{\"type\":\"integer\",\"multipleOf\":7,\"not\":{\"multipleOf\":2}}")
                .accepts("7", "21", "-35").rejects("14", "0", "8");
        Instances.of("{\"allOf\":[{\"multipleOf\":6},{\"multipleOf\":4}]}").accepts("12", "36", "-24")
                .rejects("6", "8", "18");
    }

    @Test
    void divisorsPastTheStateCapAreAnError() {
        SchemaCompiler c = new SchemaCompiler(SchemaOptions.defaults());
        SchemaException e = assertThrows(SchemaException.class,
                () -> c.compile("{\"properties\":{\"n\":{\"type\":\"integer\",\"multipleOf\":123457}}}"));
        assertTrue(e.getMessage().startsWith("'multipleOf' at #/properties/n"), e.getMessage());
        // a large divisor of 10^4 still compiles by its last digits
        Instances.of("{\"type\":\"integer\",\"multipleOf\":10000}").accepts("0", "20000", "-10000")
                .rejects("15000", "1");
    }

    @Test
    void uniqueItemsOverAFiniteItemDomain() {
        Instances.of("{\"type\":\"array\",\"items\":{\"enum\":[\"a\",\"b\",1,1.0,{\"k\":[1]}]},\"uniqueItems\":true,"
                + "\"minItems\":1}")
                .accepts("[\"a\"]", "[\"b\",\"a\"]", "[1,\"a\",{\"k\":[1]}]", "[1.0]")
                .rejects("[]", "[\"a\",\"a\"]", "[{\"k\":[1]},{\"k\":[1]}]", "[\"c\"]")
                // 1 and 1.0 are the same JSON value (networknt disagrees, so this skips the oracle)
                .blocksSpelling("[1,1.0]");
        Instances.of("{\"items\":{\"type\":\"boolean\",\"enum\":[true,false,null]},\"uniqueItems\":true}")
                .accepts("[true,false]", "[]").rejects("[true,true]", "[null]");
        SchemaCompiler strict = new SchemaCompiler(SchemaOptions.defaults());
        SchemaException e = assertThrows(SchemaException.class,
                () -> strict.compile("{\"items\":{\"type\":\"string\"},\"uniqueItems\":true}"));
        assertTrue(e.getMessage().startsWith("'uniqueItems' at #"), e.getMessage());
    }
}
