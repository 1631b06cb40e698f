package dev.stencil.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stencil.schemas.InstanceValidator;
import dev.stencil.schemas.SchemaException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Schema-constrained generation on the embedded model, end to end. */
class SchemaGenerationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode schema(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Test
    void greedyOutputsFollowTheSchema() throws Exception {
        JsonNode schema = schema("""
                {"type": "object",
                 "properties": {"name": {"type": "string", "maxLength": 12},
                                "age": {"type": "integer", "minimum": 18, "maximum": 65},
                                "role": {"enum": ["admin", "user", "guest"]}},
                 "required": ["name", "age", "role"], "additionalProperties": false}""");
        Stencil s = TestModels.stencil();
        for (List<String> keys : List.of(List.of("name", "age", "role"), List.of("role", "age", "name"))) {
            GenerationResult r = s.schema(schema).prompt(s.promptForKeys(keys)).maxTokens(96).generate();
            assertTrue(r.valid(), () -> r.text() + " " + r.validationErrors());
            assertEquals(List.of(), InstanceValidator.of(schema).validate(r.json()), r.text());
            int age = r.json().get("age").asInt();
            assertTrue(age >= 18 && age <= 65, r.text());
        }
    }

    @Test
    void anOutputTheValidatorRejectsIsNeverReturnedAsValid() {
        Stencil s = TestModels.stencil();
        Generator g = new Generator(s, s.compile(dev.stencil.automata.json.JsonGrammar.grammar(
                dev.stencil.automata.json.Whitespace.flexible())), true, v -> List.of("rejected by the test's validator"));
        GenerationResult r = g.prompt(s.promptForKeys(List.of("a"))).maxTokens(64).generate();
        assertFalse(r.valid());
        assertNull(r.json());
        assertEquals(List.of("rejected by the test's validator"), r.validationErrors());
    }

    @Test
    void schemaThatCannotBeCompiledExactlyIsAnErrorNamingTheKeyword() throws Exception {
        // uniqueItems over an open item domain has no exact grammar (yet): it must not be dropped silently
        JsonNode schema = schema("{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}, \"uniqueItems\": true}}}");
        SchemaException e = assertThrows(SchemaException.class, () -> TestModels.stencil().schema(schema));
        assertTrue(e.getMessage().contains("uniqueItems") && e.getMessage().contains("/properties/a"), e.getMessage());
    }

    @Test
    void aSchemaTheValidatorCannotLoadIsAOneLineError() throws Exception {
        // no $schema: networknt rejects "$id": "moreThanOneInteger" (Github_easy/o2232 in JSONSchemaBench)
        JsonNode schema = schema("{\"type\": \"object\","
                + " \"properties\": {\"a\": {\"$ref\": \"#/definitions/moreThanOneInteger\"}},"
                + " \"definitions\": {\"moreThanOneInteger\": {\"$id\": \"moreThanOneInteger\", \"type\": \"integer\"}}}");
        DecoderException e = assertThrows(DecoderException.class, () -> TestModels.stencil().schema(schema));
        assertTrue(e.getMessage().contains("$id"), e.getMessage());
    }
}
