package dev.stencil.decoder.onnx;

/** Hand-built ONNX pieces for tests that need a tiny synthetic model. */
public final class TestOnnx {
    private TestOnnx() {
    }

    /** A ValueInfoProto: name, element type, dimensions (a String is a symbolic dimension, a Long a fixed one). */
    public static byte[] valueInfo(String name, int elem, Object... dims) {
        ProtoWire.Writer shape = new ProtoWire.Writer();
        for (Object d : dims) {
            ProtoWire.Writer dim = new ProtoWire.Writer();
            if (d instanceof String s) {
                dim.string(2, s);
            } else {
                dim.varint(1, (Long) d);
            }
            shape.message(1, dim);
        }
        ProtoWire.Writer tensor = new ProtoWire.Writer().varint(1, elem).message(2, shape);
        return new ProtoWire.Writer().string(1, name).message(2, new ProtoWire.Writer().message(1, tensor)).toByteArray();
    }
}
