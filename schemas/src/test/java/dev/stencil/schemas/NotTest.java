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
    void notInsideEnumIsCheckedPerValue() {
        Instances.of("{\"enum\":[1,2,\"x\"],\"not\":{\"const\":2}}").accepts("1", "\"x\"").rejects("2");
    }

    @Test
    void otherNotFormsAreErrors() {
        SchemaCompiler strict = new SchemaCompiler(SchemaOptions.defaults());
        SchemaException e = assertThrows(SchemaException.class, () -> strict.compile("{\"not\":{\"type\":\"integer\"}}"));
        assertEquals("not", e.keyword());
        e = assertThrows(SchemaException.class, () -> strict.compile("{\"not\":{\"required\":[\"a\"]}}"));
        assertEquals("not", e.keyword());
    }
}
