package dev.stencil.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.List;
import java.util.Set;

/**
 * Validates finished outputs against their schema with networknt's json-schema-validator, an
 * implementation independent of our compiler: the last line of defence before an output is
 * returned as valid. Thread-safe.
 */
public final class InstanceValidator {
    private final JsonSchema schema;

    private InstanceValidator(JsonSchema schema) {
        this.schema = schema;
    }

    /** A validator for {@code schema}, read with the semantics of its {@code $schema} (default 2020-12). */
    public static InstanceValidator of(JsonNode schema) {
        Draft draft = Draft.of(schema, Draft.DRAFT_2020_12, "#");
        SpecVersion.VersionFlag flag = switch (draft) {
            case DRAFT_4 -> SpecVersion.VersionFlag.V4;
            case DRAFT_6 -> SpecVersion.VersionFlag.V6;
            case DRAFT_7 -> SpecVersion.VersionFlag.V7;
            case DRAFT_2019_09 -> SpecVersion.VersionFlag.V201909;
            case DRAFT_2020_12 -> SpecVersion.VersionFlag.V202012;
        };
        return new InstanceValidator(JsonSchemaFactory.getInstance(flag).getSchema(schema));
    }

    /** The violations of {@code instance}, empty when it is valid. */
    public List<String> validate(JsonNode instance) {
        Set<ValidationMessage> errors = schema.validate(instance);
        return errors.stream().map(ValidationMessage::getMessage).sorted().toList();
    }
}
