package dev.stencil.decoder;

import dev.stencil.automata.StencilException;

/**
 * Any failure of the decoder module: a missing or malformed model file, an ONNX graph without the
 * expected inputs and outputs, a runtime error in ONNX Runtime, or a bad generation option. The
 * message names the file or option and what was expected.
 */
public class DecoderException extends StencilException {
    private static final long serialVersionUID = 1L;

    public DecoderException(String message) {
        super(message);
    }

    public DecoderException(String message, Throwable cause) {
        super(message, cause);
    }
}
