package dev.stencil.schemas;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The JSON Schema drafts the compiler knows, with the differences between them that change what a
 * schema means (not just how it is spelled).
 */
public enum Draft {
    DRAFT_4("http://json-schema.org/draft-04/schema#"),
    DRAFT_6("http://json-schema.org/draft-06/schema#"),
    DRAFT_7("http://json-schema.org/draft-07/schema#"),
    DRAFT_2019_09("https://json-schema.org/draft/2019-09/schema"),
    DRAFT_2020_12("https://json-schema.org/draft/2020-12/schema");

    private final String metaSchemaUri;

    Draft(String metaSchemaUri) {
        this.metaSchemaUri = metaSchemaUri;
    }

    /** The canonical URI of the draft's meta-schema. */
    public String metaSchemaUri() {
        return metaSchemaUri;
    }

    /**
     * The draft a {@code $schema} value names, or {@code fallback} when the value is absent.
     *
     * @throws SchemaException for a {@code $schema} that names no known draft: guessing could change
     *     the meaning of keywords such as {@code items}
     */
    public static Draft of(JsonNode schema, Draft fallback, String pointer) {
        JsonNode s = schema == null || !schema.isObject() ? null : schema.get("$schema");
        if (s == null) {
            return fallback;
        }
        if (!s.isTextual()) {
            throw new SchemaException("$schema", pointer, "must be a string URI");
        }
        String v = s.asText();
        if (v.contains("draft-04")) {
            return DRAFT_4;
        }
        if (v.contains("draft-06")) {
            return DRAFT_6;
        }
        if (v.contains("draft-07")) {
            return DRAFT_7;
        }
        if (v.contains("draft/2019-09")) {
            return DRAFT_2019_09;
        }
        if (v.contains("draft/2020-12")) {
            return DRAFT_2020_12;
        }
        throw new SchemaException("$schema", pointer, "unknown meta-schema '" + v
                + "'; expected draft-04, -06, -07, 2019-09 or 2020-12");
    }

    /** The keyword that sets a base URI: {@code id} in draft 4, {@code $id} later. */
    public String idKeyword() {
        return this == DRAFT_4 ? "id" : "$id";
    }

    /** Draft 4-7 ignore every keyword beside {@code $ref}; 2019-09 and later apply them too. */
    public boolean refOverridesSiblings() {
        return compareTo(DRAFT_2019_09) < 0;
    }

    /** Draft 4 spells {@code exclusiveMinimum}/{@code exclusiveMaximum} as booleans modifying the bound. */
    public boolean booleanExclusiveBounds() {
        return this == DRAFT_4;
    }

    /** Boolean schemas ({@code true}/{@code false}) exist from draft 6 on. */
    public boolean booleanSchemas() {
        return this != DRAFT_4;
    }

    /** Since draft 6, 1.0 is an integer; draft 4 requires a number without fraction or exponent. */
    public boolean integerAllowsZeroFraction() {
        return this != DRAFT_4;
    }

    /** 2020-12 moved the array form of {@code items} to {@code prefixItems}. */
    public boolean hasPrefixItems() {
        return this == DRAFT_2020_12;
    }
}
