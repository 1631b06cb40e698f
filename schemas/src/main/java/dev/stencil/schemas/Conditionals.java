package dev.stencil.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The conditional keywords rewritten as {@code anyOf}, which the compiler distributes exactly:
 * <ul>
 *   <li>{@code if I then T else E} = {@code anyOf [allOf [I, T], allOf [not I, E]]} (a missing
 *       branch is {@code true});</li>
 *   <li>{@code dependentRequired {a: [b, c]}} (and the array form of {@code dependencies}) =
 *       {@code anyOf [{properties: {a: false}}, {required: [a, b, c]}]}: either {@code a} is absent or
 *       it is there with its dependents;</li>
 *   <li>{@code dependentSchemas {a: S}} (and the schema form of {@code dependencies}) =
 *       {@code anyOf [{properties: {a: false}}, {required: [a], allOf: [S]}]}.</li>
 * </ul>
 * Both alternatives of a dependency hold for non-objects, which only makes the grammar ambiguous,
 * never looser. Rewrites are cached per schema object so that the compiler's memoisation (by
 * object identity) sees the same conjunct every time.
 */
final class Conditionals {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final CompilationSession session;
    private final Map<JsonNode, SchemaNode> ifCache = new IdentityHashMap<>();
    private final Map<JsonNode, SchemaNode> dependencyCache = new IdentityHashMap<>();

    Conditionals(CompilationSession session) {
        this.session = session;
    }

    /** Whether {@code s} has an if/then/else that constrains anything. */
    static boolean hasConditional(SchemaNode s) {
        return Keywords.defined("if", s.draft()) && s.get("if") != null
                && (s.get("then") != null || s.get("else") != null);
    }

    /** Whether {@code s} has dependency keywords. */
    static boolean hasDependencies(SchemaNode s) {
        Draft d = s.draft();
        return (Keywords.defined("dependentRequired", d) && nonEmpty(s.get("dependentRequired")))
                || (Keywords.defined("dependentSchemas", d) && nonEmpty(s.get("dependentSchemas")))
                || nonEmpty(s.get("dependencies"));
    }

    private static boolean nonEmpty(JsonNode v) {
        return v != null && v.isObject() && !v.isEmpty();
    }

    /** {@code if/then/else} of {@code s} as one schema. */
    SchemaNode conditional(SchemaNode s) {
        SchemaNode cached = ifCache.get(s.json());
        if (cached != null) {
            return cached;
        }
        ObjectNode out = F.objectNode();
        SchemaNode result = session.generated(out, s, Draft.DRAFT_2020_12);
        ifCache.put(s.json(), result);
        JsonNode cond = embed(s, s.get("if"), "/if");
        JsonNode then = s.get("then") == null ? BooleanNode.TRUE : embed(s, s.get("then"), "/then");
        JsonNode otherwise = s.get("else") == null ? BooleanNode.TRUE : embed(s, s.get("else"), "/else");
        ArrayNode any = out.putArray("anyOf");
        any.add(allOf(s, cond, then));
        any.add(allOf(s, not(s, cond), otherwise));
        return result;
    }

    /** All dependency keywords of {@code s} as one schema (an allOf of one anyOf per dependency). */
    SchemaNode dependencies(SchemaNode s) {
        SchemaNode cached = dependencyCache.get(s.json());
        if (cached != null) {
            return cached;
        }
        ObjectNode out = F.objectNode();
        SchemaNode result = session.generated(out, s, Draft.DRAFT_2020_12);
        dependencyCache.put(s.json(), result);
        ArrayNode all = out.putArray("allOf");
        Draft d = s.draft();
        if (Keywords.defined("dependentRequired", d)) {
            add(s, all, s.get("dependentRequired"), "/dependentRequired/", false);
        }
        if (Keywords.defined("dependentSchemas", d)) {
            add(s, all, s.get("dependentSchemas"), "/dependentSchemas/", true);
        }
        add(s, all, s.get("dependencies"), "/dependencies/", false);
        return result;
    }

    private void add(SchemaNode s, ArrayNode all, JsonNode deps, String where, boolean schemas) {
        if (deps == null || !deps.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = deps.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            ObjectNode absent = obj(s);
            absent.putObject("properties").set(name, BooleanNode.FALSE);
            ObjectNode present = obj(s);
            ArrayNode required = present.putArray("required").add(name);
            if (!schemas && v.isArray()) {
                for (JsonNode dep : v) {
                    if (!dep.isTextual()) {
                        throw new SchemaException(where.substring(1, where.length() - 1), s.pointer(),
                                "dependencies must be lists of property names");
                    }
                    required.add(dep);
                }
            } else if (v.isObject() || v.isBoolean()) {
                present.putArray("allOf").add(embed(s, v, where + SchemaResources.escape(name)));
            } else {
                throw new SchemaException(where.substring(1, where.length() - 1), s.pointer(),
                        "a dependency must be a schema" + (schemas ? "" : " or a list of property names"));
            }
            ObjectNode either = obj(s);
            either.putArray("anyOf").add(absent).add(present);
            all.add(either);
        }
    }

    private JsonNode allOf(SchemaNode s, JsonNode a, JsonNode b) {
        ObjectNode o = obj(s);
        o.putArray("allOf").add(a).add(b);
        return o;
    }

    private JsonNode not(SchemaNode s, JsonNode a) {
        if (a.isBoolean()) {
            return BooleanNode.valueOf(!a.asBoolean());
        }
        ObjectNode o = obj(s);
        o.set("not", a);
        return o;
    }

    private JsonNode embed(SchemaNode s, JsonNode sub, String suffix) {
        SchemaNode n = session.child(s, sub, suffix);
        session.register(n);
        return n.json();
    }

    private ObjectNode obj(SchemaNode s) {
        ObjectNode o = F.objectNode();
        session.generated(o, s, Draft.DRAFT_2020_12);
        return o;
    }
}
