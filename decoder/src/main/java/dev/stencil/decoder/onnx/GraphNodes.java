package dev.stencil.decoder.onnx;

import java.util.List;

/**
 * Encodes the graph pieces Stencil appends to models (NodeProto, AttributeProto, ValueInfoProto),
 * shared by {@link DeviceTopKGraph} and {@link LogitRowsGraph}. Field numbers are onnx.proto's:
 * NodeProto input = 1, output = 2, name = 3, op_type = 4, attribute = 5; AttributeProto name = 1,
 * i = 3, type = 20 (INT = 2).
 */
final class GraphNodes {
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    static final int ATTR_NAME = 1;
    static final int ATTR_I = 3;
    private static final int ATTR_TYPE = 20;
    private static final int ATTR_TYPE_INT = 2;

    private GraphNodes() {
    }

    /** A NodeProto; {@code attributes} are encoded AttributeProto messages ({@link #attrInt}, or copied from a node). */
    static byte[] node(String name, String op, List<String> inputs, List<String> outputs, List<byte[]> attributes) {
        ProtoWire.Writer n = new ProtoWire.Writer();
        for (String i : inputs) {
            n.string(NODE_INPUT, i);
        }
        for (String o : outputs) {
            n.string(NODE_OUTPUT, o);
        }
        n.string(NODE_NAME, name);
        n.string(NODE_OP_TYPE, op);
        for (byte[] a : attributes) {
            n.bytes(NODE_ATTRIBUTE, a);
        }
        return n.toByteArray();
    }

    /** An integer AttributeProto. */
    static byte[] attrInt(String name, long value) {
        return new ProtoWire.Writer().string(ATTR_NAME, name).varint(ATTR_I, value).varint(ATTR_TYPE, ATTR_TYPE_INT).toByteArray();
    }

    /**
     * A ValueInfoProto of a tensor; each dimension is a Long (fixed) or a String (symbolic); a
     * null dimension is left out (so {@code (name, type, null, 1)} is a 1-D tensor of one element).
     */
    static byte[] valueInfo(String name, int elemType, Object... dims) {
        ProtoWire.Writer shape = new ProtoWire.Writer();
        for (Object d : dims) {
            if (d == null) {
                continue;
            }
            ProtoWire.Writer dim = new ProtoWire.Writer();
            if (d instanceof String s) {
                dim.string(OnnxModelEditor.DIM_PARAM, s);
            } else {
                dim.varint(OnnxModelEditor.DIM_VALUE, ((Number) d).longValue());
            }
            shape.message(OnnxModelEditor.SHAPE_DIM, dim);
        }
        ProtoWire.Writer tensorType = new ProtoWire.Writer()
                .varint(OnnxModelEditor.TENSOR_TYPE_ELEM, elemType)
                .message(OnnxModelEditor.TENSOR_TYPE_SHAPE, shape);
        ProtoWire.Writer type = new ProtoWire.Writer().message(OnnxModelEditor.TYPE_TENSOR, tensorType);
        return new ProtoWire.Writer().string(OnnxModelEditor.VALUE_NAME, name)
                .message(OnnxModelEditor.VALUE_TYPE, type).toByteArray();
    }
}
