package dev.stencil.schemas;

import org.junit.jupiter.api.Test;

/**
 * {@link SchemaOptions#forGeneration()}: the json.dumps layout, canonical literals, no unnamed
 * properties. Each restriction blocks valid instances that {@link SchemaOptions#defaults()} lets
 * through (checked with {@code blocksSpelling}: the oracle calls them valid), and never admits an
 * invalid one.
 */
class GenerationLayoutTest {
    private static final String PERSON = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
            + "\"tags\":{\"type\":\"array\",\"items\":{\"enum\":[\"a\",\"é\"]}}},\"required\":[\"name\"]}";

    @Test
    void spacedSeparatorsAndOneLeadingSpace() {
        Instances.of(PERSON, SchemaOptions.forGeneration())
                .accepts("{\"name\": \"Al\"}", " {\"name\": \"Al\", \"tags\": [\"a\", \"é\"]}", "{\"name\": \"x\\\"y\"}")
                .rejects(" {\"tags\": [\"a\"]}", "{\"name\": \"Al\", \"tags\": [\"b\"]}")
                .blocksSpelling("{\"name\":\"Al\"}", "{\"name\": \"Al\",\"tags\": []}", "{ \"name\": \"Al\"}",
                        "  {\"name\": \"Al\"}", "{\"name\": \"Al\"} ", "{\"name\" : \"Al\"}", "{\"name\": \"Al\", \"tags\": [\"a\",\"a\"]}");
    }

    @Test
    void literalsOnlyInTheirCanonicalSpelling() {
        Instances.of(PERSON, SchemaOptions.forGeneration())
                .blocksSpelling("{\"n\\u0061me\": \"Al\"}", "{\"name\": \"Al\", \"tags\": [\"\\u00e9\"]}");
        // the escaped spellings are valid, and the default options admit them
        Instances.of(PERSON, SchemaOptions.defaults())
                .accepts("{\"n\\u0061me\": \"Al\"}", "{\"name\": \"Al\", \"tags\": [\"\\u00e9\"]}");
    }

    @Test
    void noUnnamedPropertiesUnlessTheSchemaAsksForThem() {
        Instances.of(PERSON, SchemaOptions.forGeneration()).blocksSpelling("{\"name\": \"Al\", \"age\": 3}");
        Instances.of(PERSON, SchemaOptions.defaults()).accepts("{\"name\": \"Al\", \"age\": 3}");
        String open = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},\"additionalProperties\":{\"type\":\"integer\"}}";
        Instances.of(open, SchemaOptions.forGeneration()).accepts("{\"name\": \"Al\", \"age\": 3}").rejects("{\"age\": \"3\"}");
    }
}
