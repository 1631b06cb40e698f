package dev.stencil.decoder;

/**
 * The dimensions of a decoder-with-past export, discovered from the ONNX session's input and
 * output metadata (not from config files, which may disagree with the graph).
 *
 * @param layers number of transformer layers (pairs of {@code past_key_values.{i}.key/value})
 * @param heads key/value heads per layer
 * @param headDim size of one head
 * @param vocabSize width of the logits
 * @param float16Cache whether the cache tensors are float16 rather than float32
 * @param hasPositionIds whether the graph takes {@code position_ids}
 * @param hasHiddenStates whether the graph returns {@code hidden_states}
 */
public record ModelShape(int layers, int heads, int headDim, int vocabSize, boolean float16Cache,
        boolean hasPositionIds, boolean hasHiddenStates) {
}
