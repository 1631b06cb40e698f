package dev.stencil.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code not S} rewritten as a positive schema the compiler already handles: the values that fail S
 * are those that fail at least one of its keywords, and each keyword fails on values of its own
 * kind only ({@code minimum 5} fails on numbers below 5, never on strings). So
 * <pre>not S = anyOf [fail(k) for each assertion keyword k of S]</pre>
 * with, for instance, fail({@code required [a]}) = objects where {@code a} is absent,
 * fail({@code properties {a: T}}) = objects whose {@code a} satisfies {@code not T} (negation goes
 * one level down, lazily, so recursive schemas stay finite), fail({@code anyOf}) = {@code allOf} of
 * the negations. String-level and number-level keywords are negated as one group each through the
 * internal keywords {@link #NOT_STRING} and {@link #NOT_NUMBER}, compiled as automaton complements
 * (exact: a JSON string spelling decodes to one value, and numbers are spelled in plain decimal).
 *
 * <p>Keywords whose failure no grammar of this compiler expresses ({@code uniqueItems}, a failing
 * additional property, {@code propertyNames}, ...) are a compile error naming the keyword (or, in
 * lenient mode, give a branch that allows every value: looser, never stricter, and listed).
 *
 * <p>The generated schema objects are draft 2020-12 wrappers around the original subschemas (which
 * keep their own draft); each is registered with the session so that subschema lookups find it.
 */
final class Negation {
    /** Internal keyword: a string that does not satisfy the string-level keywords of the subschema. */
    static final String NOT_STRING = "$stencil.notString";
    /** Internal keyword: a number that does not satisfy the number-level keywords of the subschema. */
    static final String NOT_NUMBER = "$stencil.notNumber";

    static final Set<String> STRING_KEYWORDS = Set.of("minLength", "maxLength", "pattern", "format");
    static final Set<String> NUMBER_KEYWORDS = Set.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
            "multipleOf");
    private static final List<String> KINDS = List.of("null", "boolean", "object", "array", "string", "number");
    /** oneOf with more branches fails on too many pairs to spell out. */
    private static final int MAX_ONE_OF = 8;

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final CompilationSession session;
    private final Map<JsonNode, SchemaNode> cache = new IdentityHashMap<>();

    Negation(CompilationSession session) {
        this.session = session;
    }

    /** A schema satisfied by exactly the values that fail {@code s}. */
    SchemaNode of(SchemaNode s) {
        JsonNode j = s.json();
        if (j.isBoolean()) {
            return new SchemaNode(BooleanNode.valueOf(!j.asBoolean()), s.base(), s.pointer(), s.draft());
        }
        SchemaNode cached = cache.get(j);
        if (cached != null) {
            return cached;
        }
        ObjectNode out = F.objectNode();
        ArrayNode any = out.putArray("anyOf");
        // registered before the branches are built: they refer to other negations lazily, by "not"
        SchemaNode result = session.generated(out, s, Draft.DRAFT_2020_12);
        cache.put(j, result);
        if (!j.isObject()) {
            throw new SchemaException("not", s.pointer(), "a schema must be an object or a boolean");
        }
        new Builder(s, any).build();
        if (any.isEmpty()) {
            // no keyword can fail: not S rejects everything
            SchemaNode none = new SchemaNode(BooleanNode.FALSE, s.base(), s.pointer(), s.draft());
            cache.put(j, none);
            return none;
        }
        return result;
    }

    /** Collects the branches of one negation. */
    private final class Builder {
        private final SchemaNode s;
        private final ArrayNode any;
        private final Draft d;

        Builder(SchemaNode s, ArrayNode any) {
            this.s = s;
            this.any = any;
            this.d = s.draft();
        }

        void build() {
            JsonNode j = s.json();
            JsonNode ref = j.get("$ref");
            if (ref != null && ref.isTextual()) {
                SchemaNode target = session.resources().resolveRef(ref.asText(), s);
                any.add(not(target));
                if (d.refOverridesSiblings()) {
                    return;
                }
            }
            ObjectNode strings = null;
            ObjectNode numbers = null;
            for (Iterator<Map.Entry<String, JsonNode>> it = j.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String k = e.getKey();
                JsonNode v = e.getValue();
                if (!Keywords.defined(k, d) || Keywords.ANNOTATIONS.contains(k) || k.equals("$ref")) {
                    continue;
                }
                if (STRING_KEYWORDS.contains(k)) {
                    if (k.equals("format") && !session.options().formatAssertion()) {
                        continue;
                    }
                    strings = strings == null ? F.objectNode() : strings;
                    strings.set(k, v);
                    continue;
                }
                if (NUMBER_KEYWORDS.contains(k)) {
                    numbers = numbers == null ? F.objectNode() : numbers;
                    numbers.set(k, v);
                    continue;
                }
                keyword(k, v);
            }
            if (strings != null) {
                any.add(kindExcept("string", NOT_STRING, strings));
            }
            if (numbers != null) {
                any.add(kindExcept("number", NOT_NUMBER, numbers));
            }
        }

        private void keyword(String k, JsonNode v) {
            switch (k) {
                case "type" -> type(v);
                case "enum" -> {
                    if (v.isArray()) {
                        values(v);
                    }
                }
                case "const" -> values(F.arrayNode().add(v));
                case "not" -> any.add(embed(v, "/not"));
                case "allOf" -> {
                    for (int i = 0; i < v.size(); i++) {
                        any.add(not(child(v.get(i), "/allOf/" + i)));
                    }
                }
                case "anyOf" -> {
                    ObjectNode all = obj();
                    ArrayNode list = all.putArray("allOf");
                    for (int i = 0; i < v.size(); i++) {
                        list.add(not(child(v.get(i), "/anyOf/" + i)));
                    }
                    any.add(all);
                }
                case "oneOf" -> oneOf(v);
                case "if" -> conditional(v);
                case "then", "else" -> {
                    // negated together with "if"
                }
                case "required" -> {
                    for (JsonNode name : v) {
                        ObjectNode o = typed("object");
                        o.putObject("properties").set(name.asText(), BooleanNode.FALSE);
                        any.add(o);
                    }
                }
                case "properties" -> {
                    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> p = it.next();
                        ObjectNode o = typed("object");
                        o.putArray("required").add(p.getKey());
                        o.putObject("properties").set(p.getKey(),
                                not(child(p.getValue(), "/properties/" + SchemaResources.escape(p.getKey()))));
                        any.add(o);
                    }
                }
                case "minProperties", "minItems", "minLength" -> countBelow(k, v);
                case "maxProperties", "maxItems" -> countAbove(k, v);
                case "dependentRequired" -> dependentRequired(v);
                case "dependentSchemas" -> dependentSchemas(v, "/dependentSchemas/");
                case "dependencies" -> {
                    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> p = it.next();
                        if (p.getValue().isArray()) {
                            dependentRequired(F.objectNode().set(p.getKey(), p.getValue()));
                        } else {
                            ObjectNode one = F.objectNode();
                            one.set(p.getKey(), p.getValue());
                            dependentSchemas(one, "/dependencies/");
                        }
                    }
                }
                case "prefixItems" -> prefix(v, "/prefixItems/");
                case "items" -> {
                    if (v.isArray()) {
                        prefix(v, "/items/");
                    } else {
                        restItems(v);
                    }
                }
                case "additionalItems" -> {
                    JsonNode items = s.get("items");
                    if (items != null && items.isArray() && !isTrue(v)) {
                        unsupported("additionalItems", "the failure of 'additionalItems' (some later item "
                                + "failing it) is not compiled inside 'not'");
                    }
                }
                case "contains" -> contains(v);
                case "minContains", "maxContains" -> {
                    // negated together with "contains"
                }
                case "additionalProperties" -> {
                    if (!isTrue(v)) {
                        unsupported(k, "the failure of 'additionalProperties' (some additional member failing "
                                + "it) is not compiled inside 'not'");
                    }
                }
                case "uniqueItems" -> {
                    if (v.asBoolean()) {
                        unsupported(k, "'uniqueItems' inside 'not' (some item repeated) is not compiled");
                    }
                }
                case "propertyNames" -> {
                    if (v.isBoolean() && !v.asBoolean()) {
                        // propertyNames: false fails exactly on objects with a member
                        any.add(typed("object").put("minProperties", 1));
                    } else if (!isTrue(v) && !(v.isObject() && v.isEmpty())) {
                        unsupported(k, "the failure of '" + k + "' (some member failing it) is not compiled inside "
                                + "'not'");
                    }
                }
                case "patternProperties" -> {
                    if (!v.isEmpty() && !isTrue(v)) {
                        unsupported(k, "the failure of '" + k + "' (some member failing it) is not compiled inside "
                                + "'not'");
                    }
                }
                default -> {
                    if (!k.startsWith("$stencil.") && (Keywords.COMPILED.contains(k) || Keywords.NOT_YET.contains(k))) {
                        unsupported(k, "'" + k + "' is not compiled inside 'not'");
                    }
                }
            }
        }

        private void type(JsonNode t) {
            Set<String> named = new java.util.HashSet<>();
            for (JsonNode x : t.isArray() ? t : List.of(t)) {
                named.add(x.asText());
            }
            ArrayNode others = F.arrayNode();
            for (String k : KINDS) {
                if (!named.contains(k) && !(k.equals("number") && named.contains("integer"))) {
                    others.add(k);
                }
            }
            if (!others.isEmpty()) {
                any.add(obj().set("type", others));
            }
            if (named.contains("integer") && !named.contains("number")) {
                ObjectNode integer = group();
                integer.put("type", "integer");
                ObjectNode o = typed("number");
                o.set(NOT_NUMBER, integer);
                any.add(o);
            }
        }

        /** Values outside a finite set: whole kinds the set does not touch, and the rest of the others. */
        private void values(JsonNode values) {
            ArrayNode strs = F.arrayNode();
            ArrayNode nums = F.arrayNode();
            boolean hasNull = false;
            boolean hasTrue = false;
            boolean hasFalse = false;
            boolean structured = false;
            for (JsonNode v : values) {
                if (v.isTextual()) {
                    strs.add(v);
                } else if (v.isNumber()) {
                    nums.add(v);
                } else if (v.isNull()) {
                    hasNull = true;
                } else if (v.isBoolean()) {
                    hasTrue |= v.asBoolean();
                    hasFalse |= !v.asBoolean();
                } else {
                    structured = true;
                }
            }
            ArrayNode whole = F.arrayNode();
            if (!hasNull) {
                whole.add("null");
            }
            if (structured) {
                unsupported(values.size() == 1 ? "const" : "enum", "objects or arrays other than given ones "
                        + "are not compiled inside 'not'");
                return;
            }
            whole.add("object");
            whole.add("array");
            if (strs.isEmpty()) {
                whole.add("string");
            } else {
                ObjectNode g = group();
                g.set("enum", strs);
                any.add(typed("string").set(NOT_STRING, g));
            }
            if (nums.isEmpty()) {
                whole.add("number");
            } else {
                ObjectNode g = group();
                g.set("enum", nums);
                any.add(typed("number").set(NOT_NUMBER, g));
            }
            if (!hasTrue && !hasFalse) {
                whole.add("boolean");
            } else if (hasTrue != hasFalse) {
                any.add(obj().set("const", BooleanNode.valueOf(!hasTrue)));
            }
            any.add(obj().set("type", whole));
        }

        private void oneOf(JsonNode v) {
            if (v.size() > MAX_ONE_OF) {
                unsupported("oneOf", "'oneOf' with more than " + MAX_ONE_OF + " branches is not negated");
                return;
            }
            ObjectNode none = obj();
            ArrayNode list = none.putArray("allOf");
            for (int i = 0; i < v.size(); i++) {
                list.add(not(child(v.get(i), "/oneOf/" + i)));
            }
            any.add(none);
            for (int i = 0; i < v.size(); i++) {
                for (int k = i + 1; k < v.size(); k++) {
                    ObjectNode two = obj();
                    two.putArray("allOf").add(embed(v.get(i), "/oneOf/" + i)).add(embed(v.get(k), "/oneOf/" + k));
                    any.add(two);
                }
            }
        }

        private void conditional(JsonNode cond) {
            JsonNode then = s.get("then");
            JsonNode otherwise = s.get("else");
            if (then != null) {
                ObjectNode o = obj();
                o.putArray("allOf").add(embed(cond, "/if")).add(not(child(then, "/then")));
                any.add(o);
            }
            if (otherwise != null) {
                ObjectNode o = obj();
                o.putArray("allOf").add(not(child(cond, "/if"))).add(not(child(otherwise, "/else")));
                any.add(o);
            }
        }

        private void dependentRequired(JsonNode v) {
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                for (JsonNode dep : p.getValue()) {
                    ObjectNode o = typed("object");
                    o.putArray("required").add(p.getKey());
                    o.putObject("properties").set(dep.asText(), BooleanNode.FALSE);
                    any.add(o);
                }
            }
        }

        private void dependentSchemas(JsonNode v, String where) {
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                ObjectNode o = typed("object");
                o.putArray("required").add(p.getKey());
                o.set("allOf", F.arrayNode().add(not(child(p.getValue(), where + SchemaResources.escape(p.getKey())))));
                any.add(o);
            }
        }

        private void prefix(JsonNode items, String where) {
            for (int i = 0; i < items.size(); i++) {
                if (isTrue(items.get(i))) {
                    continue;
                }
                ObjectNode o = typed("array");
                o.put("minItems", i + 1);
                ArrayNode pre = o.putArray("prefixItems");
                for (int k = 0; k < i; k++) {
                    pre.add(BooleanNode.TRUE);
                }
                pre.add(not(child(items.get(i), where + i)));
                any.add(o);
            }
        }

        private void restItems(JsonNode v) {
            if (isTrue(v)) {
                return;
            }
            JsonNode pre = d.hasPrefixItems() ? s.get("prefixItems") : null;
            if (pre != null && pre.isArray() && !pre.isEmpty()) {
                unsupported("items", "'items' after 'prefixItems' is not negated (some later item failing it)");
                return;
            }
            ObjectNode o = typed("array");
            o.set("contains", not(child(v, "/items")));
            any.add(o);
        }

        private void contains(JsonNode c) {
            long min = 1;
            JsonNode mn = Keywords.defined("minContains", d) ? s.get("minContains") : null;
            if (mn != null && mn.isNumber()) {
                min = (long) Math.ceil(mn.asDouble());
            }
            JsonNode mx = Keywords.defined("maxContains", d) ? s.get("maxContains") : null;
            JsonNode cs = embed(c, "/contains");
            if (min >= 1) {
                ObjectNode o = typed("array");
                o.set("contains", cs);
                o.put("minContains", 0);
                o.put("maxContains", min - 1);
                any.add(o);
            }
            if (mx != null && mx.isNumber()) {
                ObjectNode o = typed("array");
                o.set("contains", cs);
                o.put("minContains", (long) Math.floor(mx.asDouble()) + 1);
                any.add(o);
            }
        }

        private void countBelow(String k, JsonNode v) {
            if (!v.isNumber()) {
                return;
            }
            long n = new BigDecimal(v.asText()).setScale(0, RoundingMode.CEILING).longValue();
            if (n <= 0) {
                return;
            }
            String kind = k.equals("minProperties") ? "object" : k.equals("minItems") ? "array" : "string";
            String opposite = k.equals("minProperties") ? "maxProperties" : k.equals("minItems") ? "maxItems"
                    : "maxLength";
            any.add(typed(kind).put(opposite, n - 1));
        }

        private void countAbove(String k, JsonNode v) {
            if (!v.isNumber()) {
                return;
            }
            long n = new BigDecimal(v.asText()).setScale(0, RoundingMode.FLOOR).longValue();
            String kind = k.equals("maxProperties") ? "object" : "array";
            String opposite = k.equals("maxProperties") ? "minProperties" : "minItems";
            any.add(typed(kind).put(opposite, n + 1));
        }

        private ObjectNode kindExcept(String kind, String internal, ObjectNode group) {
            ObjectNode g = group();
            g.setAll(group);
            ObjectNode o = typed(kind);
            o.set(internal, g);
            return o;
        }

        private void unsupported(String keyword, String reason) {
            session.unsupported(keyword, s, "in a negation (not, if, oneOf): " + reason);
            // lenient: allow every value here, looser than exact, and listed as an approximation
            any.add(BooleanNode.TRUE);
        }

        /** A {"not": sub} wrapper. */
        private JsonNode not(SchemaNode sub) {
            if (sub.json().isBoolean()) {
                return BooleanNode.valueOf(!sub.json().asBoolean());
            }
            session.register(sub);
            ObjectNode o = obj();
            o.set("not", sub.json());
            return o;
        }

        private JsonNode embed(JsonNode sub, String suffix) {
            SchemaNode n = child(sub, suffix);
            session.register(n);
            return n.json();
        }

        private SchemaNode child(JsonNode sub, String suffix) {
            return session.child(s, sub, suffix);
        }

        private ObjectNode obj() {
            ObjectNode o = F.objectNode();
            session.generated(o, s, Draft.DRAFT_2020_12);
            return o;
        }

        private ObjectNode typed(String kind) {
            ObjectNode o = obj();
            o.put("type", kind);
            return o;
        }

        /** A group of keywords read with the original draft's meaning. */
        private ObjectNode group() {
            ObjectNode o = F.objectNode();
            session.generated(o, s, d);
            return o;
        }
    }

    static boolean isTrue(JsonNode v) {
        return (v.isBoolean() && v.asBoolean()) || (v.isObject() && v.isEmpty());
    }
}
