package dev.stencil.schemas;

import dev.stencil.automata.json.Whitespace;
import java.util.Objects;

/**
 * How a schema is compiled.
 *
 * @param whitespace where output may put whitespace
 * @param propertyOrder whether members follow the schema's order or any order
 * @param forbidAdditionalProperties when true, an object may only have properties that some
 *     {@code properties}/{@code required} names unless {@code additionalProperties} says otherwise
 *     (the spec default, false, allows them)
 * @param formatAssertion when true {@code format} is a constraint (unsupported formats are then a
 *     compile error); when false it is an annotation, as 2019-09 and 2020-12 specify by default
 * @param lenient when true, keywords that cannot be compiled exactly are dropped and listed in
 *     {@link CompiledSchema#approximations()} instead of failing: the grammar may then admit invalid
 *     instances
 * @param maxAnyOrderProperties the most named properties of one object compiled in {@link PropertyOrder#ANY}
 * @param validateMetaSchema check the schema against its draft's meta-schema first
 * @param canonicalLiterals when true, property names and {@code enum}/{@code const} strings are
 *     only written in their canonical spelling (raw characters, the short escapes a serialiser
 *     uses) instead of every spelling that decodes to them ({@code "a"} and {@code "\u0061"}).
 *     The grammar then derives fewer instances, all of them valid: for generation, where it
 *     makes a property name a run of forced bytes (jump-forward) instead of a choice at each
 *     character
 */
public record SchemaOptions(Whitespace whitespace, PropertyOrder propertyOrder, boolean forbidAdditionalProperties,
        boolean formatAssertion, boolean lenient, int maxAnyOrderProperties, boolean validateMetaSchema,
        boolean canonicalLiterals) {

    /** The default cap for {@link PropertyOrder#ANY}: 2^8 rules of 8 alternatives each stays fast. */
    public static final int DEFAULT_MAX_ANY_ORDER_PROPERTIES = 8;

    public SchemaOptions {
        Objects.requireNonNull(whitespace, "whitespace");
        Objects.requireNonNull(propertyOrder, "propertyOrder");
        if (maxAnyOrderProperties < 0 || maxAnyOrderProperties > 16) {
            throw new IllegalArgumentException("maxAnyOrderProperties must be in 0..16, got " + maxAnyOrderProperties);
        }
    }

    /** Flexible whitespace, schema order, spec defaults, format asserted, strict, meta-schema checked. */
    public static SchemaOptions defaults() {
        return new SchemaOptions(Whitespace.flexible(), PropertyOrder.SCHEMA, false, true, false,
                DEFAULT_MAX_ANY_ORDER_PROPERTIES, true, false);
    }

    /**
     * For generating with a language model: {@link #defaults()} but with the layout most JSON a
     * model has read uses ({@link Whitespace#spaced()}), canonical literals, and no properties
     * beyond those the schema names unless {@code additionalProperties} asks for them (a model
     * given a free key tends to ramble in it). Every instance this derives is valid under the
     * schema; it derives fewer of them than {@link #defaults()}.
     */
    public static SchemaOptions forGeneration() {
        return defaults().withWhitespace(Whitespace.spaced()).withCanonicalLiterals(true)
                .withForbidAdditionalProperties(true);
    }

    public SchemaOptions withWhitespace(Whitespace ws) {
        return new SchemaOptions(ws, propertyOrder, forbidAdditionalProperties, formatAssertion, lenient,
                maxAnyOrderProperties, validateMetaSchema, canonicalLiterals);
    }

    public SchemaOptions withPropertyOrder(PropertyOrder order) {
        return new SchemaOptions(whitespace, order, forbidAdditionalProperties, formatAssertion, lenient,
                maxAnyOrderProperties, validateMetaSchema, canonicalLiterals);
    }

    public SchemaOptions withForbidAdditionalProperties(boolean forbid) {
        return new SchemaOptions(whitespace, propertyOrder, forbid, formatAssertion, lenient,
                maxAnyOrderProperties, validateMetaSchema, canonicalLiterals);
    }

    public SchemaOptions withFormatAssertion(boolean assertFormat) {
        return new SchemaOptions(whitespace, propertyOrder, forbidAdditionalProperties, assertFormat, lenient,
                maxAnyOrderProperties, validateMetaSchema, canonicalLiterals);
    }

    public SchemaOptions withLenient(boolean beLenient) {
        return new SchemaOptions(whitespace, propertyOrder, forbidAdditionalProperties, formatAssertion, beLenient,
                maxAnyOrderProperties, validateMetaSchema, canonicalLiterals);
    }

    public SchemaOptions withMaxAnyOrderProperties(int max) {
        return new SchemaOptions(whitespace, propertyOrder, forbidAdditionalProperties, formatAssertion, lenient,
                max, validateMetaSchema, canonicalLiterals);
    }

    public SchemaOptions withValidateMetaSchema(boolean validate) {
        return new SchemaOptions(whitespace, propertyOrder, forbidAdditionalProperties, formatAssertion, lenient,
                maxAnyOrderProperties, validate, canonicalLiterals);
    }

    public SchemaOptions withCanonicalLiterals(boolean canonical) {
        return new SchemaOptions(whitespace, propertyOrder, forbidAdditionalProperties, formatAssertion, lenient,
                maxAnyOrderProperties, validateMetaSchema, canonical);
    }
}
