package org.myelin.autodiff;

/** A recorded application of an op: the op instance and the tensors it was applied to. */
final class Node {
    final Op op;
    final Tensor[] inputs;

    Node(Op op, Tensor[] inputs) {
        this.op = op;
        this.inputs = inputs;
    }
}
