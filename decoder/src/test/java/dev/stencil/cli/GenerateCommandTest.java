package dev.stencil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./stencil generate} is registered and prints parseable JSON with the embedded model. */
class GenerateCommandTest {
    @Test
    void generatePrintsJsonAndExitsZero() throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            rc = new CommandLine(new StencilCli()).execute("generate", "--keys", "name,age", "--threads", "1");
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, rc);
        JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertTrue(json.has("name"), json.toString());
    }

    @Test
    void unreadableSchemaFileIsNamed() {
        CommandLine cl = new CommandLine(new StencilCli());
        java.io.StringWriter err = new java.io.StringWriter();
        cl.setErr(new java.io.PrintWriter(err));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println(ex.getMessage());
            return 2;
        });
        assertEquals(2, cl.execute("generate", "--keys", "a", "--schema", "no-such-dir/s.json"));
        assertTrue(err.toString().contains("no-such-dir/s.json"), err.toString());
    }

    @Test
    void badSamplingOptionsAreClearErrors() {
        for (String[] args : new String[][] {
                {"generate", "--keys", "a", "--typical-p", "0"},
                {"generate", "--keys", "a", "--presence-penalty", "3"},
                {"generate", "--keys", "a", "--min-tokens", "10", "--max-tokens", "5"},
                {"generate", "--keys", "a", "--stop", ""}}) {
            CommandLine cl = new CommandLine(new StencilCli());
            java.io.StringWriter err = new java.io.StringWriter();
            cl.setErr(new java.io.PrintWriter(err));
            cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
                cmd.getErr().println(ex.getMessage());
                return 2;
            });
            assertEquals(2, cl.execute(args), String.join(" ", args));
            String msg = err.toString();
            assertTrue(msg.contains("typical-p") || msg.contains("presence") || msg.contains("min tokens") || msg.contains("stop sequence"), msg);
        }
    }

    @Test
    void evalJsonSchemaBenchPrintsTheSummary(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("S"));
        java.nio.file.Files.writeString(dir.resolve("S/x.json"),
                "{\"schema\": {\"type\": \"object\", \"properties\": {\"name\": {\"type\": \"string\", \"maxLength\": 8}}, \"required\": [\"name\"]}, \"tests\": []}");
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            rc = new CommandLine(new StencilCli()).execute("eval", "jsonschemabench", dir.toString(), "--subsets", "S", "--limit", "5", "--json", "--threads", "1");
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, rc);
        JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertEquals(1, json.get("schemas").asInt());
        assertEquals(1, json.get("valid").asInt(), json.toString());
        assertEquals(0, json.get("invalid_returned").asInt());
    }
}
