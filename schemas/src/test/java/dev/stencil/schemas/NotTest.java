package dev.stencil.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** 'not' of whole JSON types, and of anything inside an enum (checked value by value). */
class NotTest {
    @Test
    void notTypeRemovesKinds() {
        Instances.of("{\"not\":{\"type\":[\"string\",\"null\"]}}").accepts("1", "true", "{}", "[]")
                .rejects("\"a\"", "null");
        Instances.of("{\"type\":[\"integer\",\"string\"],\"not\":{\"type\":\"integer\"}}").accepts("\"a\"")
                .rejects("1");
        Instances.of("{\"not\":{}}").rejects("1", "null");
        Instances.of("{\"properties\":{\"a\":{\"not\":false}}}").accepts("{\"a\":1}");
    }

    @Test
    void notOfPropertyNamesFalseRequiresAMember() {
        // propertyNames: false allows only {} (and non-objects), so its negation is a non-empty object
        Instances.of("{\"type\":\"object\",\"not\":{\"propertyNames\":false}}")
                .accepts("{\"key\":\"value\"}", "{\"a\":1,\"b\":2}").rejects("{}", "1");
        Instances.of("{\"not\":{\"propertyNames\":true}}").rejects("{}", "{\"a\":1}", "1");
    }

    @Test
    void notInsideEnumIsCheckedPerValue() {
        Instances.of("{\"enum\":[1,2,\"x\"],\"not\":{\"const\":2}}").accepts("1", "\"x\"").rejects("2");
    }

    @Test
    void notIntegerLeavesFractions() {
        Instances.of("{\"not\":{\"type\":\"integer\"}}").accepts("1.5", "-0.25", "\"a\"", "null")
                .rejects("1", "-3", "1.0", "0");
        Instances.of("{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"not\":{\"type\":\"integer\"}}")
                .accepts("1.0", "1.5").rejects("1", "0");
    }

    @Test
    void notOfNumberAndStringKeywordsIsTheComplementWithinTheKind() {
        Instances.of("{\"not\":{\"minimum\":3,\"multipleOf\":2}}").accepts("1", "3", "2.5", "7")
                .rejects("4", "10", "6.0", "\"x\"");
        Instances.of("{\"not\":{\"pattern\":\"^a\",\"maxLength\":2}}").accepts("\"b\"", "\"abc\"")
                .rejects("\"a\"", "\"ab\"", "3");
        Instances.of("{\"not\":{\"enum\":[\"x\",1,true]}}").accepts("\"y\"", "2", "false", "null", "{}", "[]")
                .rejects("\"x\"", "1", "1.0", "true");
    }

    @Test
    void notOfObjectAndArrayKeywords() {
        Instances.of("{\"not\":{\"required\":[\"a\"],\"properties\":{\"a\":{\"type\":\"string\"}}}}")
                .accepts("{}", "{\"a\":1}", "{\"b\":\"x\"}").rejects("{\"a\":\"x\"}", "1");
        Instances.of("{\"not\":{\"not\":{\"type\":\"string\"}}}").accepts("\"a\"").rejects("1");
        Instances.of("{\"not\":{\"anyOf\":[{\"type\":\"string\"},{\"minimum\":5}]}}").accepts("1", "4.5")
                .rejects("\"s\"", "5", "null");
        Instances.of("{\"not\":{\"prefixItems\":[{\"type\":\"string\"}],\"minItems\":1}}")
                .accepts("[]", "[1]").rejects("[\"a\"]", "[\"a\",1]", "2");
        Instances.of("{\"not\":{\"items\":{\"type\":\"string\"}}}").accepts("[1]", "[\"a\",2]")
                .rejects("[]", "[\"a\"]", "1");
    }

    @Test
    void unnegatableKeywordsAreErrors() {
        SchemaCompiler strict = new SchemaCompiler(SchemaOptions.defaults());
        SchemaException e = assertThrows(SchemaException.class,
                () -> strict.compile("{\"not\":{\"propertyNames\":{\"maxLength\":2}}}"));
        assertEquals("propertyNames", e.keyword());
        assertEquals("#/not", e.pointer());
        e = assertThrows(SchemaException.class, () -> strict.compile("{\"not\":{\"enum\":[[1]]}}"));
        assertEquals("const", e.keyword());
    }
}
