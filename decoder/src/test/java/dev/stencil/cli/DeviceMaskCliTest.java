package dev.stencil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code --mask-on-device}, {@code --provider} and {@code bench device-mask} from the command line. */
class DeviceMaskCliTest {
    @Test
    void maskOnDevicePrintsTheSameJson() {
        CliRun host = CliRun.of("generate", "--keys", "name,city", "--threads", "1");
        CliRun device = CliRun.of("generate", "--keys", "name,city", "--threads", "1", "--mask-on-device");
        assertEquals(0, host.rc(), host.err());
        assertEquals(0, device.rc(), device.err());
        assertEquals(host.out(), device.out());
    }

    @Test
    void maskOnDeviceWithAnOptionThatNeedsAllLogitsIsAnError() {
        CliRun r = CliRun.of("generate", "--keys", "a", "--threads", "1", "--mask-on-device", "--num-beams", "2");
        assertEquals(2, r.rc());
        assertTrue(r.err().contains("beam search"), r.err());
    }

    @Test
    void cudaWithoutTheGpuBuildIsAClearError() {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "this ONNX Runtime build has CUDA");
        CliRun r = CliRun.of("generate", "--keys", "a", "--provider", "CUDA");
        assertEquals(2, r.rc());
        assertTrue(r.err().contains("onnxruntime_gpu"), r.err());
    }

    @Test
    void benchDeviceMaskReportsBothModesOverIdenticalTokens() throws Exception {
        CliRun r = CliRun.of("bench", "device-mask", "--runs", "1", "--max-tokens", "12", "--json");
        assertEquals(0, r.rc(), r.err());
        String[] lines = r.out().strip().split("\n");
        JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertEquals(0, json.get("disagreements").asInt(), json.toString());
        assertTrue(json.get("host_step_us_p50").asDouble() > 0 && json.get("device_step_us_p50").asDouble() > 0, json.toString());
        assertEquals(json.get("tokens").asInt(), json.get("timed_steps").asInt(), json.toString());
        assertTrue(json.get("timed_steps").asInt() > 12, json.toString());
    }
}
