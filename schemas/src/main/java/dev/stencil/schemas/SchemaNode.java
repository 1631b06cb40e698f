package dev.stencil.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;

/**
 * One schema object (or boolean schema) in context: its base URI for {@code $ref} resolution, the
 * JSON pointer used in error messages, and the draft that gives its keywords their meaning.
 */
record SchemaNode(JsonNode json, URI base, String pointer, Draft draft) {
    /** The schema's value for a keyword, or null; boolean schemas have none. */
    JsonNode get(String keyword) {
        return json.isObject() ? json.get(keyword) : null;
    }

    /** A stable identity for memoising compiled rules: two nodes with equal keys compile alike. */
    String key() {
        return System.identityHashCode(json) + "@" + pointer;
    }
}
