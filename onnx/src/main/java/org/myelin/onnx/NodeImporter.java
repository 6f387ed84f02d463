package org.myelin.onnx;

/**
 * Reads one ONNX op type into Myelin layers. One implementation per op, registered with
 * {@link OnnxOps#register(NodeImporter)}.
 */
public interface NodeImporter {

    /** The op type this importer reads, e.g. {@code "Gemm"}. */
    String opType();

    /**
     * Converts {@link ImportContext#node()} into zero or more layers ({@link ImportContext#add}), checking its
     * attributes, operand shapes and data type and failing through {@link ImportContext#unsupported} otherwise.
     * May take the following node as well ({@link ImportContext#takeNext}), as {@code MatMul} does with its
     * {@code Add}.
     */
    void read(ImportContext ctx);
}
