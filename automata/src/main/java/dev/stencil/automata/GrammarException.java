package dev.stencil.automata;

/** A grammar or regular expression that cannot be compiled; the message names the rule or pattern and the position. */
public class GrammarException extends StencilException {
    public GrammarException(String message) {
        super(message);
    }

    public GrammarException(String message, Throwable cause) {
        super(message, cause);
    }
}
