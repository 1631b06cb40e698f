package dev.stencil.automata;

/**
 * Base of every error Stencil reports about its input: a grammar, a regular expression, a
 * tokenizer file, a schema. Messages name the input and the position (rule, line:column,
 * JSON pointer, field) and what was expected, so the caller can fix the input without reading
 * our code.
 */
public class StencilException extends RuntimeException {
    public StencilException(String message) {
        super(message);
    }

    public StencilException(String message, Throwable cause) {
        super(message, cause);
    }
}
