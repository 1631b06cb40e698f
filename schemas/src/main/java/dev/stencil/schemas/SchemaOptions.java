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
 */
public record SchemaOptions(Whitespace whitespace, PropertyOrder propertyOrder, boolean forbidAdditionalProperties,
        boolean formatAssertion, boolean lenient, int maxAnyOrderProperties, boolean validateMetaSchema) {

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
                DEFAULT_MAX_ANY_ORDER_PROPERTIES, true);
    }

    public SchemaOptions withWhitespace(Whitespace ws) {
        return new SchemaOptions(ws, propertyOrder, forbidAdditionalProperties, formatAssertion, lenient,
                maxAnyOrderProperties, validateMetaSchema);
    }

    public SchemaOptions withPropertyOrder(PropertyOrder order) {
        return new SchemaOptions(whitespace, order, forbidAdditionalProperties, formatAssertion, lenient,
                maxAnyOrderProperties, validateMetaSchema);
    }

    public SchemaOptions withForbidAdditionalProperties(boolean forbid) {
        return new SchemaOptions(whitespace, propertyOrder, forbid, formatAssertion, lenient,
                maxAnyOrderProperties, validateMetaSchema);
    }

    public SchemaOptions withFormatAssertion(boolean assertFormat) {
        return new SchemaOptions(whitespace, propertyOrder, forbidAdditionalProperties, assertFormat, lenient,
                maxAnyOrderProperties, validateMetaSchema);
    }

    public SchemaOptions withLenient(boolean beLenient) {
        return new SchemaOptions(whitespace, propertyOrder, forbidAdditionalProperties, formatAssertion, beLenient,
                maxAnyOrderProperties, validateMetaSchema);
    }

    public SchemaOptions withMaxAnyOrderProperties(int max) {
        return new SchemaOptions(whitespace, propertyOrder, forbidAdditionalProperties, formatAssertion, lenient,
                max, validateMetaSchema);
    }

    public SchemaOptions withValidateMetaSchema(boolean validate) {
        return new SchemaOptions(whitespace, propertyOrder, forbidAdditionalProperties, formatAssertion, lenient,
                maxAnyOrderProperties, validate);
    }
}
