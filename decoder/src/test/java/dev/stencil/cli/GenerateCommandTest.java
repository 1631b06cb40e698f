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
}
