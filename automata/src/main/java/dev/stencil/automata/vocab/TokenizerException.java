package dev.stencil.automata.vocab;

import dev.stencil.automata.StencilException;

/**
 * A {@code tokenizer.json} (or the {@code tokenizer_config.json} beside it) that cannot be read or
 * understood. The message names the file and, where the problem is in the content, the JSON field
 * (for example {@code model.type} or {@code decoder.decoders[2].type}) and what was expected there.
 */
public class TokenizerException extends StencilException {
    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
