package dev.stencil.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stencil.automata.ir.Grammar;
import java.net.URI;
import java.util.Objects;
import java.util.function.Function;

/**
 * Compiles a JSON Schema (draft 4, 6, 7, 2019-09 or 2020-12) into a {@link Grammar} whose language
 * is exactly the JSON texts that validate against it, spelled per the options (whitespace policy,
 * property order). What cannot be compiled exactly is a {@link SchemaException} naming the keyword
 * and JSON pointer, or, in lenient mode, dropped and listed in {@link CompiledSchema#approximations()}.
 *
 * <p>Supported exactly: {@code type} (also arrays), {@code enum}/{@code const} (any values; numbers
 * in plain decimal spellings), {@code properties}/{@code required}/{@code additionalProperties},
 * {@code items}/{@code prefixItems}/{@code additionalItems}, {@code minItems}/{@code maxItems},
 * {@code minLength}/{@code maxLength} (code points), {@code pattern} (ECMA-262, search semantics),
 * {@code minimum}/{@code maximum}/exclusive bounds on integers, {@code anyOf}, {@code allOf},
 * {@code oneOf} with provably disjoint branches, {@code $ref} with {@code $id}/{@code $anchor}/
 * {@code $defs}/{@code definitions} and recursion, {@code minProperties}/{@code maxProperties}
 * (counted in the rule state; in any order only without additional properties), {@code multipleOf}
 * for divisors a digit automaton decides ({@link MultipleOf}), {@code format} uuid, ipv4, ipv6 and
 * date (or any format as annotation when format assertion is off).
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class SchemaCompiler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaOptions options;
    private final Function<URI, JsonNode> remoteLoader;

    /**
     * Forgets the process-wide automata of property names, key sets, patterns and string
     * constraints that compilations share, so that a benchmark pass times compiling from nothing.
     * The automata of the known formats are kept: they depend on no schema (built on first use).
     */
    public static void clearSharedAutomata() {
        SharedAutomata.clear();
    }

    public SchemaCompiler(SchemaOptions options) {
        this(options, null);
    }

    /**
     * @param remoteLoader fetches documents that {@code $ref}s name by URI and no loaded document
     *     declares; null for none (such refs are then a compile error)
     */
    public SchemaCompiler(SchemaOptions options, Function<URI, JsonNode> remoteLoader) {
        this.options = Objects.requireNonNull(options, "options");
        this.remoteLoader = remoteLoader;
    }

    public SchemaOptions options() {
        return options;
    }

    /** Parses and compiles schema text. */
    public CompiledSchema compile(String schemaJson) {
        JsonNode node;
        try {
            node = JSON.readTree(schemaJson);
        } catch (JsonProcessingException e) {
            throw new SchemaException("$schema", "#", "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null) {
            throw new SchemaException("$schema", "#", "empty schema text");
        }
        return compile(node);
    }

    /** Compiles a parsed schema; the default draft (no {@code $schema}) is 2020-12. */
    public CompiledSchema compile(JsonNode schema) {
        return compile(schema, Draft.DRAFT_2020_12);
    }

    /** Compiles a parsed schema, reading it as {@code defaultDraft} unless it declares {@code $schema}. */
    public CompiledSchema compile(JsonNode schema, Draft defaultDraft) {
        Objects.requireNonNull(schema, "schema");
        Draft draft = Draft.of(schema, defaultDraft, "#");
        if (!schema.isObject() && !(schema.isBoolean() && draft.booleanSchemas())) {
            throw new SchemaException("$schema", "#", "a schema must be a JSON object"
                    + (draft.booleanSchemas() ? " or a boolean" : ""));
        }
        if (options.validateMetaSchema()) {
            MetaSchemaCheck.check(schema, draft);
        }
        SchemaResources resources = new SchemaResources(remoteLoader);
        SchemaNode root = resources.addDocument(SchemaResources.DEFAULT_BASE, schema, draft);
        CompilationSession session = new CompilationSession(options, resources, "schema");
        Grammar g = session.compile(root);
        return new CompiledSchema(g, draft, session.approximations());
    }
}
