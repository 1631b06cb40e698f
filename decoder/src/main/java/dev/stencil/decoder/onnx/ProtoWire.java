package dev.stencil.decoder.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few pieces of the protocol-buffer wire format that editing an ONNX model needs: reading the
 * fields of one message (tag, varint, length-delimited, fixed 32/64 bits) and writing new fields.
 *
 * <p>Why hand-written rather than classes generated from {@code onnx.proto}: the only edit Stencil
 * makes is appending elements to repeated fields of the graph, which at the wire level is appending
 * encoded fields to the graph's bytes (a parser concatenates repeated fields wherever they occur),
 * plus rewriting one length prefix. That needs varints and tags, not a protobuf runtime, a code
 * generator plugin and a vendored {@code onnx.proto} in the build; and it never decodes or
 * re-encodes the model's weights, so what it does not touch stays byte-for-byte as it was.
 */
public final class ProtoWire {
    /** Wire types of the protobuf encoding. */
    public static final int VARINT = 0;
    public static final int FIXED64 = 1;
    public static final int LEN = 2;
    public static final int FIXED32 = 5;

    private ProtoWire() {
    }

    /** Reads the fields of one message in {@code buf[start, end)}, in order. */
    public static final class Reader {
        private final byte[] buf;
        private final int end;
        private int pos;
        private int field;
        private int wireType;
        private long varint;
        private int valueStart;
        private int valueEnd;
        private int tagStart;

        public Reader(byte[] buf, int start, int end) {
            if (start < 0 || end > buf.length || start > end) {
                throw new OnnxFormatException("message range [" + start + ", " + end + ") outside " + buf.length + " bytes");
            }
            this.buf = buf;
            this.pos = start;
            this.end = end;
        }

        /** Advances to the next field; false at the end of the message. */
        public boolean next() {
            if (pos >= end) {
                return false;
            }
            tagStart = pos;
            long tag = readVarint();
            field = (int) (tag >>> 3);
            wireType = (int) (tag & 7);
            if (field <= 0) {
                throw new OnnxFormatException("invalid field number " + field + " at byte " + tagStart);
            }
            switch (wireType) {
                case VARINT -> {
                    varint = readVarint();
                    valueStart = valueEnd = pos;
                }
                case FIXED64 -> skip(8);
                case FIXED32 -> skip(4);
                case LEN -> {
                    long len = readVarint();
                    if (len < 0 || len > end - pos) {
                        throw new OnnxFormatException("field " + field + " at byte " + tagStart + " claims " + len
                                + " bytes, but only " + (end - pos) + " remain in its message");
                    }
                    skip((int) len);
                }
                default -> throw new OnnxFormatException("unsupported wire type " + wireType + " (field " + field
                        + " at byte " + tagStart + "): not an ONNX protobuf file");
            }
            return true;
        }

        private void skip(int n) {
            if (n > end - pos) {
                throw new OnnxFormatException("field " + field + " at byte " + tagStart + " runs past the end of its message");
            }
            valueStart = pos;
            pos += n;
            valueEnd = pos;
        }

        private long readVarint() {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new OnnxFormatException("truncated varint at byte " + pos);
                }
                byte b = buf[pos++];
                result |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return result;
                }
            }
            throw new OnnxFormatException("varint longer than 10 bytes at byte " + pos);
        }

        public int field() {
            return field;
        }

        public int wireType() {
            return wireType;
        }

        /** The value of a varint field. */
        public long varint() {
            requireType(VARINT);
            return varint;
        }

        /** Start of the current field's payload (for length-delimited fields: after the length). */
        public int valueStart() {
            return valueStart;
        }

        public int valueEnd() {
            return valueEnd;
        }

        /** Start of the current field's tag. */
        public int tagStart() {
            return tagStart;
        }

        /** A length-delimited field as UTF-8 text. */
        public String string() {
            requireType(LEN);
            return new String(buf, valueStart, valueEnd - valueStart, StandardCharsets.UTF_8);
        }

        /** A copy of the current length-delimited field's payload. */
        public byte[] bytes() {
            requireType(LEN);
            return java.util.Arrays.copyOfRange(buf, valueStart, valueEnd);
        }

        /** A reader over the current length-delimited field, read as a message. */
        public Reader message() {
            requireType(LEN);
            return new Reader(buf, valueStart, valueEnd);
        }

        /** The value of a 32-bit fixed field read as a little-endian float. */
        public float fixed32Float() {
            requireType(FIXED32);
            int bits = (buf[valueStart] & 0xff) | (buf[valueStart + 1] & 0xff) << 8 | (buf[valueStart + 2] & 0xff) << 16
                    | (buf[valueStart + 3] & 0xff) << 24;
            return Float.intBitsToFloat(bits);
        }

        /** The rest of this message read as packed varints (a packed repeated integer field's payload). */
        public java.util.List<Long> packedVarints() {
            java.util.List<Long> values = new java.util.ArrayList<>();
            while (pos < end) {
                values.add(readVarint());
            }
            return values;
        }

        private void requireType(int expected) {
            if (wireType != expected) {
                throw new OnnxFormatException("field " + field + " at byte " + tagStart + " has wire type " + wireType
                        + ", expected " + expected);
            }
        }
    }

    /** Builds a message field by field. */
    public static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Writer varint(int field, long value) {
            tag(field, VARINT);
            writeVarint(out, value);
            return this;
        }

        public Writer bytes(int field, byte[] value) {
            tag(field, LEN);
            writeVarint(out, value.length);
            out.writeBytes(value);
            return this;
        }

        public Writer string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        public Writer message(int field, Writer message) {
            return bytes(field, message.toByteArray());
        }

        public Writer fixed32(int field, int bits) {
            tag(field, FIXED32);
            for (int i = 0; i < 4; i++) {
                out.write(bits >>> (8 * i));
            }
            return this;
        }

        private void tag(int field, int wireType) {
            writeVarint(out, ((long) field << 3) | wireType);
        }

        public byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    /** Appends {@code value} as a base-128 varint (negative values take ten bytes, as in protobuf). */
    public static void writeVarint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7fL) != 0) {
            out.write((int) ((value & 0x7f) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    /** One complete length-delimited field: tag, length, payload. */
    public static byte[] lengthDelimited(int field, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 10);
        writeVarint(out, ((long) field << 3) | LEN);
        writeVarint(out, payload.length);
        out.writeBytes(payload);
        return out.toByteArray();
    }
}
