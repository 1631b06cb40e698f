package dev.stencil.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stencil.automata.regex.ByteDfa;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Validates one concrete JSON value against a schema, for the keywords the compiler supports. Used
 * to keep only the {@code enum}/{@code const} values that the schema's other keywords also allow,
 * which a grammar union cannot do by itself.
 */
final class ValueCheck {
    private static final int MAX_DEPTH = 200;
    private final CompilationSession session;

    ValueCheck(CompilationSession session) {
        this.session = session;
    }

    boolean matches(JsonNode v, SchemaNode s) {
        return matches(v, s, 0);
    }

    private boolean matches(JsonNode v, SchemaNode s, int depth) {
        if (depth > MAX_DEPTH) {
            throw new SchemaException("$ref", s.pointer(), "reference chain too deep while checking an enum value");
        }
        JsonNode j = s.json();
        if (j.isBoolean()) {
            return j.asBoolean();
        }
        session.checkKeywords(s);
        Draft d = s.draft();
        JsonNode ref = j.get("$ref");
        if (ref != null && ref.isTextual()) {
            if (!matches(v, session.resources().resolveRef(ref.asText(), s), depth + 1)) {
                return false;
            }
            if (d.refOverridesSiblings()) {
                return true;
            }
        }
        JsonNode not = j.get("not");
        if (not != null && matches(v, session.child(s, not, "/not"), depth + 1)) {
            return false;
        }
        if (!typeOk(v, j.get("type"), d)) {
            return false;
        }
        JsonNode en = j.get("enum");
        if (en != null && en.isArray() && !contains(en, v)) {
            return false;
        }
        JsonNode cn = Keywords.defined("const", d) ? j.get("const") : null;
        if (cn != null && !JsonValues.equal(cn, v)) {
            return false;
        }
        for (String comb : new String[] {"allOf", "anyOf", "oneOf"}) {
            JsonNode arr = j.get(comb);
            if (arr == null || !arr.isArray()) {
                continue;
            }
            int passed = 0;
            for (int i = 0; i < arr.size(); i++) {
                if (matches(v, session.child(s, arr.get(i), "/" + comb + "/" + i), depth + 1)) {
                    passed++;
                }
            }
            boolean ok = switch (comb) {
                case "allOf" -> passed == arr.size();
                case "anyOf" -> passed > 0;
                default -> passed == 1;
            };
            if (!ok) {
                return false;
            }
        }
        if (!conditionalOk(v, s, depth)) {
            return false;
        }
        JsonNode notString = j.get(Negation.NOT_STRING);
        if (notString != null && v.isTextual() && matches(v, session.child(s, notString, ""), depth + 1)) {
            return false;
        }
        JsonNode notNumber = j.get(Negation.NOT_NUMBER);
        if (notNumber != null && v.isNumber() && matches(v, session.child(s, notNumber, ""), depth + 1)) {
            return false;
        }
        if (v.isTextual()) {
            return stringOk(v.asText(), s);
        }
        if (v.isNumber()) {
            return numberOk(v.decimalValue(), s);
        }
        if (v.isObject()) {
            return objectOk(v, s, depth);
        }
        if (v.isArray()) {
            return arrayOk(v, s, depth);
        }
        return true;
    }

    /** if/then/else. */
    private boolean conditionalOk(JsonNode v, SchemaNode s, int depth) {
        JsonNode cond = Keywords.defined("if", s.draft()) ? s.get("if") : null;
        if (cond == null) {
            return true;
        }
        boolean holds = matches(v, session.child(s, cond, "/if"), depth + 1);
        JsonNode branch = holds ? s.get("then") : s.get("else");
        return branch == null || matches(v, session.child(s, branch, holds ? "/then" : "/else"), depth + 1);
    }

    /** dependentRequired, dependentSchemas and dependencies of an object value. */
    private boolean dependenciesOk(JsonNode v, SchemaNode s, int depth) {
        Draft d = s.draft();
        for (String k : new String[] {"dependentRequired", "dependentSchemas", "dependencies"}) {
            JsonNode deps = Keywords.defined(k, d) ? s.get(k) : null;
            if (deps == null || !deps.isObject()) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = deps.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!v.has(e.getKey())) {
                    continue;
                }
                if (e.getValue().isArray()) {
                    for (JsonNode name : e.getValue()) {
                        if (!v.has(name.asText())) {
                            return false;
                        }
                    }
                } else if (!matches(v, session.child(s, e.getValue(), "/" + k + "/"
                        + SchemaResources.escape(e.getKey())), depth + 1)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** contains with minContains / maxContains. */
    private boolean containsOk(JsonNode v, SchemaNode s, int depth) {
        JsonNode c = Keywords.defined("contains", s.draft()) ? s.get("contains") : null;
        if (c == null) {
            return true;
        }
        SchemaNode cs = session.child(s, c, "/contains");
        long count = 0;
        for (JsonNode item : v) {
            if (matches(item, cs, depth + 1)) {
                count++;
            }
        }
        JsonNode mn = Keywords.defined("minContains", s.draft()) ? s.get("minContains") : null;
        JsonNode mx = Keywords.defined("maxContains", s.draft()) ? s.get("maxContains") : null;
        double min = mn != null && mn.isNumber() ? mn.asDouble() : 1;
        return count >= min && (mx == null || !mx.isNumber() || count <= mx.asDouble());
    }

    /** The string members of enum arrays, by array identity: enums of thousands of strings are common. */
    private final java.util.Map<JsonNode, java.util.Set<String>> enumStrings = new java.util.IdentityHashMap<>();

    private boolean contains(JsonNode arr, JsonNode v) {
        if (v.isTextual()) {
            // a string equals only a string with the same text
            return enumStrings.computeIfAbsent(arr, a -> {
                java.util.Set<String> texts = new java.util.HashSet<>();
                a.forEach(e -> {
                    if (e.isTextual()) {
                        texts.add(e.asText());
                    }
                });
                return texts;
            }).contains(v.asText());
        }
        for (JsonNode e : arr) {
            if (JsonValues.equal(e, v)) {
                return true;
            }
        }
        return false;
    }

    static boolean typeOk(JsonNode v, JsonNode type, Draft d) {
        if (type == null) {
            return true;
        }
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (typeOk(v, t, d)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.asText()) {
            case "null" -> v.isNull();
            case "boolean" -> v.isBoolean();
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "number" -> v.isNumber();
            case "integer" -> v.isNumber() && (d.integerAllowsZeroFraction()
                    ? v.decimalValue().stripTrailingZeros().scale() <= 0 : v.isIntegralNumber());
            default -> false;
        };
    }

    private boolean stringOk(String text, SchemaNode s) {
        int cps = text.codePointCount(0, text.length());
        JsonNode min = s.get("minLength");
        JsonNode max = s.get("maxLength");
        if (min != null && min.isNumber() && cps < min.asDouble()) {
            return false;
        }
        if (max != null && max.isNumber() && cps > max.asDouble()) {
            return false;
        }
        ByteDfa valueDfa = session.strings().valueConstraint(s);
        return valueDfa == null || valueDfa.matches(text.getBytes(StandardCharsets.UTF_8));
    }

    private boolean numberOk(BigDecimal x, SchemaNode s) {
        NumberBounds b = NumberBounds.of(s);
        JsonNode m = s.get("multipleOf");
        if (m != null && m.isNumber() && m.decimalValue().signum() > 0
                && x.remainder(m.decimalValue()).signum() != 0) {
            return false;
        }
        return b.contains(x);
    }

    private boolean objectOk(JsonNode v, SchemaNode s, int depth) {
        JsonNode props = s.get("properties");
        JsonNode req = s.get("required");
        JsonNode addl = s.get("additionalProperties");
        JsonNode minP = s.get("minProperties");
        JsonNode maxP = s.get("maxProperties");
        if ((minP != null && minP.isNumber() && v.size() < minP.asDouble())
                || (maxP != null && maxP.isNumber() && v.size() > maxP.asDouble())) {
            return false;
        }
        if (!dependenciesOk(v, s, depth)) {
            return false;
        }
        if (req != null && req.isArray()) {
            for (JsonNode r : req) {
                if (!v.has(r.asText())) {
                    return false;
                }
            }
        }
        Iterator<Map.Entry<String, JsonNode>> it = v.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode ps = props == null ? null : props.get(e.getKey());
            JsonNode names = Keywords.defined("propertyNames", s.draft()) ? s.get("propertyNames") : null;
            if (names != null && !matches(com.fasterxml.jackson.databind.node.TextNode.valueOf(e.getKey()),
                    session.child(s, names, "/propertyNames"), depth + 1)) {
                return false;
            }
            boolean byPattern = false;
            JsonNode pp = s.get("patternProperties");
            if (pp != null && pp.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> pi = pp.fields(); pi.hasNext(); ) {
                    Map.Entry<String, JsonNode> pe = pi.next();
                    if (session.strings().patternMatches(pe.getKey(), e.getKey(), s)) {
                        byPattern = true;
                        if (!matches(e.getValue(), session.child(s, pe.getValue(), "/patternProperties/"
                                + SchemaResources.escape(pe.getKey())), depth + 1)) {
                            return false;
                        }
                    }
                }
            }
            if (ps != null) {
                if (!matches(e.getValue(), session.child(s, ps, "/properties/" + SchemaResources.escape(e.getKey())),
                        depth + 1)) {
                    return false;
                }
            } else if (byPattern) {
                continue;
            } else if (addl != null) {
                if (!matches(e.getValue(), session.child(s, addl, "/additionalProperties"), depth + 1)) {
                    return false;
                }
            } else if (session.options().forbidAdditionalProperties()) {
                return false;
            }
        }
        return true;
    }

    private boolean arrayOk(JsonNode v, SchemaNode s, int depth) {
        JsonNode min = s.get("minItems");
        JsonNode max = s.get("maxItems");
        if (min != null && min.isNumber() && v.size() < min.asDouble()) {
            return false;
        }
        if (max != null && max.isNumber() && v.size() > max.asDouble()) {
            return false;
        }
        if (!containsOk(v, s, depth)) {
            return false;
        }
        JsonNode unique = s.get("uniqueItems");
        if (unique != null && unique.asBoolean()) {
            for (int i = 0; i < v.size(); i++) {
                for (int k = i + 1; k < v.size(); k++) {
                    if (JsonValues.equal(v.get(i), v.get(k))) {
                        return false;
                    }
                }
            }
        }
        ArrayShape shape = ArrayShape.of(s, session);
        for (int i = 0; i < v.size(); i++) {
            SchemaNode es = shape.at(i);
            if (es != null && !matches(v.get(i), es, depth + 1)) {
                return false;
            }
        }
        return true;
    }
}
