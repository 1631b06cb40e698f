package dev.stencil.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.json.Whitespace;
import org.junit.jupiter.api.Test;

/** The report's search for a member order that a schema-order grammar accepts. */
class GrammarMemberOrderTest {
    private static CompiledGrammar schemaOrder(String schema) {
        SchemaOptions o = SchemaOptions.defaults().withWhitespace(Whitespace.compact())
                .withPropertyOrder(PropertyOrder.SCHEMA);
        return CompiledGrammar.compile(new SchemaCompiler(o).compile(schema).grammar(), Gpt2.index());
    }

    private static GrammarMemberOrder.Outcome find(CompiledGrammar g, String value) throws Exception {
        JsonNode v = Instances.JSON.readTree(value);
        return GrammarMemberOrder.find(g, v, Gpt2.index().eosTokenId());
    }

    @Test
    void reordersNestedMembersIntoSchemaOrder() throws Exception {
        CompiledGrammar g = schemaOrder("{\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"properties\":"
                + "{\"x\":{},\"y\":{}},\"required\":[\"x\",\"y\"]},\"c\":{}},\"required\":[\"b\"]}");
        assertEquals("{\"a\":1,\"b\":{\"x\":[],\"y\":2},\"c\":true,\"z\":null}",
                find(g, "{\"c\":true,\"z\":null,\"b\":{\"y\":2,\"x\":[]},\"a\":1}").text());
    }

    @Test
    void aRequiredMemberFirstInSchemaOrderIsFoundAfterLaterOnes() throws Exception {
        // 'u' is required and last: a search that pruned on "every member can come next" would miss it
        CompiledGrammar g = schemaOrder("{\"additionalProperties\":false,\"properties\":{\"a\":{},\"c\":{},"
                + "\"m\":{},\"u\":{}},\"required\":[\"c\",\"u\"]}");
        assertEquals("{\"a\":1,\"c\":2,\"m\":3,\"u\":4}", find(g, "{\"u\":4,\"c\":2,\"m\":3,\"a\":1}").text());
    }

    @Test
    void anInvalidValueHasNoOrderAndTheSearchSaysItTriedAll() throws Exception {
        CompiledGrammar g = schemaOrder("{\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{}},"
                + "\"required\":[\"a\",\"b\"]}");
        GrammarMemberOrder.Outcome o = find(g, "{\"b\":1,\"a\":\"not an integer\"}");
        assertNull(o.text());
        assertTrue(o.exhaustive());
        GrammarMemberOrder.Outcome missing = find(g, "{\"b\":1}");
        assertNull(missing.text());
        assertTrue(missing.exhaustive());
        assertFalse(find(g, "{\"b\":1,\"a\":2}").text() == null);
    }
}
