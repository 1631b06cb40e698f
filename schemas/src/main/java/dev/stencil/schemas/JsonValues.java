package dev.stencil.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/** JSON value equality as JSON Schema defines it (1 equals 1.0) and a canonical form for hashing. */
final class JsonValues {
    private JsonValues() {
    }

    /** Semantic equality: numbers by value, objects regardless of member order. */
    static boolean equal(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.getNodeType() != b.getNodeType()) {
            return false;
        }
        if (a.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!equal(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            Iterator<String> names = a.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                JsonNode bv = b.get(n);
                if (bv == null || !equal(a.get(n), bv)) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** A copy with object members sorted by name and numbers normalised, so equal schemas print alike. */
    static JsonNode canonical(JsonNode v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (v.isNumber()) {
            BigDecimal d = v.decimalValue().stripTrailingZeros();
            return f.numberNode(d);
        }
        if (v.isArray()) {
            var out = f.arrayNode();
            v.forEach(e -> out.add(canonical(e)));
            return out;
        }
        if (v.isObject()) {
            List<String> names = new ArrayList<>();
            v.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            ObjectNode out = f.objectNode();
            for (String n : names) {
                out.set(n, canonical(v.get(n)));
            }
            return out;
        }
        return v;
    }

    /** {@code s} as a JSON string literal (standard escapes), for running key automata on a name. */
    static String quote(String s) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString();
    }
}
