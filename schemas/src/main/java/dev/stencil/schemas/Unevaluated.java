package dev.stencil.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * {@code unevaluatedProperties}/{@code unevaluatedItems} where they are statically resolvable: in a
 * schema object with no in-place applicator (allOf, anyOf, oneOf, if, $ref, dependentSchemas, ...;
 * and, for items, no contains), the only keywords that evaluate members are its own
 * {@code properties}/{@code patternProperties}/{@code additionalProperties} (resp.
 * {@code prefixItems}/{@code items}), so unevaluatedProperties means additionalProperties (nothing,
 * when additionalProperties is there) and unevaluatedItems means items after the prefix. Elsewhere
 * the keywords stay a compile error.
 */
final class Unevaluated {
    /** Keywords that apply subschemas at the same location, whose annotations would count. */
    private static final Set<String> IN_PLACE = Set.of("allOf", "anyOf", "oneOf", "if", "then", "else", "$ref",
            "$dynamicRef", "$recursiveRef", "dependentSchemas", "dependencies");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final CompilationSession session;
    private final Map<JsonNode, SchemaNode> cache = new IdentityHashMap<>();

    Unevaluated(CompilationSession session) {
        this.session = session;
    }

    /** Whether {@code keyword} (one of the two) of {@code s} is resolvable here. */
    static boolean resolvable(SchemaNode s, String keyword) {
        if (!(keyword.equals("unevaluatedProperties") || keyword.equals("unevaluatedItems"))
                || !Keywords.defined(keyword, s.draft()) || s.get(keyword) == null) {
            return false;
        }
        for (String k : IN_PLACE) {
            if (s.get(k) != null) {
                return false;
            }
        }
        return !keyword.equals("unevaluatedItems") || s.get("contains") == null;
    }

    /** Whether {@code s} has an unevaluated keyword to rewrite. */
    static boolean applies(SchemaNode s) {
        return resolvable(s, "unevaluatedProperties") || resolvable(s, "unevaluatedItems");
    }

    /** The additionalProperties / items schema equivalent to the unevaluated keywords of {@code s}. */
    SchemaNode rewrite(SchemaNode s) {
        SchemaNode cached = cache.get(s.json());
        if (cached != null) {
            return cached;
        }
        ObjectNode out = F.objectNode();
        SchemaNode result = session.generated(out, s, Draft.DRAFT_2020_12);
        cache.put(s.json(), result);
        if (resolvable(s, "unevaluatedProperties") && s.get("additionalProperties") == null) {
            JsonNode props = s.get("properties");
            if (props != null && props.isObject()) {
                ObjectNode named = out.putObject("properties");
                for (Iterator<String> it = props.fieldNames(); it.hasNext(); ) {
                    named.set(it.next(), BooleanNode.TRUE);
                }
            }
            JsonNode patterns = s.get("patternProperties");
            if (patterns != null && patterns.isObject()) {
                ObjectNode pp = out.putObject("patternProperties");
                for (Iterator<String> it = patterns.fieldNames(); it.hasNext(); ) {
                    pp.set(it.next(), BooleanNode.TRUE);
                }
            }
            out.set("additionalProperties", embed(s, "unevaluatedProperties"));
        }
        if (resolvable(s, "unevaluatedItems")) {
            JsonNode items = s.get("items");
            boolean restCovered = s.draft().hasPrefixItems() ? items != null
                    : items != null && (!items.isArray() || s.get("additionalItems") != null);
            if (!restCovered) {
                JsonNode prefix = s.draft().hasPrefixItems() ? s.get("prefixItems") : items;
                ArrayNode pre = out.putArray("prefixItems");
                for (int i = 0; prefix != null && prefix.isArray() && i < prefix.size(); i++) {
                    pre.add(BooleanNode.TRUE);
                }
                out.set("items", embed(s, "unevaluatedItems"));
            }
        }
        return result;
    }

    private JsonNode embed(SchemaNode s, String keyword) {
        SchemaNode n = session.child(s, s.get(keyword), "/" + keyword);
        session.register(n);
        return n.json();
    }
}
