package dev.stencil.decoder.onnx;

import dev.stencil.decoder.DecoderException;

/** An ONNX file that is not what its bytes claim, or a graph that cannot be extended as asked. */
public final class OnnxFormatException extends DecoderException {
    public OnnxFormatException(String message) {
        super(message);
    }
}
