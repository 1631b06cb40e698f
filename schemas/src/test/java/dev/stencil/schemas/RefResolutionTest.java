package dev.stencil.schemas;

import org.junit.jupiter.api.Test;

/** $ref against bases set by nested $id, URNs and file URIs. */
class RefResolutionTest {
    @Test
    void refInsideAResourceReachedByItsIdUsesThatIdAsBase() {
        Instances.of("{\"$id\":\"http://example.com/a.json\",\"properties\":{\"foo\":{\"$id\":\"b.json\","
                + "\"$defs\":{\"inner\":{\"properties\":{\"bar\":{\"type\":\"string\"}}}},\"$ref\":\"#/$defs/inner\"}},"
                + "\"$ref\":\"b.json\"}")
                .accepts("{\"foo\":{\"bar\":\"a\"},\"bar\":\"b\"}").rejects("{\"bar\":1}", "{\"foo\":{\"bar\":1}}");
    }

    @Test
    void fragmentRefsAgainstUrnAndFileBases() {
        Instances.of("{\"$id\":\"urn:uuid:deadbeef-1234-ffff-ffff-4321feebdaed\",\"properties\":{\"foo\":"
                + "{\"$ref\":\"#/$defs/bar\"}},\"$defs\":{\"bar\":{\"type\":\"string\"}}}")
                .accepts("{\"foo\":\"a\"}").rejects("{\"foo\":1}");
        Instances.of("{\"$id\":\"file:///folder/file.json\",\"$defs\":{\"foo\":{\"type\":\"number\"}},"
                + "\"$ref\":\"#/$defs/foo\"}").accepts("1").rejects("\"a\"");
    }
}
