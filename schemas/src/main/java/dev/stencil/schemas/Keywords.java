package dev.stencil.schemas;

import java.util.Map;
import java.util.Set;

/**
 * Which keywords each draft defines and what the compiler does with them. A keyword outside its
 * draft's vocabulary is an unknown keyword, which the spec says to ignore (so {@code const} in a
 * draft-04 schema constrains nothing).
 */
final class Keywords {
    /** Keywords compiled exactly (some only in certain forms, checked where they are compiled). */
    static final Set<String> COMPILED = Set.of("type", "enum", "const", "properties", "required",
            "additionalProperties", "items", "prefixItems", "additionalItems", "minItems", "maxItems", "minLength",
            "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "anyOf", "allOf",
            "oneOf", "$ref", "format", "multipleOf", "minProperties", "maxProperties", "patternProperties",
            "propertyNames", "not", "if", "then", "else", "dependencies", "dependentRequired", "dependentSchemas",
            "contains", "minContains", "maxContains", "uniqueItems");

    /** Keywords with no effect on validity. */
    static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "id", "$defs", "definitions", "$anchor",
            "$comment", "title", "description", "default", "examples", "readOnly", "writeOnly", "deprecated",
            "contentMediaType", "contentEncoding", "contentSchema", "$vocabulary", "$dynamicAnchor",
            "$recursiveAnchor");

    /** Assertion and applicator keywords this version does not compile yet. */
    static final Set<String> NOT_YET = Set.of("unevaluatedProperties", "unevaluatedItems",
            "$dynamicRef", "$recursiveRef");

    /** First draft that defines a keyword, where that is not draft 4. */
    private static final Map<String, Draft> SINCE = Map.ofEntries(
            Map.entry("const", Draft.DRAFT_6), Map.entry("contains", Draft.DRAFT_6),
            Map.entry("propertyNames", Draft.DRAFT_6), Map.entry("examples", Draft.DRAFT_6),
            Map.entry("$id", Draft.DRAFT_6),
            Map.entry("if", Draft.DRAFT_7), Map.entry("then", Draft.DRAFT_7), Map.entry("else", Draft.DRAFT_7),
            Map.entry("$comment", Draft.DRAFT_7),
            Map.entry("dependentRequired", Draft.DRAFT_2019_09), Map.entry("dependentSchemas", Draft.DRAFT_2019_09),
            Map.entry("minContains", Draft.DRAFT_2019_09), Map.entry("maxContains", Draft.DRAFT_2019_09),
            Map.entry("unevaluatedProperties", Draft.DRAFT_2019_09),
            Map.entry("unevaluatedItems", Draft.DRAFT_2019_09), Map.entry("$anchor", Draft.DRAFT_2019_09),
            Map.entry("$defs", Draft.DRAFT_2019_09), Map.entry("$recursiveRef", Draft.DRAFT_2019_09),
            Map.entry("prefixItems", Draft.DRAFT_2020_12), Map.entry("$dynamicRef", Draft.DRAFT_2020_12));

    /** Last draft that defines a keyword, where that is not 2020-12. */
    // 'dependencies' is deliberately absent: 2019-09 split it in two, but validators still honour it
    // in later drafts, so ignoring it there would silently admit what users expect to be rejected.
    private static final Map<String, Draft> UNTIL = Map.of(
            "additionalItems", Draft.DRAFT_2019_09, "id", Draft.DRAFT_4,
            "$recursiveRef", Draft.DRAFT_2019_09);

    private Keywords() {
    }

    /** Whether {@code keyword} means something in {@code draft}. */
    static boolean defined(String keyword, Draft draft) {
        Draft since = SINCE.get(keyword);
        Draft until = UNTIL.get(keyword);
        return (since == null || draft.compareTo(since) >= 0) && (until == null || draft.compareTo(until) <= 0);
    }
}
