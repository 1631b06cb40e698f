package dev.stencil.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One schema's per-position item schemas: the prefix ({@code prefixItems} in 2020-12, the array form
 * of {@code items} before) and the schema for every later position ({@code items} in 2020-12 or the
 * schema form of {@code items}; {@code additionalItems} after an {@code items} array before 2020-12).
 * A null entry means "no constraint".
 */
record ArrayShape(List<SchemaNode> prefix, SchemaNode rest) {
    static ArrayShape of(SchemaNode s, CompilationSession session) {
        JsonNode items = s.get("items");
        List<SchemaNode> prefix = new ArrayList<>();
        SchemaNode rest = null;
        if (s.draft().hasPrefixItems()) {
            JsonNode pi = s.get("prefixItems");
            if (pi != null && pi.isArray()) {
                for (int i = 0; i < pi.size(); i++) {
                    prefix.add(session.child(s, pi.get(i), "/prefixItems/" + i));
                }
            }
            if (items != null && !items.isArray()) {
                rest = session.child(s, items, "/items");
            } else if (items != null) {
                throw new SchemaException("items", s.pointer(), "2020-12 'items' must be a schema; use 'prefixItems'");
            }
        } else if (items != null && items.isArray()) {
            for (int i = 0; i < items.size(); i++) {
                prefix.add(session.child(s, items.get(i), "/items/" + i));
            }
            JsonNode ai = s.get("additionalItems");
            if (ai != null) {
                rest = session.child(s, ai, "/additionalItems");
            }
        } else if (items != null) {
            rest = session.child(s, items, "/items");
        }
        return new ArrayShape(prefix, rest);
    }

    /** The schema for position i, or null for none. */
    SchemaNode at(int i) {
        return i < prefix.size() ? prefix.get(i) : rest;
    }
}
