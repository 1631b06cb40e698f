package dev.stencil.decoder.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProtoWireTest {
    @Test
    void varintsRoundTripIncludingTenByteNegatives() {
        long[] values = {0, 1, 127, 128, 300, Integer.MAX_VALUE, Long.MAX_VALUE, -1, Long.MIN_VALUE};
        ProtoWire.Writer w = new ProtoWire.Writer();
        for (int i = 0; i < values.length; i++) {
            w.varint(i + 1, values[i]);
        }
        byte[] bytes = w.toByteArray();
        ProtoWire.Reader r = new ProtoWire.Reader(bytes, 0, bytes.length);
        for (int i = 0; i < values.length; i++) {
            assertTrue(r.next());
            assertEquals(i + 1, r.field());
            assertEquals(values[i], r.varint());
        }
        assertFalse(r.next());
    }

    @Test
    void knownEncodingsFromTheProtobufDocumentation() {
        // field 1 = 150 is 08 96 01; field 2 = "testing" is 12 07 74 65 73 74 69 6e 67
        assertArrayEquals(new byte[] {0x08, (byte) 0x96, 0x01}, new ProtoWire.Writer().varint(1, 150).toByteArray());
        assertArrayEquals(new byte[] {0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g'},
                new ProtoWire.Writer().string(2, "testing").toByteArray());
    }

    @Test
    void nestedMessagesAndSkippedFixedFields() {
        byte[] inner = new ProtoWire.Writer().string(1, "a").varint(2, 5).toByteArray();
        byte[] outer = new ProtoWire.Writer().fixed32(3, 0x3f800000).bytes(4, inner).string(5, "z").toByteArray();
        ProtoWire.Reader r = new ProtoWire.Reader(outer, 0, outer.length);
        assertTrue(r.next());
        assertEquals(ProtoWire.FIXED32, r.wireType());
        assertTrue(r.next());
        ProtoWire.Reader m = r.message();
        assertTrue(m.next());
        assertEquals("a", m.string());
        assertTrue(m.next());
        assertEquals(5, m.varint());
        assertFalse(m.next());
        assertTrue(r.next());
        assertEquals("z", r.string());
    }

    @Test
    void malformedInputIsAClearError() {
        byte[] truncatedVarint = {0x08, (byte) 0x96};
        assertThrows(OnnxFormatException.class, () -> new ProtoWire.Reader(truncatedVarint, 0, 2).next());
        byte[] overlong = {0x12, 0x10, 'a'};
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> new ProtoWire.Reader(overlong, 0, 3).next());
        assertTrue(e.getMessage().contains("claims 16 bytes"), e.getMessage());
        byte[] group = {0x0b}; // wire type 3 (start group)
        assertThrows(OnnxFormatException.class, () -> new ProtoWire.Reader(group, 0, 1).next());
        byte[] text = "not a model".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThrows(OnnxFormatException.class, () -> OnnxModelEditor.of(text));
    }

    @Test
    void appendingKeepsEverythingElseAndTheRepeatedOrder() {
        byte[] model = DeviceTopKGraphTest.identityModel(10, 17, "logits");
        OnnxModelEditor editor = OnnxModelEditor.of(model);
        assertEquals(17, editor.opsetVersion());
        assertEquals(8, editor.irVersion());
        assertArrayEquals(new long[] {-1, -1, 10}, editor.output("logits").dims());
        assertEquals(java.util.Set.of("x", "logits"), editor.names());
        byte[] node = new ProtoWire.Writer().string(1, "logits").string(2, "y").string(4, "Identity").toByteArray();
        byte[] edited = editor.append(List.of(node), List.of(), List.of(), List.of());
        OnnxModelEditor after = OnnxModelEditor.of(edited);
        assertEquals(java.util.Set.of("x", "logits", "y"), after.names());
        assertEquals(17, after.opsetVersion());
        // the node field (tag + one-byte length + node) plus one more byte for the graph's length prefix,
        // which grows from one byte to two as the graph passes 127 bytes
        int graphBefore = model.length - 16; // ir_version 2 bytes, producer "test" 6, opset import 6, graph tag + length 2
        assertTrue(graphBefore < 128 && graphBefore + node.length + 2 >= 128, "fixture no longer crosses the 128-byte boundary");
        assertEquals(model.length + node.length + 2 + 1, edited.length);
        assertFalse(after.hasExternalData());
    }
}
