package dev.stencil.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * Checks a schema against its draft's meta-schema with networknt's json-schema-validator (which
 * bundles the meta-schemas, so nothing is fetched), so that a malformed schema is reported with the
 * JSON pointer of the offending part instead of being half-compiled.
 */
final class MetaSchemaCheck {
    private static final Map<Draft, JsonSchema> META = new EnumMap<>(Draft.class);

    private MetaSchemaCheck() {
    }

    /** @throws SchemaException naming the first meta-schema violation */
    static void check(JsonNode schema, Draft draft) {
        JsonSchema meta = meta(draft);
        Set<ValidationMessage> errors = meta.validate(schema);
        if (errors.isEmpty()) {
            return;
        }
        ValidationMessage first = errors.iterator().next();
        String where = first.getInstanceLocation().toString();
        String pointer = where.startsWith("$") ? "#" + where.substring(1).replace(".", "/") : "#" + where;
        String keyword = first.getProperty() != null ? first.getProperty() : "$schema";
        throw new SchemaException(keyword, pointer, "does not conform to the " + draft + " meta-schema: "
                + first.getMessage() + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : ""));
    }

    private static synchronized JsonSchema meta(Draft draft) {
        return META.computeIfAbsent(draft, d -> {
            SpecVersion.VersionFlag flag = switch (d) {
                case DRAFT_4 -> SpecVersion.VersionFlag.V4;
                case DRAFT_6 -> SpecVersion.VersionFlag.V6;
                case DRAFT_7 -> SpecVersion.VersionFlag.V7;
                case DRAFT_2019_09 -> SpecVersion.VersionFlag.V201909;
                case DRAFT_2020_12 -> SpecVersion.VersionFlag.V202012;
            };
            JsonSchemaFactory f = JsonSchemaFactory.getInstance(flag);
            return f.getSchema(SchemaLocation.of(d.metaSchemaUri()));
        });
    }
}
