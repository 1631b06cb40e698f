package dev.stencil.schemas;

/**
 * The order in which an object's members may appear in output.
 *
 * <ul>
 *   <li>{@link #SCHEMA}: declared properties in the order of {@code properties}, any additional
 *       ones after them. Small grammars; what generation wants.</li>
 *   <li>{@link #ANY}: any order, as JSON allows. Duplicate keys are still forbidden and
 *       {@code required} still enforced, which means tracking the set of keys seen: the grammar
 *       grows as 2<sup>n</sup> in the number of named properties, so it is bounded by
 *       {@link SchemaOptions#maxAnyOrderProperties()}.</li>
 * </ul>
 */
public enum PropertyOrder {
    SCHEMA, ANY
}
