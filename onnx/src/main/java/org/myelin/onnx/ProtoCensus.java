package org.myelin.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.WireFormat;
import java.io.IOException;

/**
 * Counts the objects a protobuf parse would create (messages, strings and byte strings, unknown fields, elements of
 * unpacked repeated fields) by walking the wire format once, without building any of them. Why: the parse keeps
 * about 60 bytes of heap per byte of a file of empty messages (a 16 MB ONNX file of 8 million empty attributes took
 * 938 MB), so the file-size limit alone does not bound the memory a small file can claim.
 */
final class ProtoCensus {
    private final long max;
    private long count;

    private ProtoCensus(long max) {
        this.max = max;
    }

    /**
     * The number of objects in {@code bytes} as a message of {@code type}, or {@code max + 1} as soon as it passes
     * {@code max}.
     *
     * @throws IOException when the bytes are not well-formed protobuf or nest deeper than {@code maxDepth}
     */
    static long count(byte[] bytes, Descriptor type, long max, int maxDepth) throws IOException {
        ProtoCensus c = new ProtoCensus(max);
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        c.message(in, type, maxDepth);
        return c.count;
    }

    /** Walks one message's fields; {@code type} is null for an unknown group, whose fields are counted alike. */
    private boolean message(CodedInputStream in, Descriptor type, int depthLeft) throws IOException {
        if (depthLeft < 0) {
            throw new IOException("nested deeper than the recursion limit");
        }
        while (true) {
            int tag = in.readTag();
            if (tag == 0 || WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_END_GROUP) {
                return true;
            }
            if (++count > max) {
                return false;
            }
            FieldDescriptor f = type == null ? null : type.findFieldByNumber(WireFormat.getTagFieldNumber(tag));
            int wire = WireFormat.getTagWireType(tag);
            if (f != null
                    && f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                    && wire == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = in.pushLimit(in.readRawVarint32());
                boolean within = message(in, f.getMessageType(), depthLeft - 1);
                in.popLimit(limit);
                if (!within) {
                    return false;
                }
            } else if (wire == WireFormat.WIRETYPE_START_GROUP) {
                if (!message(in, null, depthLeft - 1)) {
                    return false;
                }
            } else {
                in.skipField(tag); // a scalar, a packed array of scalars (one array), a string or bytes
            }
        }
    }
}
