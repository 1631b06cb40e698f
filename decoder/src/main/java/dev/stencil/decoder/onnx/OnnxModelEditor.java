package dev.stencil.decoder.onnx;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads what extending an ONNX model needs to know (IR version, operator-set version, graph
 * outputs and the names already in use) and appends nodes, initializers, inputs and outputs to
 * its graph, working on the serialized {@code ModelProto} (see {@link ProtoWire} for why).
 *
 * <p>Field numbers are those of {@code onnx.proto}: ModelProto ir_version = 1, graph = 7,
 * opset_import = 8; GraphProto node = 1, initializer = 5, input = 11, output = 12; NodeProto
 * output = 2; ValueInfoProto name = 1, type = 2; TypeProto tensor_type = 1; TypeProto.Tensor
 * elem_type = 1, shape = 2; TensorShapeProto dim = 1; Dimension dim_value = 1, dim_param = 2;
 * TensorProto name = 8, data_location = 14 (1 = external).
 */
public final class OnnxModelEditor {
    // ModelProto
    static final int MODEL_IR_VERSION = 1;
    static final int MODEL_GRAPH = 7;
    static final int MODEL_OPSET_IMPORT = 8;
    // OperatorSetIdProto
    static final int OPSET_DOMAIN = 1;
    static final int OPSET_VERSION = 2;
    // GraphProto
    static final int GRAPH_NODE = 1;
    static final int GRAPH_INITIALIZER = 5;
    static final int GRAPH_INPUT = 11;
    static final int GRAPH_OUTPUT = 12;
    // NodeProto
    static final int NODE_INPUT = 1;
    static final int NODE_OUTPUT = 2;
    static final int NODE_OP_TYPE = 4;
    static final int NODE_ATTRIBUTE = 5;
    // ValueInfoProto, TypeProto, TensorShapeProto
    static final int VALUE_NAME = 1;
    static final int VALUE_TYPE = 2;
    static final int TYPE_TENSOR = 1;
    static final int TENSOR_TYPE_ELEM = 1;
    static final int TENSOR_TYPE_SHAPE = 2;
    static final int SHAPE_DIM = 1;
    static final int DIM_VALUE = 1;
    static final int DIM_PARAM = 2;
    // TensorProto
    static final int TENSOR_DIMS = 1;
    static final int TENSOR_DATA_TYPE = 2;
    static final int TENSOR_FLOAT_DATA = 4;
    static final int TENSOR_NAME = 8;
    static final int TENSOR_RAW_DATA = 9;
    static final int TENSOR_FLOAT = 1;
    static final int TENSOR_DATA_LOCATION = 14;
    static final int DATA_LOCATION_EXTERNAL = 1;

    /** The element type and shape of a graph input or output; a symbolic or unknown dimension is -1. */
    public record TensorType(int elemType, long[] dims) {
    }

    private final byte[] model;
    private final int graphTagStart;
    private final int graphStart;
    private final int graphEnd;
    private final long irVersion;
    private final int defaultOpset;

    private OnnxModelEditor(byte[] model) {
        this.model = model;
        int tag = -1;
        int start = -1;
        int end = -1;
        long ir = -1;
        int opset = -1;
        ProtoWire.Reader r = new ProtoWire.Reader(model, 0, model.length);
        while (r.next()) {
            switch (r.field()) {
                case MODEL_IR_VERSION -> ir = r.varint();
                case MODEL_GRAPH -> {
                    if (tag >= 0) {
                        throw new OnnxFormatException("the model has two graph fields; Stencil can only extend a model with one");
                    }
                    r.message(); // checks the wire type
                    tag = r.tagStart();
                    start = r.valueStart();
                    end = r.valueEnd();
                }
                case MODEL_OPSET_IMPORT -> {
                    String domain = "";
                    long version = -1;
                    ProtoWire.Reader o = r.message();
                    while (o.next()) {
                        if (o.field() == OPSET_DOMAIN) {
                            domain = o.string();
                        } else if (o.field() == OPSET_VERSION) {
                            version = o.varint();
                        }
                    }
                    if (domain.isEmpty() || domain.equals("ai.onnx")) {
                        opset = (int) version;
                    }
                }
                default -> {
                    // other model fields (producer, metadata, functions ...) are kept as they are
                }
            }
        }
        if (tag < 0) {
            throw new OnnxFormatException("the model has no graph (ModelProto field 7): not an ONNX model");
        }
        this.graphTagStart = tag;
        this.graphStart = start;
        this.graphEnd = end;
        this.irVersion = ir;
        this.defaultOpset = opset;
    }

    /** Reads the model's top-level structure; the graph's weights are not decoded. */
    public static OnnxModelEditor of(byte[] model) {
        return new OnnxModelEditor(model);
    }

    public long irVersion() {
        return irVersion;
    }

    /** The version of the default ({@code ai.onnx}) operator set, -1 when the model does not import it. */
    public int opsetVersion() {
        return defaultOpset;
    }

    private ProtoWire.Reader graph() {
        return new ProtoWire.Reader(model, graphStart, graphEnd);
    }

    /** The type of graph output {@code name}, or null when there is no such output. */
    public TensorType output(String name) {
        ProtoWire.Reader g = graph();
        while (g.next()) {
            if (g.field() == GRAPH_OUTPUT) {
                TensorType t = valueInfo(g.message(), name);
                if (t != null) {
                    return t;
                }
            }
        }
        return null;
    }

    /** The type in a ValueInfoProto if its name is {@code name}, else null. */
    private static TensorType valueInfo(ProtoWire.Reader v, String name) {
        String n = null;
        TensorType type = new TensorType(0, null);
        while (v.next()) {
            if (v.field() == VALUE_NAME) {
                n = v.string();
            } else if (v.field() == VALUE_TYPE) {
                ProtoWire.Reader t = v.message();
                while (t.next()) {
                    if (t.field() == TYPE_TENSOR) {
                        type = tensorType(t.message());
                    }
                }
            }
        }
        return name.equals(n) ? type : null;
    }

    private static TensorType tensorType(ProtoWire.Reader t) {
        int elem = 0;
        List<Long> dims = null;
        while (t.next()) {
            if (t.field() == TENSOR_TYPE_ELEM) {
                elem = (int) t.varint();
            } else if (t.field() == TENSOR_TYPE_SHAPE) {
                dims = new ArrayList<>();
                ProtoWire.Reader s = t.message();
                while (s.next()) {
                    if (s.field() == SHAPE_DIM) {
                        long value = -1;
                        ProtoWire.Reader d = s.message();
                        while (d.next()) {
                            if (d.field() == DIM_VALUE) {
                                value = d.varint();
                            }
                        }
                        dims.add(value);
                    }
                }
            }
        }
        return new TensorType(elem, dims == null ? null : dims.stream().mapToLong(Long::longValue).toArray());
    }

    /**
     * Every name of the graph's namespace that a new node, input or initializer could collide
     * with: graph inputs and outputs, initializers and node outputs.
     */
    public Set<String> names() {
        Set<String> names = new HashSet<>();
        ProtoWire.Reader g = graph();
        while (g.next()) {
            switch (g.field()) {
                case GRAPH_INPUT, GRAPH_OUTPUT -> names.add(firstString(g.message(), VALUE_NAME));
                case GRAPH_INITIALIZER -> names.add(firstString(g.message(), TENSOR_NAME));
                case GRAPH_NODE -> {
                    ProtoWire.Reader n = g.message();
                    while (n.next()) {
                        if (n.field() == NODE_OUTPUT) {
                            names.add(n.string());
                        }
                    }
                }
                default -> {
                }
            }
        }
        names.remove(null);
        return names;
    }

    /**
     * A graph node as far as rewiring needs it: its operator, its inputs in order, and its
     * attributes as encoded AttributeProto messages (to copy onto a twin node unchanged).
     */
    public record Node(String opType, List<String> inputs, List<byte[]> attributes) {
    }

    /** The node whose outputs include {@code output}, or null when a graph input or initializer holds it. */
    public Node producer(String output) {
        ProtoWire.Reader g = graph();
        while (g.next()) {
            if (g.field() != GRAPH_NODE) {
                continue;
            }
            ProtoWire.Reader n = g.message();
            String op = null;
            List<String> inputs = new ArrayList<>();
            List<byte[]> attributes = new ArrayList<>();
            boolean produces = false;
            while (n.next()) {
                switch (n.field()) {
                    case NODE_INPUT -> inputs.add(n.string());
                    case NODE_OUTPUT -> produces |= output.equals(n.string());
                    case NODE_OP_TYPE -> op = n.string();
                    case NODE_ATTRIBUTE -> attributes.add(n.bytes());
                    default -> {
                    }
                }
            }
            if (produces) {
                return new Node(op, inputs, attributes);
            }
        }
        return null;
    }

    private static String firstString(ProtoWire.Reader m, int field) {
        while (m.next()) {
            if (m.field() == field) {
                return m.string();
            }
        }
        return null;
    }

    /** A float32 initializer's shape and values, as {@link #floatInitializer} reads it. */
    public record FloatTensor(long[] dims, float[] values) {
    }

    /**
     * The float32 initializer called {@code name} (its data in {@code raw_data} or {@code
     * float_data}), or null when there is none by that name, or it is of another type or kept in
     * an external file.
     */
    public FloatTensor floatInitializer(String name) {
        ProtoWire.Reader g = graph();
        while (g.next()) {
            if (g.field() != GRAPH_INITIALIZER) {
                continue;
            }
            ProtoWire.Reader t = g.message();
            String tensorName = null;
            long dataType = -1;
            List<Long> dims = new ArrayList<>();
            int rawStart = -1;
            int rawEnd = -1;
            java.io.ByteArrayOutputStream floatData = new java.io.ByteArrayOutputStream();
            boolean external = false;
            while (t.next()) {
                switch (t.field()) {
                    case TENSOR_NAME -> tensorName = t.string();
                    case TENSOR_DIMS -> {
                        if (t.wireType() == ProtoWire.LEN) { // packed
                            ProtoWire.Reader d = t.message();
                            dims.addAll(d.packedVarints());
                        } else {
                            dims.add(t.varint());
                        }
                    }
                    case TENSOR_DATA_TYPE -> dataType = t.varint();
                    case TENSOR_FLOAT_DATA -> {
                        if (t.wireType() == ProtoWire.LEN) { // packed little-endian floats
                            floatData.write(model, t.valueStart(), t.valueEnd() - t.valueStart());
                        } else {
                            floatData.write(model, t.valueStart(), 4);
                        }
                    }
                    case TENSOR_RAW_DATA -> {
                        rawStart = t.valueStart();
                        rawEnd = t.valueEnd();
                    }
                    case TENSOR_DATA_LOCATION -> external |= t.wireType() == ProtoWire.VARINT && t.varint() == DATA_LOCATION_EXTERNAL;
                    default -> {
                    }
                }
            }
            if (!name.equals(tensorName)) {
                continue;
            }
            if (dataType != TENSOR_FLOAT || external) {
                return null;
            }
            long count = 1;
            for (long d : dims) {
                count *= d;
            }
            java.nio.ByteBuffer bytes = rawStart >= 0
                    ? java.nio.ByteBuffer.wrap(model, rawStart, rawEnd - rawStart)
                    : java.nio.ByteBuffer.wrap(floatData.toByteArray());
            if (bytes.remaining() != count * 4) {
                throw new OnnxFormatException("initializer " + name + " holds " + bytes.remaining() + " bytes for " + count + " floats");
            }
            float[] values = new float[(int) count];
            bytes.order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            return new FloatTensor(dims.stream().mapToLong(Long::longValue).toArray(), values);
        }
        return null;
    }

    /** Whether some initializer keeps its data in an external file (models over 2 GB). */
    public boolean hasExternalData() {
        ProtoWire.Reader g = graph();
        while (g.next()) {
            if (g.field() == GRAPH_INITIALIZER) {
                ProtoWire.Reader t = g.message();
                while (t.next()) {
                    if (t.field() == TENSOR_DATA_LOCATION && t.wireType() == ProtoWire.VARINT
                            && t.varint() == DATA_LOCATION_EXTERNAL) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Rewires one node: the node whose first output is {@code nodeOutput} gets, at input position
     * {@code index}, the value {@code newInput} instead of what it read.
     */
    public record InputRewire(String nodeOutput, int index, String newInput) {
    }

    /**
     * The model with {@code nodes} inserted right before the node whose first output is {@code
     * before} (so they may read anything computed earlier, and that node and later ones may read
     * them), the given nodes rewired, and {@code initializers} and {@code inputs} appended.
     * Everything else is copied unchanged.
     */
    public byte[] insertAndRewire(String before, List<byte[]> nodes, List<InputRewire> rewires, List<byte[]> initializers,
            List<byte[]> inputs) {
        return insertAndRewire(before, nodes, rewires, List.of(), initializers, inputs);
    }

    /**
     * Sets an integer attribute of one node: the node whose first output is {@code nodeOutput}
     * gets {@code name = value}, replacing an attribute of that name if it has one.
     */
    public record AttributeRewire(String nodeOutput, String name, long value) {
    }

    /** {@link #insertAndRewire(String, List, List, List, List)} that also sets node attributes. */
    public byte[] insertAndRewire(String before, List<byte[]> nodes, List<InputRewire> rewires, List<AttributeRewire> attributes,
            List<byte[]> initializers, List<byte[]> inputs) {
        ByteArrayOutputStream graph = new ByteArrayOutputStream(graphEnd - graphStart + 1024);
        boolean inserted = false;
        int rewired = 0;
        ProtoWire.Reader g = graph();
        while (g.next()) {
            if (g.field() == GRAPH_NODE) {
                ProtoWire.Reader n = g.message();
                String first = firstString(n, NODE_OUTPUT);
                if (first != null && first.equals(before)) {
                    for (byte[] node : nodes) {
                        graph.writeBytes(ProtoWire.lengthDelimited(GRAPH_NODE, node));
                    }
                    inserted = true;
                }
                byte[] node = java.util.Arrays.copyOfRange(model, g.valueStart(), g.valueEnd());
                for (InputRewire r : rewires) {
                    if (r.nodeOutput().equals(first)) {
                        node = withInput(node, r.index(), r.newInput());
                        rewired++;
                    }
                }
                for (AttributeRewire a : attributes) {
                    if (a.nodeOutput().equals(first)) {
                        node = withIntAttribute(node, a.name(), a.value());
                        rewired++;
                    }
                }
                graph.writeBytes(ProtoWire.lengthDelimited(GRAPH_NODE, node));
            } else {
                graph.write(model, g.tagStart(), g.valueEnd() - g.tagStart());
            }
        }
        if (!inserted || rewired != rewires.size() + attributes.size()) {
            throw new OnnxFormatException("cannot rewire the graph: a node named by its output is missing");
        }
        for (byte[] t : initializers) {
            graph.writeBytes(ProtoWire.lengthDelimited(GRAPH_INITIALIZER, t));
        }
        for (byte[] v : inputs) {
            graph.writeBytes(ProtoWire.lengthDelimited(GRAPH_INPUT, v));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(model.length + 1024);
        out.write(model, 0, graphTagStart);
        ProtoWire.writeVarint(out, ((long) MODEL_GRAPH << 3) | ProtoWire.LEN);
        ProtoWire.writeVarint(out, graph.size());
        out.writeBytes(graph.toByteArray());
        out.write(model, graphEnd, model.length - graphEnd);
        return out.toByteArray();
    }

    /** An encoded NodeProto with the integer attribute {@code name} set to {@code value} (replaced or appended). */
    private static byte[] withIntAttribute(byte[] node, String name, long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(node.length + name.length() + 8);
        ProtoWire.Reader n = new ProtoWire.Reader(node, 0, node.length);
        while (n.next()) {
            if (n.field() == NODE_ATTRIBUTE) {
                ProtoWire.Reader a = n.message();
                String attributeName = firstString(a, GraphNodes.ATTR_NAME);
                if (name.equals(attributeName)) {
                    continue; // replaced below
                }
            }
            out.write(node, n.tagStart(), n.valueEnd() - n.tagStart());
        }
        out.writeBytes(ProtoWire.lengthDelimited(NODE_ATTRIBUTE, GraphNodes.attrInt(name, value)));
        return out.toByteArray();
    }

    /** An encoded NodeProto with its input at {@code index} replaced. */
    private static byte[] withInput(byte[] node, int index, String input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(node.length + input.length());
        ProtoWire.Reader n = new ProtoWire.Reader(node, 0, node.length);
        int seen = 0;
        while (n.next()) {
            if (n.field() == NODE_INPUT && seen++ == index) {
                out.writeBytes(new ProtoWire.Writer().string(NODE_INPUT, input).toByteArray());
            } else {
                out.write(node, n.tagStart(), n.valueEnd() - n.tagStart());
            }
        }
        return out.toByteArray();
    }

    /**
     * The model with the given encoded messages appended to the graph's repeated fields. Nodes
     * are appended after the existing ones, so they may consume any existing value (ONNX wants
     * nodes in topological order). Everything else is copied unchanged.
     */
    public byte[] append(List<byte[]> nodes, List<byte[]> initializers, List<byte[]> inputs, List<byte[]> outputs) {
        ByteArrayOutputStream extra = new ByteArrayOutputStream();
        for (byte[] n : nodes) {
            extra.writeBytes(ProtoWire.lengthDelimited(GRAPH_NODE, n));
        }
        for (byte[] t : initializers) {
            extra.writeBytes(ProtoWire.lengthDelimited(GRAPH_INITIALIZER, t));
        }
        for (byte[] v : inputs) {
            extra.writeBytes(ProtoWire.lengthDelimited(GRAPH_INPUT, v));
        }
        for (byte[] v : outputs) {
            extra.writeBytes(ProtoWire.lengthDelimited(GRAPH_OUTPUT, v));
        }
        long graphLength = (long) (graphEnd - graphStart) + extra.size();
        if (model.length + extra.size() + 10L > Integer.MAX_VALUE - 16) {
            throw new OnnxFormatException("the extended model would exceed 2 GB, the limit of one protobuf message");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(model.length + extra.size() + 16);
        out.write(model, 0, graphTagStart);
        ProtoWire.writeVarint(out, ((long) MODEL_GRAPH << 3) | ProtoWire.LEN);
        ProtoWire.writeVarint(out, graphLength);
        out.write(model, graphStart, graphEnd - graphStart);
        out.writeBytes(extra.toByteArray());
        out.write(model, graphEnd, model.length - graphEnd);
        return out.toByteArray();
    }
}
