package dev.stencil.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.json.Whitespace;

/**
 * Test helper: compiles a schema and checks instances against both an independent validator
 * (networknt, so a wrong expectation in a test is caught) and the compiled grammar, token by token.
 */
final class Instances {
    static final ObjectMapper JSON = new ObjectMapper();

    private final String schema;
    private final CompiledGrammar grammar;
    private final com.networknt.schema.JsonSchema oracle;

    private Instances(String schema, SchemaOptions options) {
        this.schema = schema;
        CompiledSchema cs = new SchemaCompiler(options).compile(schema);
        assertTrue(cs.exact(), () -> "approximated: " + cs.approximations());
        this.grammar = CompiledGrammar.compile(cs.grammar(), Gpt2.index());
        SpecVersion.VersionFlag flag = switch (cs.draft()) {
            case DRAFT_4 -> SpecVersion.VersionFlag.V4;
            case DRAFT_6 -> SpecVersion.VersionFlag.V6;
            case DRAFT_7 -> SpecVersion.VersionFlag.V7;
            case DRAFT_2019_09 -> SpecVersion.VersionFlag.V201909;
            case DRAFT_2020_12 -> SpecVersion.VersionFlag.V202012;
        };
        try {
            this.oracle = JsonSchemaFactory.getInstance(flag).getSchema(JSON.readTree(schema));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Instances of(String schema) {
        return new Instances(schema, SchemaOptions.defaults().withWhitespace(Whitespace.compact())
                .withPropertyOrder(PropertyOrder.ANY));
    }

    static Instances of(String schema, SchemaOptions options) {
        return new Instances(schema, options);
    }

    /** Asserts the texts are valid (per the oracle) and produced token by token. */
    Instances accepts(String... texts) {
        for (String t : texts) {
            assertOracle(t, true);
            assertTrue(Gpt2.accepts(grammar, t), () -> schema + " should accept " + t);
        }
        return this;
    }

    /** Asserts the texts are invalid (per the oracle) and blocked. */
    Instances rejects(String... texts) {
        for (String t : texts) {
            assertOracle(t, false);
            assertTrue(!Gpt2.accepts(grammar, t), () -> schema + " should block " + t);
        }
        return this;
    }

    /** Asserts the texts are blocked without consulting the oracle (spelling or ordering restrictions). */
    Instances blocksSpelling(String... texts) {
        for (String t : texts) {
            assertTrue(!Gpt2.accepts(grammar, t), () -> schema + " should block " + t);
        }
        return this;
    }

    private void assertOracle(String text, boolean valid) {
        try {
            JsonNode inst = JSON.readTree(text);
            assertEquals(valid, oracle.validate(inst).isEmpty(), () -> "oracle disagrees with the test on " + text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
