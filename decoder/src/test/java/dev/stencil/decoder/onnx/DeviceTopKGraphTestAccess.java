package dev.stencil.decoder.onnx;

/** Lets tests in other packages build {@link DeviceTopKGraphTest}'s synthetic models. */
public final class DeviceTopKGraphTestAccess {
    private DeviceTopKGraphTestAccess() {
    }

    /** A model whose logits are its input through an Identity node (no MatMul). */
    public static byte[] identityModel(int vocab, int opset, String outputName) {
        return DeviceTopKGraphTest.identityModel(vocab, opset, outputName);
    }
}
