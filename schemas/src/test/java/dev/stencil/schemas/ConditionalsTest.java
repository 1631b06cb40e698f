package dev.stencil.schemas;

import org.junit.jupiter.api.Test;

/** if/then/else, dependencies, contains counts and overlapping oneOf, each checked against the oracle. */
class ConditionalsTest {
    @Test
    void ifThenElseTakesTheBranchTheConditionPicks() {
        Instances.of("{\"if\":{\"exclusiveMaximum\":0},\"then\":{\"minimum\":-10},\"else\":{\"multipleOf\":2}}")
                .accepts("-1", "-10", "0", "4", "\"s\"").rejects("-11", "3", "1.5");
        Instances.of("{\"if\":{\"required\":[\"a\"]},\"then\":{\"required\":[\"b\"]}}")
                .accepts("{}", "{\"a\":1,\"b\":2}", "{\"b\":1}").rejects("{\"a\":1}");
        Instances.of("{\"if\":{\"type\":\"string\"},\"else\":{\"type\":\"integer\"}}")
                .accepts("\"x\"", "3").rejects("1.5", "null");
    }

    @Test
    void dependentRequiredAndDependentSchemas() {
        Instances.of("{\"dependentRequired\":{\"a\":[\"b\",\"c\"]}}")
                .accepts("{}", "{\"b\":1}", "{\"a\":1,\"b\":2,\"c\":3}", "[]").rejects("{\"a\":1,\"b\":2}");
        Instances.of("{\"dependentSchemas\":{\"a\":{\"properties\":{\"b\":{\"type\":\"string\"}}}}}")
                .accepts("{\"b\":1}", "{\"a\":1,\"b\":\"x\"}", "{\"a\":1}").rejects("{\"a\":1,\"b\":2}");
        Instances.of("{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"dependencies\":"
                + "{\"a\":{\"required\":[\"c\"]}}}").accepts("{\"a\":1,\"c\":1}").rejects("{\"a\":1}");
    }

    @Test
    void containsCountsMatchingItems() {
        Instances.of("{\"contains\":{\"minimum\":5}}").accepts("[5]", "[1,6]", "{}").rejects("[]", "[1,2]");
        Instances.of("{\"contains\":{\"const\":1},\"minContains\":2,\"maxContains\":3}")
                .accepts("[1,1]", "[1,2,1,1]").rejects("[1]", "[1,1,1,1]", "[2,2]");
        Instances.of("{\"contains\":{\"type\":\"string\"},\"minContains\":0,\"maxContains\":1}")
                .accepts("[]", "[1]", "[\"a\",2]").rejects("[\"a\",\"b\"]");
        Instances.of("{\"prefixItems\":[{\"type\":\"string\"}],\"items\":{\"type\":\"integer\"},"
                + "\"contains\":{\"type\":\"string\"},\"maxItems\":3}")
                .accepts("[\"a\"]", "[\"a\",1,2]").rejects("[\"a\",1,2,3]");
        Instances.of("{\"prefixItems\":[{\"type\":\"string\"}],\"items\":{\"type\":\"integer\"},"
                + "\"contains\":{\"type\":\"integer\"},\"maxContains\":1}")
                .accepts("[\"a\",1]").rejects("[\"a\"]", "[\"a\",1,2]");
        Instances.of("{\"contains\":false}").rejects("[]", "[1]");
    }

    @Test
    void overlappingOneOfExcludesTheOverlap() {
        Instances.of("{\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":2}]}")
                .accepts("1", "2.5", "\"x\"").rejects("3", "1.5");
        Instances.of("{\"type\":\"object\",\"oneOf\":[{\"required\":[\"a\",\"b\"]},{\"required\":[\"a\",\"c\"]}]}")
                .accepts("{\"a\":1,\"b\":2}", "{\"a\":1,\"c\":2}").rejects("{\"a\":1,\"b\":2,\"c\":3}", "{\"a\":1}");
    }

    @Test
    void dependencyNamesFollowTheDeclarationOrderInSchemaOrder() {
        SchemaOptions schemaOrder = SchemaOptions.defaults().withWhitespace(dev.stencil.automata.json.Whitespace.compact());
        Instances.of("{\"type\":\"object\",\"allOf\":[{\"dependencies\":{\"a\":[\"b\",\"c\"],\"b\":[\"d\"]}},"
                + "{\"required\":[\"a\"]}]}", schemaOrder)
                .accepts("{\"a\":1,\"b\":2,\"c\":3,\"d\":4}").rejects("{\"a\":1,\"b\":2,\"c\":3}");
    }

    @Test
    void unevaluatedKeywordsWithoutInPlaceApplicators() {
        Instances.of("{\"properties\":{\"a\":{}},\"patternProperties\":{\"^x\":{}},\"unevaluatedProperties\":"
                + "{\"type\":\"integer\"}}").accepts("{\"a\":\"s\",\"x1\":\"t\",\"b\":2}").rejects("{\"b\":\"s\"}");
        Instances.of("{\"prefixItems\":[{\"type\":\"string\"}],\"unevaluatedItems\":false}")
                .accepts("[]", "[\"a\"]").rejects("[\"a\",1]");
        SchemaCompiler strict = new SchemaCompiler(SchemaOptions.defaults());
        SchemaException e = org.junit.jupiter.api.Assertions.assertThrows(SchemaException.class,
                () -> strict.compile("{\"allOf\":[{\"properties\":{\"a\":{}}}],\"unevaluatedProperties\":false}"));
        org.junit.jupiter.api.Assertions.assertEquals("unevaluatedProperties", e.keyword());
        e = org.junit.jupiter.api.Assertions.assertThrows(SchemaException.class,
                () -> strict.compile("{\"type\":\"array\",\"uniqueItems\":true}"));
        org.junit.jupiter.api.Assertions.assertEquals("uniqueItems", e.keyword());
    }

    @Test
    void oneOfBranchesProvenDisjointByADiscriminatorOrAForbiddenRequiredProperty() {
        // negating a branch with additionalProperties false is not compiled, so these must be proven disjoint
        Instances.of("{\"oneOf\":[{\"type\":\"object\",\"properties\":{\"kind\":{\"const\":\"a\"},\"x\":{}},"
                + "\"required\":[\"kind\"],\"additionalProperties\":false},{\"type\":\"object\",\"properties\":"
                + "{\"kind\":{\"enum\":[\"b\",\"c\"]},\"y\":{}},\"required\":[\"kind\"],\"additionalProperties\":false}]}")
                .accepts("{\"kind\":\"a\",\"x\":1}", "{\"kind\":\"b\"}", "{\"y\":2,\"kind\":\"c\"}")
                .rejects("{\"kind\":\"a\",\"y\":1}", "{\"kind\":\"d\"}", "{}");
        Instances.of("{\"oneOf\":[{\"type\":\"object\",\"required\":[\"a\"],\"properties\":{\"a\":{}},"
                + "\"additionalProperties\":false},{\"type\":\"object\",\"required\":[\"b\"],\"properties\":"
                + "{\"b\":{}},\"additionalProperties\":false}]}")
                .accepts("{\"a\":1}", "{\"b\":1}").rejects("{\"a\":1,\"b\":1}", "{}");
    }

    @Test
    void oneOfBranchTypesComeFromTheSurroundingSchema() {
        // the branches name no type; the object type beside oneOf makes the discriminator decisive
        Instances.of("{\"type\":\"object\",\"oneOf\":[{\"properties\":{\"t\":{\"enum\":[\"a\"]},\"x\":{}},"
                + "\"required\":[\"t\"],\"additionalProperties\":false},{\"properties\":{\"t\":{\"enum\":[\"b\"]}},"
                + "\"required\":[\"t\"],\"additionalProperties\":false}]}")
                .accepts("{\"t\":\"a\",\"x\":1}", "{\"t\":\"b\"}").rejects("{\"t\":\"b\",\"x\":1}", "{}", "1");
    }
}
