package dev.stencil.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stencil.automata.ir.Expr;
import dev.stencil.automata.ir.Grammar;
import dev.stencil.automata.ir.Lexeme;
import dev.stencil.automata.json.JsonGrammar;
import dev.stencil.automata.regex.ByteDfa;
import dev.stencil.automata.regex.Regex;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state of one schema compilation. The central idea: a rule is compiled for a
 * <em>conjunction</em> of schema objects (after {@code allOf} and {@code $ref} are flattened into it),
 * memoised by the set of those objects, so {@code allOf} is an exact intersection keyword by keyword,
 * recursion through {@code $ref} becomes recursion between rules, and {@code anyOf} distributes over
 * the conjunction. The number of rules is capped so hostile schemas fail fast instead of blowing up.
 */
final class CompilationSession {
    static final int MAX_RULES = 20_000;
    /**
     * Cap on the work of combining subschemas: the conjuncts of every conjunction looked up, summed.
     * A rule costs time in proportion to its conjunction's size, and hostile schemas reach the rule
     * cap only with conjunctions of hundreds of conjuncts each (seconds of work); this cap stops them
     * after a fraction of it. The largest sum among the JSONSchemaBench schemas that compile is about
     * 470,000, so the cap leaves room four times over.
     */
    static final long MAX_WORK = 2_000_000;
    private static final Lexeme NOTHING = Lexeme.of("NOTHING", Regex.nothing());

    private enum Kind { NULL, BOOLEAN, OBJECT, ARRAY, STRING, NUMBER }

    // Applicator keywords of a conjunct that are already expanded elsewhere, as bits of Part.expanded.
    private static final int REF = 1;
    private static final int NOT = 1 << 1;
    private static final int IF = 1 << 2;
    private static final int UNEVALUATED = 1 << 3;
    private static final int DEPENDENCIES = 1 << 4;
    private static final int ALL_OF = 1 << 5;
    private static final int ANY_OF = 1 << 6;
    private static final int ONE_OF = 1 << 7;

    /**
     * A conjunct: a schema object and the applicator keywords of it already expanded elsewhere
     * (bits). {@code key} identifies it within the session: the schema object's id in the low 32
     * bits (so that {@code Long.hashCode} spreads keys), the expanded bits above.
     */
    private record Part(SchemaNode node, int expanded, long key) {
        Part without(int keyword) {
            return new Part(node, expanded | keyword, key | (long) keyword << 32);
        }

        boolean has(int keyword) {
            return (expanded & keyword) != 0;
        }
    }

    /**
     * What {@link #flatten} finds from one conjunct alone, in its depth-first order: the key of every
     * conjunct visited (expanded ones too) and, at the same index, the conjunct itself where it is a
     * leaf of the expansion (else null). Null for a conjunct that reaches {@code false}.
     */
    private record Closure(long[] visited, Part[] leaves) {
    }

    /** Closures by conjunct key: rules for thousands of combinations re-flatten the same conjuncts. */
    private final Map<Long, Closure> closures = new HashMap<>();
    private static final Closure UNSATISFIABLE = new Closure(new long[0], new Part[0]);

    /** A rule's conjunction: the sorted keys of its flattened conjuncts. */
    private record RuleKey(long[] parts) {
        @Override
        public boolean equals(Object o) {
            return o instanceof RuleKey k && java.util.Arrays.equals(parts, k.parts);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(parts);
        }
    }

    private final SchemaOptions options;
    private final SchemaResources resources;
    private final Grammar.Builder grammar;
    private final StringLexemes strings = new StringLexemes(this);
    private final ValueCheck valueCheck = new ValueCheck(this);
    private final Negation negation = new Negation(this);
    private final Conditionals conditionals = new Conditionals(this);
    private final Unevaluated unevaluated = new Unevaluated(this);
    /** Schema objects the compiler wrote itself (rewrites), and original subschemas they embed. */
    private final Map<JsonNode, SchemaNode> generatedNodes = new IdentityHashMap<>();
    /** Generated schema objects by creation order (which follows the user's declaration order). */
    private final Map<JsonNode, Integer> written = new IdentityHashMap<>();
    private final Map<JsonNode, Integer> ids = new IdentityHashMap<>();
    private final Map<RuleKey, String> ruleByKey = new HashMap<>();
    /**
     * The rules written so far, in order (a rule still being written has none yet); they go into
     * the grammar once the whole schema is compiled (see {@link #mergeCompetingLexemes}).
     */
    private final Map<String, Expr> ruleBodies = new LinkedHashMap<>();
    private final Set<JsonNode> keywordsChecked = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<String> approximations = new ArrayList<>();
    private int rules;
    /** Conjuncts of every conjunction looked up so far (see {@link #MAX_WORK}). */
    private long work;
    /** Where errors about the empty conjunction (the schema {@code true}) point. */
    private SchemaNode root;
    private boolean nothingUsed;

    CompilationSession(SchemaOptions options, SchemaResources resources, String name) {
        this.options = options;
        this.resources = resources;
        this.grammar = Grammar.builder(name);
    }

    SchemaOptions options() {
        return options;
    }

    SchemaResources resources() {
        return resources;
    }

    StringLexemes strings() {
        return strings;
    }

    List<String> approximations() {
        return approximations;
    }

    /** Compiles the root schema into a grammar. */
    Grammar compile(SchemaNode rootNode) {
        this.root = rootNode;
        Expr start = valueExpr(List.of(part(rootNode)));
        if (start == null) {
            // the schema accepts no instance: a grammar whose only terminal matches nothing
            nothingUsed = true;
            start = Expr.lex(NOTHING);
        }
        if (options.whitespace().kind() == dev.stencil.automata.json.Whitespace.Kind.SPACED) {
            start = JsonGrammar.withLeadingSpace(start);
        }
        ruleBodies.put("root", start);
        mergeCompetingLexemes("root", new HashSet<>());
        ruleBodies.forEach(grammar::rule);
        Lexeme ws = JsonGrammar.whitespaceLexeme(options.whitespace());
        if (ws != null) {
            grammar.ignorable(ws, options.whitespace().kind() == dev.stencil.automata.json.Whitespace.Kind.ANY);
        }
        return grammar.start("root").build();
    }

    /** A failure to compile {@code keyword} exactly: an error, or in lenient mode a recorded approximation. */
    void unsupported(String keyword, SchemaNode at, String reason) {
        if (!options.lenient()) {
            throw new SchemaException(keyword, at.pointer(), reason);
        }
        String line = "'" + keyword + "' at " + at.pointer() + ": " + reason + " (ignored)";
        if (!approximations.contains(line)) {
            approximations.add(line);
        }
    }

    /** The schema node for a subschema of {@code parent}, with its registered base URI and draft. */
    SchemaNode child(SchemaNode parent, JsonNode json, String pointerSuffix) {
        SchemaNode known = resources.known(json);
        if (known == null) {
            known = generatedNodes.get(json);
        }
        return known != null ? known : new SchemaNode(json, parent.base(), parent.pointer() + pointerSuffix,
                parent.draft());
    }

    /** Registers a schema object the compiler wrote (a rewrite of {@code origin}), read as {@code draft}. */
    SchemaNode generated(com.fasterxml.jackson.databind.node.ObjectNode json, SchemaNode origin, Draft draft) {
        SchemaNode n = new SchemaNode(json, origin.base(), origin.pointer(), draft);
        generatedNodes.put(json, n);
        written.put(json, written.size());
        return n;
    }

    /** Makes an original subschema embedded in a rewrite resolve to its own base, pointer and draft. */
    void register(SchemaNode n) {
        if (n.json().isObject() && resources.known(n.json()) == null) {
            generatedNodes.putIfAbsent(n.json(), n);
        }
    }

    /** Whether the compiler wrote {@code s} itself (its property names then come after the user's). */
    boolean isGenerated(SchemaNode s) {
        return written.containsKey(s.json());
    }

    /** A schema satisfied by exactly the values failing {@code s}. */
    SchemaNode negation(SchemaNode s) {
        return negation.of(s);
    }

    /** Rejects (or records) keywords of {@code s} that are not compiled exactly; once per schema object. */
    void checkKeywords(SchemaNode s) {
        JsonNode j = s.json();
        if (!j.isObject() || !keywordsChecked.add(j)) {
            return;
        }
        if (s.draft().refOverridesSiblings() && j.has("$ref")) {
            return;
        }
        Iterator<String> names = j.fieldNames();
        while (names.hasNext()) {
            String k = names.next();
            if (!Keywords.defined(k, s.draft()) || Keywords.ANNOTATIONS.contains(k)) {
                continue;
            }
            if (Keywords.NOT_YET.contains(k) && !isNoOp(k, j.get(k), j) && !Unevaluated.resolvable(s, k)) {
                unsupported(k, s, "not supported yet");
            }
        }
    }

    /** Keywords whose value makes them constrain nothing, so not supporting them costs nothing. */
    private static boolean isNoOp(String k, JsonNode v, JsonNode schema) {
        return switch (k) {
            case "uniqueItems" -> v.isBoolean() && !v.asBoolean();
            case "minProperties", "minContains" -> v.isNumber() && v.asDouble() <= 0 && !schema.has("contains");
            case "then", "else" -> !schema.has("if");
            case "if" -> !schema.has("then") && !schema.has("else");
            case "dependencies", "dependentRequired", "dependentSchemas", "patternProperties" -> v.isObject()
                    && v.isEmpty();
            default -> false;
        };
    }

    // ---------------------------------------------------------------- conjunctions

    /** A reference to the rule for the conjunction, or null when it is trivially unsatisfiable. */
    private Expr valueExpr(List<Part> conj) {
        List<Part> flat = flatten(conj);
        if (flat == null) {
            return null;
        }
        work += flat.size();
        if (work > MAX_WORK) {
            throw new SchemaException("$ref", flat.isEmpty() ? "#" : flat.get(0).node().pointer(),
                    "schema too complex: combining its subschemas took more than " + MAX_WORK
                    + " conjunct expansions (" + rules + " distinct combinations so far)");
        }
        long[] keyParts = new long[flat.size()];
        for (int i = 0; i < keyParts.length; i++) {
            keyParts[i] = flat.get(i).key();
        }
        java.util.Arrays.sort(keyParts);
        RuleKey key = new RuleKey(keyParts);
        String name = ruleByKey.get(key);
        if (name != null) {
            return Expr.ref(name);
        }
        if (emptyConjunctions.contains(key)) {
            return null;
        }
        if (provablyEmpty(flat)) {
            emptyConjunctions.add(key);
            return null;
        }
        if (++rules > MAX_RULES) {
            throw new SchemaException("$ref", flat.isEmpty() ? "#" : flat.get(0).node().pointer(),
                    "schema too complex: more than " + MAX_RULES + " distinct combinations of subschemas");
        }
        name = "s" + rules;
        ruleByKey.put(key, name);
        Expr body = conjunctionBody(flat);
        if (body == null) {
            nothingUsed = true;
            body = Expr.lex(NOTHING);
        }
        ruleBodies.put(name, body);
        return Expr.ref(name);
    }

    /** Competing value lexemes whose DFA states add up to this many are merged into one (see {@link #mergeCompetingLexemes}). */
    private static final int MERGE_MIN_STATES = 2_000;
    /** Most product states a merge may build; beyond that the lexemes stay separate. */
    private static final int MERGE_MAX_STATES = 600_000;

    /**
     * From rule {@code name} down (each rule once): a rule that is an alternation of large lexemes
     * only (string branches of anyOf/oneOf under a shared pattern or length bound, through nested
     * rules) becomes one lexeme of their union. Competing lexemes make the lexer track every
     * combination of their states, unminimised, where the union is minimised once
     * (Handwritten/allany20: three 48,000-state string branches made a 501,000-state lexer, half a
     * gigabyte of transitions; their union has 49,838 states). Same language. Done once the whole
     * schema has compiled, so that a schema that fails later pays for no merge, and from the top,
     * so that nested alternations are merged once, where they meet.
     */
    private void mergeCompetingLexemes(String name, Set<String> visited) {
        if (!visited.add(name)) {
            return;
        }
        Expr body = ruleBodies.get(name);
        if (body == null) {
            return;
        }
        Expr merged = body instanceof Expr.Alt ? mergedLexeme(body) : null;
        if (merged != null) {
            ruleBodies.put(name, merged);
            return;
        }
        for (String ref : referencedRules(body, new ArrayList<>())) {
            mergeCompetingLexemes(ref, visited);
        }
    }

    /** The rules {@code e} names, in order. */
    private static List<String> referencedRules(Expr e, List<String> out) {
        if (e instanceof Expr.Ref r) {
            out.add(r.rule());
        } else if (e instanceof Expr.Seq q) {
            q.parts().forEach(x -> referencedRules(x, out));
        } else if (e instanceof Expr.Alt a) {
            a.alternatives().forEach(x -> referencedRules(x, out));
        } else if (e instanceof Expr.Repeat r) {
            referencedRules(r.body(), out);
        }
        return out;
    }

    /** One lexeme for the alternation {@code e} if it is one of large lexemes only, else null. */
    private Expr mergedLexeme(Expr e) {
        Set<Lexeme> lexemes = new java.util.LinkedHashSet<>();
        if (!collectLexemes(e, lexemes, new HashSet<>()) || lexemes.size() < 2) {
            return null;
        }
        List<ByteDfa> dfas = new ArrayList<>();
        StringBuilder name = new StringBuilder("U");
        long states = 0;
        for (Lexeme l : lexemes) {
            ByteDfa d = l.compile();
            dfas.add(d);
            states += d.stateCount();
            name.append('|').append(l.name());
        }
        if (states < MERGE_MIN_STATES) {
            return null;
        }
        try {
            ByteDfa union = dfas.get(0);
            for (int i = 1; i < dfas.size(); i++) {
                union = union.union(dfas.get(i), MERGE_MAX_STATES);
            }
            return Expr.lex(Lexeme.ofDfa(name.toString(), union));
        } catch (dev.stencil.automata.GrammarException tooLarge) {
            return null; // the lexer's own cap then decides
        }
    }

    /**
     * Adds the lexemes {@code e} is an alternation of (through rules and nested alternations) to
     * {@code out}; false when {@code e} is anything else.
     */
    private boolean collectLexemes(Expr e, Set<Lexeme> out, Set<String> visiting) {
        if (e instanceof Expr.Terminal t) {
            out.add(t.lexeme());
            return t.lexeme() != NOTHING;
        }
        if (e instanceof Expr.Ref r) {
            Expr body = ruleBodies.get(r.rule());
            // a rule met again adds nothing new (only alternations are followed: a cycle here
            // would be A = ... | A, whose language is that of its other alternatives)
            return body != null && (!visiting.add(r.rule()) || collectLexemes(body, out, visiting));
        }
        if (e instanceof Expr.Alt a) {
            for (Expr x : a.alternatives()) {
                if (!collectLexemes(x, out, visiting)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    int id(JsonNode json) {
        return ids.computeIfAbsent(json, k -> ids.size());
    }

    /** The conjunct {@code node} with nothing expanded yet. */
    private Part part(SchemaNode node) {
        return new Part(node, 0, id(node.json()));
    }

    /**
     * Expands allOf and $ref into the conjunction; null if a conjunct is {@code false}. The result is
     * the depth-first expansion of the conjuncts in order, each conjunct met again (also via a $ref
     * cycle) counted once. It is assembled from each conjunct's memoised {@link #closure}: a conjunct
     * already met was expanded with everything it reaches, so dropping the keys seen before from the
     * next closure keeps exactly the conjuncts, in the order, that one walk over all would keep.
     */
    private List<Part> flatten(List<Part> in) {
        List<Part> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (Part p : in) {
            Closure c = closure(p);
            if (c == UNSATISFIABLE) {
                return null;
            }
            long[] visited = c.visited();
            Part[] leaves = c.leaves();
            for (int i = 0; i < visited.length; i++) {
                if (seen.add(visited[i]) && leaves[i] != null) {
                    out.add(leaves[i]);
                }
            }
        }
        return out;
    }

    /** The expansion of one conjunct alone (see {@link Closure}), computed once per session. */
    private Closure closure(Part start) {
        long startKey = start.key();
        Closure known = closures.get(startKey);
        if (known != null) {
            return known;
        }
        List<Long> visited = new ArrayList<>();
        List<Part> leaves = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        Deque<Part> work = new ArrayDeque<>();
        work.push(start);
        int steps = 0;
        while (!work.isEmpty()) {
            Part p = work.pop();
            if (++steps > 10_000) {
                throw new SchemaException("allOf", p.node().pointer(), "too many nested allOf/$ref");
            }
            JsonNode j = p.node().json();
            if (j.isBoolean()) {
                if (!j.asBoolean()) {
                    closures.put(startKey, UNSATISFIABLE);
                    return UNSATISFIABLE;
                }
                continue;
            }
            if (!j.isObject()) {
                throw new SchemaException("type", p.node().pointer(), "a schema must be an object or a boolean");
            }
            // conjunction is idempotent, so a schema met twice (also via a $ref cycle) counts once
            long k = p.key();
            if (!seen.add(k)) {
                continue;
            }
            visited.add(k);
            leaves.add(null);
            checkKeywords(p.node());
            Draft d = p.node().draft();
            JsonNode ref = j.get("$ref");
            if (ref != null && ref.isTextual() && !p.has(REF)) {
                SchemaNode target = resources.resolveRef(ref.asText(), p.node());
                work.push(part(target));
                if (!d.refOverridesSiblings()) {
                    work.push(p.without(REF));
                }
                continue;
            }
            JsonNode not = j.get("not");
            if (not != null && !p.has(NOT)) {
                work.push(p.without(NOT));
                work.push(part(negation.of(child(p.node(), not, "/not"))));
                continue;
            }
            if (!p.has(IF) && Conditionals.hasConditional(p.node())) {
                work.push(p.without(IF));
                work.push(part(conditionals.conditional(p.node())));
                continue;
            }
            if (!p.has(UNEVALUATED) && Unevaluated.applies(p.node())) {
                work.push(p.without(UNEVALUATED));
                work.push(part(unevaluated.rewrite(p.node())));
                continue;
            }
            if (!p.has(DEPENDENCIES) && Conditionals.hasDependencies(p.node())) {
                work.push(p.without(DEPENDENCIES));
                work.push(part(conditionals.dependencies(p.node())));
                continue;
            }
            JsonNode all = j.get("allOf");
            if (all != null && all.isArray() && !p.has(ALL_OF)) {
                work.push(p.without(ALL_OF));
                for (int i = 0; i < all.size(); i++) {
                    work.push(part(child(p.node(), all.get(i), "/allOf/" + i)));
                }
                continue;
            }
            leaves.set(leaves.size() - 1, p);
        }
        long[] keys = new long[visited.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = visited.get(i);
        }
        Closure c = new Closure(keys, leaves.toArray(new Part[0]));
        closures.put(startKey, c);
        return c;
    }

    // ---------------------------------------------------------------- provably empty conjunctions

    /** Bits of {@link Kind} a value may have; what {@link Facts#kinds} holds when no type is given. */
    private static final int ALL_KINDS = (1 << Kind.values().length) - 1;

    /**
     * What one schema object says by itself that can show a conjunction empty: the kinds of value
     * its {@code type} allows ({@link #ALL_KINDS} without one), the values its enum/const allow (null
     * without), the names it requires, and the same facts (without their own properties) of its
     * {@code properties} entries that constrain kinds or values.
     */
    private record Facts(int kinds, List<JsonNode> values, List<String> required, Map<String, Facts> properties) {
        static final Facts NONE = new Facts(ALL_KINDS, null, List.of(), Map.of());
        static final Facts FALSE = new Facts(0, null, List.of(), Map.of());
    }

    /** Facts by schema object id. */
    private final Map<Integer, Facts> factsById = new HashMap<>();
    /** Conjunctions {@link #provablyEmpty} found empty: they get no rule, their value is null. */
    private final Set<RuleKey> emptyConjunctions = new HashSet<>();

    /**
     * Whether no value satisfies every conjunct, judged from {@link Facts} alone: the types have no
     * kind in common, the enum/const sets no value in common, or (where only objects remain) the
     * entries of one required property have, together, no kind or value in common. Sound, not
     * complete: where it says empty, the rule's body would have been empty too (the same language).
     * It is asked before {@code anyOf}/{@code oneOf} are distributed, so a combination of branches
     * that contradict each other (two different consts for one discriminator property, as in an
     * {@code allOf} of {@code if}/{@code then} by type) is cut where it arises instead of at each of
     * the exponentially many combinations below it. It reads keywords only (no {@code $ref} is
     * followed, nothing is checked), so it fails on nothing and records nothing.
     */
    private boolean provablyEmpty(List<Part> flat) {
        int kinds = ALL_KINDS;
        List<JsonNode> values = null;
        for (Part p : flat) {
            Facts f = facts(p.node());
            kinds &= f.kinds();
            if (f.values() != null) {
                values = values == null ? f.values() : common(values, f.values());
            }
        }
        if (kinds == 0 || values != null && values.isEmpty()) {
            return true;
        }
        if (kinds != 1 << Kind.OBJECT.ordinal()) {
            return false;
        }
        Set<String> required = new HashSet<>();
        for (Part p : flat) {
            required.addAll(facts(p.node()).required());
        }
        for (String name : required) {
            int propertyKinds = ALL_KINDS;
            List<JsonNode> propertyValues = null;
            for (Part p : flat) {
                Facts f = facts(p.node()).properties().get(name);
                if (f != null) {
                    propertyKinds &= f.kinds();
                    if (f.values() != null) {
                        propertyValues = propertyValues == null ? f.values() : common(propertyValues, f.values());
                    }
                }
            }
            if (propertyKinds == 0 || propertyValues != null && propertyValues.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private Facts facts(SchemaNode s) {
        int id = id(s.json());
        Facts f = factsById.get(id);
        if (f == null) {
            f = readFacts(s, true);
            factsById.put(id, f);
        }
        return f;
    }

    /** The facts of {@code s}; with {@code withProperties}, also those of its properties entries. */
    private static Facts readFacts(SchemaNode s, boolean withProperties) {
        JsonNode j = s.json();
        if (j.isBoolean()) {
            return j.asBoolean() ? Facts.NONE : Facts.FALSE;
        }
        if (!j.isObject() || s.draft().refOverridesSiblings() && j.has("$ref")) {
            // up to draft 7 a $ref's siblings are ignored: what counts is behind the $ref, not read here
            return Facts.NONE;
        }
        int kinds = kindsOf(j.get("type"));
        List<JsonNode> values = null;
        JsonNode en = j.get("enum");
        if (en != null && en.isArray()) {
            values = new ArrayList<>();
            en.forEach(values::add);
        }
        JsonNode cn = Keywords.defined("const", s.draft()) ? j.get("const") : null;
        if (cn != null) {
            values = values == null ? List.of(cn) : common(values, List.of(cn));
        }
        if (!withProperties) {
            return new Facts(kinds, values, List.of(), Map.of());
        }
        List<String> required = new ArrayList<>();
        JsonNode req = j.get("required");
        if (req != null && req.isArray()) {
            req.forEach(r -> required.add(r.asText()));
        }
        Map<String, Facts> properties = new HashMap<>();
        JsonNode props = j.get("properties");
        if (props != null && props.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                Facts pf = readFacts(new SchemaNode(e.getValue(), s.base(), s.pointer(), s.draft()), false);
                if (pf.kinds() != ALL_KINDS || pf.values() != null) {
                    properties.put(e.getKey(), pf);
                }
            }
        }
        if (kinds == ALL_KINDS && values == null && required.isEmpty() && properties.isEmpty()) {
            return Facts.NONE;
        }
        return new Facts(kinds, values, required, properties);
    }

    /** The kinds a {@code type} value allows; all of them for none or for a name it does not know. */
    private static int kindsOf(JsonNode type) {
        if (type == null) {
            return ALL_KINDS;
        }
        int kinds = 0;
        for (JsonNode t : type.isArray() ? type : List.of(type)) {
            Kind k = switch (t.asText()) {
                case "null" -> Kind.NULL;
                case "boolean" -> Kind.BOOLEAN;
                case "object" -> Kind.OBJECT;
                case "array" -> Kind.ARRAY;
                case "string" -> Kind.STRING;
                case "number", "integer" -> Kind.NUMBER;
                default -> null;
            };
            if (k == null) {
                return ALL_KINDS;
            }
            kinds |= 1 << k.ordinal();
        }
        return kinds;
    }

    /** The values of {@code a} that {@code b} also has. */
    private static List<JsonNode> common(List<JsonNode> a, List<JsonNode> b) {
        List<JsonNode> kept = new ArrayList<>();
        for (JsonNode v : a) {
            for (JsonNode w : b) {
                if (JsonValues.equal(v, w)) {
                    kept.add(v);
                    break;
                }
            }
        }
        return kept;
    }

    /** The grammar of values satisfying every conjunct, or null for none. */
    private Expr conjunctionBody(List<Part> flat) {
        // anyOf / oneOf: distribute the rest of the conjunction over the branches
        for (int idx = 0; idx < flat.size(); idx++) {
            Part p = flat.get(idx);
            for (String comb : new String[] {"anyOf", "oneOf"}) {
                int combBit = comb.equals("anyOf") ? ANY_OF : ONE_OF;
                JsonNode arr = p.node().get(comb);
                if (arr == null || !arr.isArray() || p.has(combBit)) {
                    continue;
                }
                // overlapping oneOf branches: branch i is taken with the negation of every branch it may overlap
                boolean[][] disjoint = comb.equals("oneOf") ? disjointBranches(p.node(), arr, typesOf(flat)) : null;
                List<Expr> alts = new ArrayList<>();
                for (int i = 0; i < arr.size(); i++) {
                    List<Part> conj = new ArrayList<>(flat);
                    conj.set(idx, p.without(combBit));
                    conj.add(part(child(p.node(), arr.get(i), "/" + comb + "/" + i)));
                    for (int k = 0; disjoint != null && k < arr.size(); k++) {
                        if (k != i && !disjoint[i][k]) {
                            conj.add(part(negation.of(child(p.node(), arr.get(k), "/oneOf/" + k))));
                        }
                    }
                    Expr e = valueExpr(conj);
                    if (e != null) {
                        alts.add(e);
                    }
                }
                return alts.isEmpty() ? null : Expr.alt(alts.toArray(new Expr[0]));
            }
        }
        List<SchemaNode> nodes = new ArrayList<>();
        for (Part p : flat) {
            nodes.add(p.node());
        }
        JsonNode enumValues = enumOf(nodes);
        if (enumValues != null) {
            return enumExpr(enumValues, nodes);
        }
        EnumSet<Kind> kinds = EnumSet.allOf(Kind.class);
        boolean integerOnly = false;
        for (SchemaNode s : nodes) {
            JsonNode t = s.get("type");
            if (t == null) {
                continue;
            }
            EnumSet<Kind> allowed = EnumSet.noneOf(Kind.class);
            boolean sawNumber = false;
            boolean sawInteger = false;
            for (JsonNode tn : t.isArray() ? t : List.of(t)) {
                switch (tn.asText()) {
                    case "null" -> allowed.add(Kind.NULL);
                    case "boolean" -> allowed.add(Kind.BOOLEAN);
                    case "object" -> allowed.add(Kind.OBJECT);
                    case "array" -> allowed.add(Kind.ARRAY);
                    case "string" -> allowed.add(Kind.STRING);
                    case "number" -> sawNumber = true;
                    case "integer" -> sawInteger = true;
                    default -> throw new SchemaException("type", s.pointer(), "unknown type '" + tn.asText() + "'");
                }
            }
            if (sawNumber || sawInteger) {
                allowed.add(Kind.NUMBER);
                if (!sawNumber) {
                    integerOnly = true;
                }
            }
            kinds.retainAll(allowed);
        }
        List<Expr> alts = new ArrayList<>();
        if (kinds.contains(Kind.NULL)) {
            alts.add(Expr.lit("null"));
        }
        if (kinds.contains(Kind.BOOLEAN)) {
            alts.add(Expr.lit("true"));
            alts.add(Expr.lit("false"));
        }
        if (kinds.contains(Kind.STRING)) {
            Lexeme s = strings.lexeme(nodes);
            if (s != null) {
                alts.add(Expr.lex(s));
            }
        }
        if (kinds.contains(Kind.NUMBER)) {
            Lexeme n = numberLexeme(nodes, integerOnly);
            if (n != null) {
                alts.add(Expr.lex(n));
            }
        }
        if (kinds.contains(Kind.OBJECT)) {
            Expr o = objectExpr(nodes);
            if (o != null) {
                alts.add(o);
            }
        }
        if (kinds.contains(Kind.ARRAY)) {
            Expr a = arrayExpr(nodes);
            if (a != null) {
                alts.add(a);
            }
        }
        return alts.isEmpty() ? null : Expr.alt(alts.toArray(new Expr[0]));
    }

    // ---------------------------------------------------------------- oneOf

    /** What a oneOf branch says that can prove two branches disjoint. */
    private record BranchFacts(Set<String> types, JsonNode values, List<SchemaNode> nodes, Set<String> required) {
    }

    /**
     * Pairs of oneOf branches that no value can satisfy both of: their types or enum/const sets are
     * disjoint, or (where both admit objects only) a property one requires the other forbids, or a
     * property one requires has disjoint enum/const values in the two. Only pairs not proven
     * disjoint need the negation of one branch in the other.
     */
    /** The JSON types (integer counted as number) every conjunct allows, or null when none says. */
    private static Set<String> typesOf(List<Part> conj) {
        Set<String> t = null;
        for (Part p : conj) {
            JsonNode tn = p.node().get("type");
            if (tn != null) {
                Set<String> these = new HashSet<>();
                for (JsonNode x : tn.isArray() ? tn : List.of(tn)) {
                    these.add(x.asText().equals("integer") ? "number" : x.asText());
                }
                if (t == null) {
                    t = these;
                } else {
                    t.retainAll(these);
                }
            }
        }
        return t;
    }

    /**
     * As below; {@code context}: the types the rest of the conjunction allows (null: any), which
     * bound what a branch can contribute.
     */
    private boolean[][] disjointBranches(SchemaNode owner, JsonNode branches, Set<String> context) {
        int n = branches.size();
        List<BranchFacts> facts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Part> flat = flatten(List.of(part(child(owner, branches.get(i), "/oneOf/" + i))));
            if (flat == null) {
                facts.add(null);
                continue;
            }
            List<SchemaNode> nodes = new ArrayList<>();
            Set<String> t = null;
            Set<String> required = new HashSet<>();
            for (Part p : flat) {
                nodes.add(p.node());
                JsonNode tn = p.node().get("type");
                if (tn != null) {
                    Set<String> these = new HashSet<>();
                    for (JsonNode x : tn.isArray() ? tn : List.of(tn)) {
                        these.add(x.asText().equals("integer") ? "number" : x.asText());
                    }
                    if (t == null) {
                        t = these;
                    } else {
                        t.retainAll(these);
                    }
                }
                JsonNode req = p.node().get("required");
                if (req != null && req.isArray()) {
                    req.forEach(r -> required.add(r.asText()));
                }
            }
            if (context != null) {
                if (t == null) {
                    t = new HashSet<>(context);
                } else {
                    t.retainAll(context);
                }
            }
            facts.add(new BranchFacts(t, enumOf(nodes), nodes, required));
        }
        boolean[][] disjoint = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = i + 1; k < n; k++) {
                BranchFacts a = facts.get(i);
                BranchFacts b = facts.get(k);
                boolean d = a == null || b == null
                        || (a.types() != null && b.types() != null && java.util.Collections.disjoint(a.types(), b.types()))
                        || (a.values() != null && b.values() != null && disjointValues(a.values(), b.values()))
                        || objectsDisjoint(a, b);
                disjoint[i][k] = d;
                disjoint[k][i] = d;
            }
        }
        return disjoint;
    }

    private boolean objectsDisjoint(BranchFacts a, BranchFacts b) {
        Set<String> common = a.types() == null ? b.types() : b.types() == null ? a.types()
                : new HashSet<>(a.types());
        if (common == null) {
            return false;
        }
        if (a.types() != null && b.types() != null) {
            common.retainAll(b.types());
        }
        if (!Set.of("object").containsAll(common)) {
            return false;
        }
        for (String p : a.required()) {
            if (forbids(b, p) || propertyValuesDisjoint(a, b, p)) {
                return true;
            }
        }
        for (String p : b.required()) {
            if (forbids(a, p) || propertyValuesDisjoint(a, b, p)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the branch allows no object with property {@code p}. */
    private static boolean forbids(BranchFacts f, String p) {
        for (SchemaNode s : f.nodes()) {
            JsonNode props = s.get("properties");
            JsonNode ps = props == null ? null : props.get(p);
            if (ps != null && ps.isBoolean() && !ps.asBoolean()) {
                return true;
            }
            JsonNode ap = s.get("additionalProperties");
            if (ps == null && ap != null && ap.isBoolean() && !ap.asBoolean() && s.get("patternProperties") == null) {
                return true;
            }
        }
        return false;
    }

    private boolean propertyValuesDisjoint(BranchFacts a, BranchFacts b, String p) {
        JsonNode va = propertyValues(a, p);
        JsonNode vb = propertyValues(b, p);
        return va != null && vb != null && disjointValues(va, vb);
    }

    /** Enum/const values some conjunct gives property {@code p} (a superset of the allowed ones), or null. */
    private JsonNode propertyValues(BranchFacts f, String p) {
        for (SchemaNode s : f.nodes()) {
            JsonNode props = s.get("properties");
            JsonNode ps = props == null ? null : props.get(p);
            if (ps == null) {
                continue;
            }
            List<Part> flat = flatten(List.of(part(child(s, ps, "/properties/" + SchemaResources.escape(p)))));
            if (flat == null) {
                return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
            }
            List<SchemaNode> nodes = new ArrayList<>();
            flat.forEach(x -> nodes.add(x.node()));
            JsonNode values = enumOf(nodes);
            if (values != null) {
                return values;
            }
        }
        return null;
    }

    private static boolean disjointValues(JsonNode a, JsonNode b) {
        for (JsonNode x : a) {
            for (JsonNode y : b) {
                if (JsonValues.equal(x, y)) {
                    return false;
                }
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- enum / const

    /** The values allowed by every enum/const among the conjuncts, or null when none has one. */
    private JsonNode enumOf(List<SchemaNode> nodes) {
        JsonNode result = null;
        for (SchemaNode s : nodes) {
            List<JsonNode> lists = new ArrayList<>();
            JsonNode en = s.get("enum");
            if (en != null) {
                if (!en.isArray()) {
                    throw new SchemaException("enum", s.pointer(), "must be an array");
                }
                lists.add(en);
            }
            JsonNode cn = Keywords.defined("const", s.draft()) ? s.get("const") : null;
            if (cn != null) {
                lists.add(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode().add(cn));
            }
            for (JsonNode list : lists) {
                if (result == null) {
                    result = list;
                } else {
                    var kept = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
                    for (JsonNode v : result) {
                        for (JsonNode w : list) {
                            if (JsonValues.equal(v, w)) {
                                kept.add(v);
                                break;
                            }
                        }
                    }
                    result = kept;
                }
            }
        }
        return result;
    }

    private Expr enumExpr(JsonNode values, List<SchemaNode> nodes) {
        List<Expr> alts = new ArrayList<>();
        List<JsonNode> kept = new ArrayList<>();
        // strings (most enum values) are equal only to strings with the same text: a hash set finds repeats
        Set<String> keptStrings = new HashSet<>();
        outer:
        for (JsonNode v : values) {
            if (v.isTextual() ? keptStrings.contains(v.asText()) : kept.stream().anyMatch(k -> JsonValues.equal(k, v))) {
                continue;
            }
            for (SchemaNode s : nodes) {
                if (!valueCheck.matches(v, s)) {
                    continue outer;
                }
            }
            if (v.isTextual()) {
                keptStrings.add(v.asText());
            } else {
                kept.add(v);
            }
            alts.add(literalExpr(v, nodes.get(0), integerSpellingsOnly(nodes)));
        }
        return alts.isEmpty() ? null : Expr.alt(alts.toArray(new Expr[0]));
    }

    /**
     * In draft 4 an integer written {@code 1.0} is a number, not an integer: where a node admits
     * integers but not numbers, an integral enum value may only be spelled without a fraction.
     */
    private static boolean integerSpellingsOnly(List<SchemaNode> nodes) {
        for (SchemaNode s : nodes) {
            if (s.draft().integerAllowsZeroFraction()) {
                continue;
            }
            JsonNode t = s.get("type");
            if (t == null) {
                continue;
            }
            boolean integer = false;
            boolean number = false;
            for (JsonNode one : t.isArray() ? t : List.of(t)) {
                integer |= one.asText().equals("integer");
                number |= one.asText().equals("number");
            }
            if (integer && !number) {
                return true;
            }
        }
        return false;
    }

    /** Every spelling of exactly the JSON value {@code v} (numbers: plain decimal forms, any trailing zeros). */
    private Expr literalExpr(JsonNode v, SchemaNode at) {
        return literalExpr(v, at, false);
    }

    /** As {@link #literalExpr(JsonNode, SchemaNode)}; {@code integerSpellings}: no fraction on integral numbers. */
    private Expr literalExpr(JsonNode v, SchemaNode at, boolean integerSpellings) {
        if (v.isNull()) {
            return Expr.lit("null");
        }
        if (v.isBoolean()) {
            return Expr.lit(v.asBoolean() ? "true" : "false");
        }
        if (v.isTextual()) {
            return Expr.lex(strings.literal(v.asText(), at));
        }
        if (v.isNumber()) {
            return Expr.lex(numberLiteral(v.decimalValue(), at, integerSpellings));
        }
        if (v.isArray()) {
            if (v.isEmpty()) {
                return Expr.seq(Expr.lit("["), Expr.lit("]"));
            }
            List<Expr> parts = new ArrayList<>();
            parts.add(Expr.lit("["));
            for (int i = 0; i < v.size(); i++) {
                if (i > 0) {
                    parts.add(Expr.lit(options.whitespace().comma()));
                }
                parts.add(literalExpr(v.get(i), at));
            }
            parts.add(Expr.lit("]"));
            return new Expr.Seq(parts);
        }
        List<ObjectRules.Member> members = new ArrayList<>();
        v.fields().forEachRemaining(e -> members.add(new ObjectRules.Member(e.getKey(),
                Expr.lex(strings.literal(e.getKey(), at)), literalExpr(e.getValue(), at), true)));
        return objectRules().build(members, null, at);
    }

    private Lexeme numberLiteral(BigDecimal value, SchemaNode at, boolean integerSpellings) {
        BigDecimal d = value.stripTrailingZeros();
        if (integerSpellings && d.scale() <= 0) {
            String digits = d.toPlainString();
            Regex r = d.signum() == 0 ? Regex.seq(Regex.optional(Regex.literal("-")), Regex.literal("0")) : Regex.literal(digits);
            return Lexeme.of("INT=" + digits, r);
        }
        if (Math.abs((long) d.scale()) > 10_000) {
            throw new SchemaException("enum", at.pointer(), "number " + value + " has too many digits to spell out");
        }
        Regex r;
        if (d.signum() == 0) {
            r = Regex.seq(Regex.optional(Regex.literal("-")), Regex.literal("0"), zeroFraction());
        } else if (d.scale() <= 0) {
            r = Regex.seq(Regex.literal(d.toPlainString()), zeroFraction());
        } else {
            r = Regex.seq(Regex.literal(d.toPlainString()), Regex.star(Regex.literal("0")));
        }
        return Lexeme.of("NUM=" + d.toPlainString(), r);
    }

    private static Regex zeroFraction() {
        return Regex.optional(Regex.seq(Regex.literal("."), Regex.plus(Regex.literal("0"))));
    }

    // ---------------------------------------------------------------- numbers

    /** Plain decimal number spellings: the universe in which number-level negations are complemented. */
    private static final Regex PLAIN_NUMBER = dev.stencil.automata.regex.RegexParser.parse(
            "-?(0|[1-9][0-9]*)(\\.[0-9]+)?");
    private ByteDfa plainNumbers;

    /**
     * The number lexeme of the conjunction: its positive keywords, minus the numbers each
     * {@link Negation#NOT_NUMBER} group allows (then in plain decimal spelling, where "the numbers a
     * group allows" is a regular set).
     */
    private Lexeme numberLexeme(List<SchemaNode> nodes, boolean integerOnly) {
        Lexeme positive = positiveNumberLexeme(nodes, integerOnly);
        List<ByteDfa> excluded = new ArrayList<>();
        StringBuilder name = new StringBuilder();
        for (SchemaNode s : nodes) {
            JsonNode not = s.get(Negation.NOT_NUMBER);
            if (not != null && positive != null) {
                SchemaNode group = child(s, not, "");
                ByteDfa x = negatedNumbers(group);
                if (x != null) {
                    excluded.add(x);
                    name.append('-').append(id(not));
                }
            }
        }
        if (positive == null || excluded.isEmpty()) {
            return positive;
        }
        try {
            if (plainNumbers == null) {
                plainNumbers = ByteDfa.compile(PLAIN_NUMBER);
            }
            ByteDfa d = positive.compile().intersect(plainNumbers);
            for (ByteDfa x : excluded) {
                d = x.complementWithin(d);
            }
            return d.isEmptyLanguage() ? null : Lexeme.ofDfa(positive.name() + name, d);
        } catch (dev.stencil.automata.GrammarException e) {
            throw new SchemaException("not", nodes.get(0).pointer(), "number automaton too large: " + e.getMessage(), e);
        }
    }

    /** Spellings of the numbers a {@link Negation#NOT_NUMBER} group allows, or null for none. */
    private ByteDfa negatedNumbers(SchemaNode group) {
        JsonNode values = group.get("enum");
        if (values != null) {
            ByteDfa d = null;
            for (JsonNode v : values) {
                ByteDfa x = numberLiteral(v.decimalValue(), group, false).compile();
                d = d == null ? x : d.union(x);
            }
            return d;
        }
        JsonNode t = group.get("type");
        Lexeme lex = positiveNumberLexeme(List.of(group), t != null && t.asText().equals("integer"));
        return lex == null ? null : lex.compile();
    }

    private Lexeme positiveNumberLexeme(List<SchemaNode> nodes, boolean integerOnly) {
        NumberBounds b = NumberBounds.of(nodes);
        boolean zeroFraction = true;
        for (SchemaNode s : nodes) {
            zeroFraction &= s.draft().integerAllowsZeroFraction();
        }
        List<ByteDfa> multiples = MultipleOf.constraint(nodes, this);
        StringBuilder divisors = new StringBuilder();
        for (SchemaNode s : nodes) {
            JsonNode m = s.get("multipleOf");
            if (m != null && m.isNumber()) {
                divisors.append('%').append(m.decimalValue().stripTrailingZeros().toPlainString());
            }
        }
        if (!integerOnly) {
            if (b.isUnbounded() && multiples.isEmpty()) {
                return JsonGrammar.numberLexeme();
            }
            try {
                ByteDfa d = b.isUnbounded() ? ByteDfa.compile(JsonGrammar.numberLexeme().regex())
                        : DecimalBounds.automaton(b);
                d = withMultiples(d, multiples);
                return d.isEmptyLanguage() ? null : Lexeme.ofDfa("NUM" + b + divisors, d);
            } catch (dev.stencil.automata.GrammarException e) {
                SchemaNode at = nodes.stream().filter(s -> !NumberBounds.of(s).isUnbounded()).findFirst()
                        .orElse(nodes.get(0));
                throw new SchemaException(b.lower() != null ? "minimum" : b.upper() != null ? "maximum"
                        : "multipleOf", at.pointer(), "number automaton too large: " + e.getMessage(), e);
            }
        }
        BigInteger lo = b.integerLower();
        BigInteger hi = b.integerUpper();
        if (lo != null && hi != null && lo.compareTo(hi) > 0) {
            return null;
        }
        Regex digits = DigitRanges.integers(lo, hi);
        Regex r = zeroFraction ? Regex.seq(digits, zeroFraction()) : digits;
        String name = "INT[" + lo + "," + hi + "]" + (zeroFraction ? ".0" : "");
        if (multiples.isEmpty()) {
            return Lexeme.of(name, r);
        }
        try {
            // the remainder automata read the integer digits and accept a zero fraction after them
            ByteDfa d = withMultiples(ByteDfa.compile(r), multiples);
            return d.isEmptyLanguage() ? null : Lexeme.ofDfa(name + divisors, d);
        } catch (dev.stencil.automata.GrammarException e) {
            throw new SchemaException("multipleOf", nodes.get(0).pointer(), "automaton too large: " + e.getMessage(), e);
        }
    }

    private static ByteDfa withMultiples(ByteDfa d, List<ByteDfa> multiples) {
        for (ByteDfa m : multiples) {
            d = d.intersect(m);
        }
        return d;
    }

    // ---------------------------------------------------------------- objects

    private ObjectRules objectRules;

    private ObjectRules objectRules() {
        if (objectRules == null) {
            objectRules = new ObjectRules(grammar, options, () -> ++rules);
        }
        return objectRules;
    }

    private Expr objectExpr(List<SchemaNode> nodes) {
        Map<String, List<Part>> named = new LinkedHashMap<>();
        Set<String> required = new HashSet<>();
        SchemaNode at = nodes.isEmpty() ? root : nodes.get(0);
        // the user's schemas fix the property order; names from rewrites (dependencies, not) follow
        List<SchemaNode> userFirst = new ArrayList<>();
        for (SchemaNode s : nodes) {
            if (!isGenerated(s)) {
                userFirst.add(s);
            }
        }
        List<SchemaNode> generatedParts = new ArrayList<>();
        for (SchemaNode s : nodes) {
            if (isGenerated(s)) {
                generatedParts.add(s);
            }
        }
        generatedParts.sort(java.util.Comparator.comparingInt(s -> written.get(s.json())));
        userFirst.addAll(generatedParts);
        for (SchemaNode s : userFirst) {
            JsonNode props = s.get("properties");
            if (props != null && props.isObject()) {
                props.fieldNames().forEachRemaining(n -> named.putIfAbsent(n, null));
                at = s;
            }
            JsonNode req = s.get("required");
            if (req != null && req.isArray()) {
                for (JsonNode r : req) {
                    required.add(r.asText());
                    named.putIfAbsent(r.asText(), null);
                }
            }
        }
        boolean anyAdditional = false;
        long minProps = 0;
        long maxProps = -1;
        for (SchemaNode s : nodes) {
            anyAdditional |= s.get("additionalProperties") != null;
            JsonNode mn = s.get("minProperties");
            if (mn != null && mn.isNumber()) {
                minProps = Math.max(minProps, (long) Math.ceil(mn.asDouble()));
            }
            JsonNode mx = s.get("maxProperties");
            if (mx != null && mx.isNumber()) {
                long v = (long) Math.floor(mx.asDouble());
                maxProps = maxProps < 0 ? v : Math.min(maxProps, v);
            }
        }
        // patternProperties of every conjunct, in order; each region of the key space (which patterns
        // match) is its own kind of additional member, so the cap keeps 2^k small
        List<SchemaNode> patternOwners = new ArrayList<>();
        List<String> patterns = new ArrayList<>();
        List<Part> patternSchemas = new ArrayList<>();
        for (SchemaNode s : nodes) {
            JsonNode pp = s.get("patternProperties");
            if (pp != null && pp.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = pp.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    patternOwners.add(s);
                    patterns.add(e.getKey());
                    patternSchemas.add(part(child(s, e.getValue(), "/patternProperties/"
                            + SchemaResources.escape(e.getKey()))));
                }
            }
        }
        if (patterns.size() > MAX_PATTERN_PROPERTIES) {
            SchemaNode pAt = patternOwners.get(MAX_PATTERN_PROPERTIES);
            throw new SchemaException("patternProperties", pAt.pointer(), patterns.size() + " patterns apply to one "
                    + "object; at most " + MAX_PATTERN_PROPERTIES + " are compiled");
        }
        List<ByteDfa> keyRules = propertyNameRules(nodes);
        if (keyRules == null) {
            // propertyNames: false, or names no string satisfies: only the empty object
            return required.isEmpty() && minProps <= 0 ? Expr.seq(Expr.lit("{"), Expr.lit("}")) : null;
        }
        List<ObjectRules.Member> members = new ArrayList<>();
        for (String n : named.keySet()) {
            List<Part> conj = new ArrayList<>();
            boolean declared = false;
            boolean nameOk = true;
            byte[] literal = JsonValues.quote(n).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            for (ByteDfa r : keyRules) {
                nameOk &= r.matches(literal);
            }
            boolean[] matched = new boolean[patterns.size()];
            for (int i = 0; i < patterns.size(); i++) {
                if (strings.patternMatches(patterns.get(i), n, patternOwners.get(i))) {
                    matched[i] = true;
                    conj.add(patternSchemas.get(i));
                }
            }
            boolean byPattern = false;
            for (SchemaNode s : nodes) {
                JsonNode props = s.get("properties");
                JsonNode ps = props == null ? null : props.get(n);
                boolean ownPattern = false;
                for (int i = 0; i < patterns.size(); i++) {
                    ownPattern |= matched[i] && patternOwners.get(i) == s;
                }
                byPattern |= ownPattern;
                if (ps != null) {
                    conj.add(part(child(s, ps, "/properties/" + SchemaResources.escape(n))));
                    declared = true;
                } else if (s.get("additionalProperties") != null && !ownPattern) {
                    conj.add(part(child(s, s.get("additionalProperties"), "/additionalProperties")));
                }
            }
            Expr value = !nameOk || (!declared && !byPattern && !anyAdditional && options.forbidAdditionalProperties())
                    ? null : valueExpr(conj);
            if (value == null) {
                if (required.contains(n)) {
                    return null;
                }
                members.add(new ObjectRules.Member(n, Expr.lex(keyLexeme(n, at)), null, false));
                continue;
            }
            members.add(new ObjectRules.Member(n, Expr.lex(keyLexeme(n, at)), value, required.contains(n)));
        }
        List<Expr> extras = new ArrayList<>();
        // without patterns the only region is "keys other than the names"; where no value may follow such
        // a key (additionalProperties: false), its automaton, a new one for each set of names, is not built
        boolean noAdditional = patterns.isEmpty() && (!anyAdditional && options.forbidAdditionalProperties()
                || flatten(additionalConjunction(0, nodes, patterns, patternOwners, patternSchemas)) == null);
        // one kind of additional member per non-empty region of the key space (the set of patterns a key
        // matches); regions no key falls in are pruned while they are enumerated
        for (StringLexemes.KeyRegion region : noAdditional ? List.<StringLexemes.KeyRegion>of()
                : strings.keyRegions(patterns, new ArrayList<>(named.keySet()), keyRules, at, patternOwners)) {
            long mask = region.patterns();
            if (mask == 0 && !anyAdditional && options.forbidAdditionalProperties()) {
                continue;
            }
            Expr value = valueExpr(additionalConjunction(mask, nodes, patterns, patternOwners, patternSchemas));
            if (value != null) {
                extras.add(Expr.seq(Expr.lex(region.keys()), Expr.lit(options.whitespace().colon()), value));
            }
        }
        Expr extra = extras.isEmpty() ? null : extras.size() == 1 ? extras.get(0)
                : Expr.alt(extras.toArray(new Expr[0]));
        return objectRules().build(members, extra, at, minProps, maxProps);
    }

    /** The schemas a member's value satisfies where its key matches exactly the patterns in {@code mask}. */
    private List<Part> additionalConjunction(long mask, List<SchemaNode> nodes, List<String> patterns,
            List<SchemaNode> patternOwners, List<Part> patternSchemas) {
        List<Part> conj = new ArrayList<>();
        for (int i = 0; i < patterns.size(); i++) {
            if ((mask >>> i & 1) != 0) {
                conj.add(patternSchemas.get(i));
            }
        }
        // additionalProperties of a conjunct applies to keys none of that conjunct's own patterns match
        for (SchemaNode s : nodes) {
            JsonNode ap = s.get("additionalProperties");
            boolean ownPattern = false;
            for (int i = 0; i < patterns.size(); i++) {
                ownPattern |= (mask >>> i & 1) != 0 && patternOwners.get(i) == s;
            }
            if (ap != null && !ownPattern) {
                conj.add(part(child(s, ap, "/additionalProperties")));
            }
        }
        return conj;
    }

    /** Patterns per object beyond which patternProperties is a compile error (regions are bit masks). */
    static final int MAX_PATTERN_PROPERTIES = 63;

    /**
     * Automata over JSON string literals that every key must match, one per {@code propertyNames}
     * among the conjuncts; null when no key can satisfy them. Only string-level subschemas are
     * compiled (type, pattern, lengths, format, enum/const, allOf/$ref of such): keys are strings, so
     * these say everything; anything else is a compile error.
     */
    private List<ByteDfa> propertyNameRules(List<SchemaNode> nodes) {
        List<ByteDfa> out = new ArrayList<>();
        for (SchemaNode s : nodes) {
            JsonNode pn = Keywords.defined("propertyNames", s.draft()) ? s.get("propertyNames") : null;
            if (pn == null) {
                continue;
            }
            SchemaNode pnNode = child(s, pn, "/propertyNames");
            List<Part> flat = flatten(List.of(part(pnNode)));
            if (flat == null) {
                return null;
            }
            List<SchemaNode> parts = new ArrayList<>();
            for (Part p : flat) {
                for (Iterator<String> it = p.node().json().fieldNames(); it.hasNext(); ) {
                    String k = it.next();
                    if (!STRING_LEVEL.contains(k) && Keywords.defined(k, p.node().draft())
                            && !Keywords.ANNOTATIONS.contains(k)) {
                        unsupported("propertyNames", s, "only string-level subschemas (type, pattern, minLength, "
                                + "maxLength, format, enum, const) are compiled; found '" + k + "'");
                    }
                }
                parts.add(p.node());
            }
            // the subschema's language restricted to strings is exactly the allowed keys
            JsonNode values = enumOf(parts);
            ByteDfa d;
            if (values != null) {
                List<Regex> alts = new ArrayList<>();
                for (JsonNode v : values) {
                    boolean ok = v.isTextual();
                    for (SchemaNode p : parts) {
                        ok = ok && valueCheck.matches(v, p);
                    }
                    if (ok) {
                        alts.add(Regex.literal(v.asText()));
                    }
                }
                if (alts.isEmpty()) {
                    return null;
                }
                d = ByteDfa.compile(JsonStringEncoding.quoted(Regex.alt(alts)));
            } else {
                boolean stringOk = true;
                for (SchemaNode p : parts) {
                    JsonNode t = p.get("type");
                    if (t != null) {
                        boolean has = false;
                        for (JsonNode tn : t.isArray() ? t : List.of(t)) {
                            has |= tn.asText().equals("string");
                        }
                        stringOk &= has;
                    }
                }
                Lexeme lex = stringOk ? strings.lexeme(parts) : null;
                if (lex == null) {
                    return null;
                }
                d = lex.compile();
            }
            out.add(d);
        }
        return out;
    }

    /** Keywords that constrain strings only (or nothing but strings, for a key). */
    private static final Set<String> STRING_LEVEL = Set.of("type", "pattern", "minLength", "maxLength", "format",
            "enum", "const", "allOf", "$ref", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
            "multipleOf", "minItems", "maxItems", "items", "additionalItems", "prefixItems", "properties",
            "required", "additionalProperties", "minProperties", "maxProperties", "patternProperties");

    private Lexeme keyLexeme(String name, SchemaNode at) {
        return strings.literal(name, at);
    }

    // ---------------------------------------------------------------- arrays

    private Expr arrayExpr(List<SchemaNode> nodes) {
        List<ArrayShape> shapes = new ArrayList<>();
        int prefix = 0;
        long min = 0;
        long max = -1;
        for (SchemaNode s : nodes) {
            ArrayShape sh = ArrayShape.of(s, this);
            shapes.add(sh);
            prefix = Math.max(prefix, sh.prefix().size());
            JsonNode mn = s.get("minItems");
            if (mn != null && mn.isNumber()) {
                min = Math.max(min, (long) Math.ceil(mn.asDouble()));
            }
            JsonNode mx = s.get("maxItems");
            if (mx != null && mx.isNumber()) {
                long v = (long) Math.floor(mx.asDouble());
                max = max < 0 ? v : Math.min(max, v);
            }
        }
        if (max >= 0 && min > max) {
            return null;
        }
        SchemaNode unique = null;
        for (SchemaNode s : nodes) {
            JsonNode u = s.get("uniqueItems");
            if (u != null && u.isBoolean() && u.asBoolean()) {
                unique = s;
            }
        }
        if (unique != null && max != 0 && max != 1) {
            Expr u = uniqueArray(unique, nodes, shapes, prefix, min, max);
            if (u != NO_CONTAINS) {
                return u;
            }
            // lenient mode, uniqueItems listed as ignored: the arrays without it
        }
        Expr counted = containsArray(nodes, shapes, prefix, min, max);
        if (counted != NO_CONTAINS) {
            return counted;
        }
        List<Expr> elements = new ArrayList<>();
        for (int i = 0; i < prefix; i++) {
            List<Part> conj = new ArrayList<>();
            for (ArrayShape sh : shapes) {
                SchemaNode at = sh.at(i);
                if (at != null) {
                    conj.add(part(at));
                }
            }
            Expr e = valueExpr(conj);
            if (e == null) {
                max = max < 0 ? i : Math.min(max, i);
                break;
            }
            elements.add(e);
        }
        Expr rest = null;
        if (elements.size() == prefix) {
            List<Part> conj = new ArrayList<>();
            for (ArrayShape sh : shapes) {
                if (sh.rest() != null) {
                    conj.add(part(sh.rest()));
                }
            }
            rest = valueExpr(conj);
            if (rest == null) {
                max = max < 0 ? prefix : Math.min(max, prefix);
            }
        }
        if (max >= 0 && min > max) {
            return null;
        }
        if (min > 10_000 || max > 10_000) {
            unsupported(min > 10_000 ? "minItems" : "maxItems", nodes.isEmpty() ? root : nodes.get(0), "item counts above 10000 are not compiled");
            min = Math.min(min, 10_000);
            max = max > 10_000 ? -1 : max;
        }
        return ArrayRules.build(grammar, elements, rest, (int) min, (int) max, () -> ++rules, options.whitespace().comma());
    }

    /** Item domains up to this many values are compiled under uniqueItems (2^n rules). */
    static final int MAX_UNIQUE_DOMAIN = 10;

    /**
     * uniqueItems where every item comes from one finite set of values (an enum/const, after the
     * other keywords filtered it): the rule state is the set of values already used, so each value
     * appears at most once, with the item count bounds on its size. Over open item domains no
     * context-free grammar can express uniqueness; that is a compile error.
     */
    private Expr uniqueArray(SchemaNode owner, List<SchemaNode> nodes, List<ArrayShape> shapes, int prefix, long min,
            long max) {
        List<Part> conj = new ArrayList<>();
        for (ArrayShape sh : shapes) {
            if (sh.rest() != null) {
                conj.add(part(sh.rest()));
            }
        }
        List<Part> flat = prefix == 0 && !conj.isEmpty() ? flatten(conj) : null;
        List<SchemaNode> itemNodes = new ArrayList<>();
        if (flat != null) {
            flat.forEach(p -> itemNodes.add(p.node()));
        }
        JsonNode values = flat == null ? null : enumOf(itemNodes);
        boolean contains = false;
        for (SchemaNode s : nodes) {
            contains |= Keywords.defined("contains", s.draft()) && s.get("contains") != null;
        }
        if (values == null || prefix > 0 || contains) {
            unsupported("uniqueItems", owner, "compiled only where every item is one of a finite enum/const "
                    + "set (no prefixItems, no contains); over open item domains uniqueness is not context-free");
            return NO_CONTAINS;
        }
        List<JsonNode> domain = new ArrayList<>();
        outer:
        for (JsonNode v : values) {
            for (JsonNode k : domain) {
                if (JsonValues.equal(k, v)) {
                    continue outer;
                }
            }
            for (SchemaNode s : itemNodes) {
                if (!valueCheck.matches(v, s)) {
                    continue outer;
                }
            }
            domain.add(v);
        }
        if (domain.size() > MAX_UNIQUE_DOMAIN) {
            unsupported("uniqueItems", owner, "item domain of " + domain.size() + " values; at most "
                    + MAX_UNIQUE_DOMAIN + " are compiled (one rule per subset)");
            return NO_CONTAINS;
        }
        int n = domain.size();
        long cap = max < 0 ? n : Math.min(max, n);
        if (min > cap) {
            return null;
        }
        List<Expr> items = new ArrayList<>();
        for (JsonNode v : domain) {
            items.add(literalExpr(v, itemNodes.get(0), integerSpellingsOnly(itemNodes)));
        }
        String base = "u" + (++rules);
        for (int mask = 0; mask < (1 << n); mask++) {
            int used = Integer.bitCount(mask);
            List<Expr> alts = new ArrayList<>();
            if (used >= min) {
                alts.add(Expr.empty());
            }
            for (int i = 0; i < n && used < cap; i++) {
                if ((mask & (1 << i)) == 0) {
                    Expr next = Expr.ref(base + "_" + (mask | (1 << i)));
                    alts.add(mask == 0 ? Expr.seq(items.get(i), next) : Expr.seq(Expr.lit(options.whitespace().comma()), items.get(i), next));
                }
            }
            ruleBodies.put(base + "_" + mask, alts.size() == 1 ? alts.get(0) : Expr.alt(alts.toArray(new Expr[0])));
        }
        return Expr.seq(Expr.lit("["), Expr.ref(base + "_0"), Expr.lit("]"));
    }

    /** Marks "not handled here, go on" (null already means "no array qualifies"). */
    private static final Expr NO_CONTAINS = Expr.empty();

    /**
     * Arrays under {@code contains} (with {@code minContains}/{@code maxContains}): every item is
     * either counted (it satisfies the contains schema) or not (it satisfies its negation, needed only
     * when there is a maximum; without one, an uncounted item may satisfy anything, which keeps the
     * grammar exact: some parse counts every matching item). Returns {@link #NO_CONTAINS} when no
     * conjunct has a contains that constrains anything.
     */
    private Expr containsArray(List<SchemaNode> nodes, List<ArrayShape> shapes, int prefix, long min, long max) {
        SchemaNode owner = null;
        long cMin = 1;
        long cMax = -1;
        for (SchemaNode s : nodes) {
            JsonNode c = Keywords.defined("contains", s.draft()) ? s.get("contains") : null;
            if (c == null) {
                continue;
            }
            JsonNode mn = Keywords.defined("minContains", s.draft()) ? s.get("minContains") : null;
            JsonNode mx = Keywords.defined("maxContains", s.draft()) ? s.get("maxContains") : null;
            long lo = mn != null && mn.isNumber() ? (long) Math.ceil(mn.asDouble()) : 1;
            long hi = mx != null && mx.isNumber() ? (long) Math.floor(mx.asDouble()) : -1;
            if (lo <= 0 && hi < 0) {
                continue;
            }
            if (owner != null) {
                unsupported("contains", s, "more than one 'contains' on the same array is not compiled yet");
                continue;
            }
            owner = s;
            cMin = Math.max(0, lo);
            cMax = hi;
        }
        if (owner == null) {
            return NO_CONTAINS;
        }
        if (cMax >= 0 && cMin > cMax) {
            return null;
        }
        SchemaNode containsNode = child(owner, owner.get("contains"), "/contains");
        Part counted = part(containsNode);
        Part uncounted = cMax >= 0 ? part(negation(containsNode)) : null;
        List<Expr> countedItems = new ArrayList<>();
        List<Expr> otherItems = new ArrayList<>();
        for (int i = 0; i <= prefix; i++) {
            // position `prefix` stands for every later one
            List<Part> conj = new ArrayList<>();
            for (ArrayShape sh : shapes) {
                SchemaNode at = sh.at(i);
                if (at != null) {
                    conj.add(part(at));
                }
            }
            List<Part> withC = new ArrayList<>(conj);
            withC.add(counted);
            countedItems.add(valueExpr(withC));
            List<Part> withoutC = new ArrayList<>(conj);
            if (uncounted != null) {
                withoutC.add(uncounted);
            }
            otherItems.add(valueExpr(withoutC));
        }
        if (min > 10_000 || max > 10_000 || cMin > 10_000 || cMax > 10_000) {
            unsupported("contains", owner, "item counts above 10000 are not compiled");
        }
        return ArrayRules.buildCounted(grammar, countedItems, otherItems, (int) Math.min(min, 10_000),
                (int) Math.min(max, 10_000), (int) Math.min(cMin, 10_000), (int) Math.min(cMax, 10_000),
                () -> ++rules, owner, options.whitespace().comma());
    }

    boolean usedNothing() {
        return nothingUsed;
    }
}
