package dev.stencil.schemas;

import org.junit.jupiter.api.Test;

class CoreKeywordsTest {
    @Test
    void typeSingleAndArray() {
        Instances.of("{\"type\":\"string\"}").accepts("\"abc\"", "\"\"", "\"\\u00e9\\n\"").rejects("1", "null", "[]");
        Instances.of("{\"type\":[\"integer\",\"null\"]}").accepts("12", "-3", "null", "0")
                .rejects("1.5", "\"1\"", "true");
        Instances.of("{\"type\":\"boolean\"}").accepts("true", "false").rejects("0", "null");
        Instances.of("{\"type\":\"number\"}").accepts("1.5e3", "-0.25", "7").rejects("\"7\"");
    }

    @Test
    void integerAllowsZeroFractionFromDraft6Only() {
        Instances.of("{\"type\":\"integer\"}").accepts("1.0", "-2.00").rejects("1.5");
        Instances.of("{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"integer\"}")
                .accepts("3").rejects("1.0");
    }

    @Test
    void enumAndConstCompareValues() {
        Instances.of("{\"enum\":[1,\"a\",null,[1,2],{\"k\":true}]}")
                .accepts("1", "1.0", "\"a\"", "\"\\u0061\"", "null", "[1,2]", "{\"k\":true}")
                .rejects("2", "\"b\"", "[2,1]", "{\"k\":false}", "{}", "{\"k\":true,\"j\":1}");
        Instances.of("{\"const\":2.5}").accepts("2.5", "2.50").rejects("2.4", "25");
        Instances.of("{\"type\":\"string\",\"enum\":[\"x\",1]}").accepts("\"x\"").rejects("1");
    }

    @Test
    void propertiesRequiredAdditionalAnyOrder() {
        String s = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"string\"}},"
                + "\"required\":[\"a\"],\"additionalProperties\":false}";
        Instances.of(s).accepts("{\"a\":1}", "{\"b\":\"x\",\"a\":2}", "{\"a\":1,\"b\":\"y\"}")
                .rejects("{}", "{\"b\":\"x\"}", "{\"a\":1,\"c\":2}", "{\"a\":\"1\"}")
                // duplicate keys: no validator sees them, the grammar must not produce them
                .blocksSpelling("{\"a\":1,\"a\":2}");
    }

    @Test
    void additionalPropertiesSchema() {
        Instances.of("{\"properties\":{\"a\":{}},\"additionalProperties\":{\"type\":\"boolean\"}}")
                .accepts("{\"a\":[1],\"z\":true}", "{}", "{\"z\":false,\"a\":null}")
                .rejects("{\"z\":1}");
    }

    @Test
    void schemaOrderKeepsDeclaredOrderAndExtrasLast() {
        String s = "{\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"integer\"}},\"required\":[\"b\"]}";
        Instances.of(s, SchemaOptions.defaults().withWhitespace(dev.stencil.automata.json.Whitespace.compact()))
                .accepts("{\"b\":1}", "{\"a\":1,\"b\":2}", "{\"a\":1,\"b\":2,\"c\":[]}")
                .rejects("{\"a\":1}", "{\"a\":1,\"b\":\"2\"}")
                .blocksSpelling("{\"b\":2,\"a\":1}", "{\"c\":0,\"b\":1}");
    }

    @Test
    void itemsPrefixItemsAndCounts() {
        Instances.of("{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":1,\"maxItems\":3}")
                .accepts("[1]", "[1,2,3]").rejects("[]", "[1,2,3,4]", "[1,\"a\"]");
        Instances.of("{\"prefixItems\":[{\"type\":\"string\"},{\"type\":\"null\"}],\"items\":false}")
                .accepts("[]", "[\"a\"]", "[\"a\",null]").rejects("[\"a\",null,1]", "[1]", "[\"a\",1]");
        Instances.of("{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"items\":[{\"type\":\"integer\"}],"
                + "\"additionalItems\":{\"type\":\"string\"}}")
                .accepts("[1,\"a\",\"b\"]", "[]").rejects("[1,2]", "[\"a\"]");
    }

    @Test
    void stringLengthInCodePointsAndPattern() {
        Instances.of("{\"type\":\"string\",\"minLength\":2,\"maxLength\":3}")
                .accepts("\"ab\"", "\"\u00e9\u00e9\u00e9\"", "\"\\u0041b\"", "\"\ud83d\ude00x\"")
                .rejects("\"a\"", "\"abcd\"", "\"\ud83d\ude00\"");
        Instances.of("{\"type\":\"string\",\"pattern\":\"[0-9]{3}\"}")
                .accepts("\"123\"", "\"ab1234\"").rejects("\"12\"", "\"a1b2c3\"");
        Instances.of("{\"type\":\"string\",\"pattern\":\"^a+$\"}").accepts("\"aaa\"", "\"\\u0061\"")
                .rejects("\"ab\"", "\"\"");
    }

    @Test
    void integerBoundsAreExact() {
        Instances.of("{\"type\":\"integer\",\"minimum\":-15,\"exclusiveMaximum\":120}")
                .accepts("-15", "0", "-0", "119", "99", "7").rejects("-16", "120", "1000", "-100");
        Instances.of("{\"type\":\"integer\",\"exclusiveMinimum\":99999999999999999999}")
                .accepts("100000000000000000000", "123456789012345678901234")
                .rejects("99999999999999999999", "5");
        Instances.of("{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"integer\","
                + "\"minimum\":5,\"exclusiveMinimum\":true,\"maximum\":7.5}")
                .accepts("6", "7").rejects("5", "8");
    }

    @Test
    void anyOfAllOfOneOf() {
        Instances.of("{\"anyOf\":[{\"type\":\"string\",\"maxLength\":1},{\"type\":\"integer\",\"minimum\":10}]}")
                .accepts("\"a\"", "10").rejects("\"ab\"", "9", "null");
        Instances.of("{\"allOf\":[{\"type\":\"integer\",\"minimum\":2},{\"maximum\":4}]}")
                .accepts("2", "4").rejects("1", "5", "\"3\"");
        Instances.of("{\"allOf\":[{\"properties\":{\"a\":{\"type\":\"integer\"}}},"
                + "{\"properties\":{\"a\":{\"minimum\":3}},\"required\":[\"a\"]}]}")
                .accepts("{\"a\":3}").rejects("{\"a\":2}", "{}", "{\"a\":\"x\"}");
        Instances.of("{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"null\"}]}").accepts("\"s\"", "null").rejects("1");
    }

    @Test
    void refsDefsAndRecursion() {
        String tree = "{\"$defs\":{\"node\":{\"type\":\"object\",\"properties\":{\"v\":{\"type\":\"integer\"},"
                + "\"kids\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/node\"}}},\"required\":[\"v\"],"
                + "\"additionalProperties\":false}},\"$ref\":\"#/$defs/node\"}";
        Instances.of(tree).accepts("{\"v\":1}", "{\"v\":1,\"kids\":[{\"v\":2,\"kids\":[{\"v\":3}]}]}")
                .rejects("{\"v\":1,\"kids\":[{}]}", "{\"v\":1,\"kids\":[{\"v\":2,\"kids\":[{\"v\":\"x\"}]}]}");
        Instances.of("{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"definitions\":{\"p\":"
                + "{\"type\":\"integer\"}},\"properties\":{\"a\":{\"$ref\":\"#/definitions/p\"}}}")
                .accepts("{\"a\":1}").rejects("{\"a\":true}");
        Instances.of("{\"$defs\":{\"x\":{\"$anchor\":\"num\",\"type\":\"number\"}},\"items\":{\"$ref\":\"#num\"}}")
                .accepts("[1,2.5]").rejects("[\"1\"]");
    }

    @Test
    void booleanSchemas() {
        Instances.of("{\"properties\":{\"a\":false,\"b\":true}}").accepts("{\"b\":[{}]}", "{}").rejects("{\"a\":1}");
    }

    @Test
    void decimalBoundsAreExactOnPlainSpellings() {
        Instances.of("{\"type\":\"number\",\"exclusiveMinimum\":-1.25,\"maximum\":3.5}")
                .accepts("-1.2499", "-1", "0", "-0.0", "3.5", "3.50", "3.4999", "2")
                .rejects("-1.25", "-1.250", "-2", "3.5001", "4", "10");
        Instances.of("{\"type\":\"number\",\"minimum\":0}").accepts("0", "-0", "0.5", "12").rejects("-0.01", "-3");
    }

    @Test
    void falseRootAcceptsNothing() {
        Instances.of("false").rejects("null", "{}", "1");
    }
}
