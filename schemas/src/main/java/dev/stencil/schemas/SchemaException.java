package dev.stencil.schemas;

import dev.stencil.automata.StencilException;

/**
 * A schema that cannot be compiled exactly: it is malformed, fails its meta-schema, or uses a
 * keyword (or a combination) that the compiler cannot turn into a grammar without admitting
 * invalid instances. The message always names the keyword and the JSON pointer of the schema
 * object that holds it, so that a user can find the spot in a large schema.
 */
public class SchemaException extends StencilException {
    private final String keyword;
    private final String pointer;

    public SchemaException(String keyword, String pointer, String reason) {
        super("'" + keyword + "' at " + (pointer.isEmpty() ? "#" : pointer) + ": " + reason);
        this.keyword = keyword;
        this.pointer = pointer;
    }

    public SchemaException(String keyword, String pointer, String reason, Throwable cause) {
        super("'" + keyword + "' at " + (pointer.isEmpty() ? "#" : pointer) + ": " + reason, cause);
        this.keyword = keyword;
        this.pointer = pointer;
    }

    /** The schema keyword at fault, e.g. {@code pattern}; {@code $schema} for meta-schema errors. */
    public String keyword() {
        return keyword;
    }

    /** Where the keyword's schema object is, as a URI fragment JSON pointer such as {@code #/properties/a}. */
    public String pointer() {
        return pointer;
    }
}
