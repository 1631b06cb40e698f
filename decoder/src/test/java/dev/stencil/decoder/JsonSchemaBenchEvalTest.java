package dev.stencil.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSONSchemaBench evaluation on a two-subset miniature corpus. */
class JsonSchemaBenchEvalTest {
    @Test
    void countsCompiledGeneratedValidAndCompileFailures(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("A"));
        Files.createDirectories(dir.resolve("B"));
        Files.writeString(dir.resolve("A/a1.json"), """
                {"schema": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 10}, "age": {"type": "integer"}},
                 "required": ["name", "age"], "additionalProperties": false}, "tests": [], "features": []}""");
        Files.writeString(dir.resolve("A/a2.json"), """
                {"schema": {"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true}}},
                 "tests": [], "features": []}""");
        Files.writeString(dir.resolve("A/a3.json"), "{\"schema\": {\"type\": \"object\"}, \"tests\": []}"); // beyond --limit 2
        Files.writeString(dir.resolve("B/b1.json"), """
                {"schema": {"type": "object", "properties": {"city": {"enum": ["Paris", "Rome"]}}, "required": ["city"]},
                 "tests": [], "features": []}""");
        // no string is at least 3 and at most 2 characters long: a schema without instances
        Files.writeString(dir.resolve("B/b2.json"),
                "{\"schema\": {\"type\": \"string\", \"minLength\": 3, \"maxLength\": 2}, \"tests\": []}");
        JsonSchemaBenchEval.Result r = JsonSchemaBenchEval.run(TestModels.stencil(), dir, List.of("A", "B"), 2, 64, null);
        assertEquals(4, r.schemas());
        assertEquals(2, r.generated());
        assertEquals(2, r.valid(), r.figures().toString());
        assertEquals(0, r.invalidReturned());
        assertEquals(Map.of("unsupported uniqueItems", 1, "no instance (unsatisfiable schema)", 1), r.compileFailures());
        assertEquals(Map.of(), r.errors());
        Map<String, Object> f = r.figures();
        assertEquals(List.of("schemas", "generated", "valid", "truncated", "invalid_returned"), List.copyOf(f.keySet()).subList(0, 5));
        assertThrows(DecoderException.class, () -> JsonSchemaBenchEval.run(TestModels.stencil(), dir, List.of("C"), 2, 64, null));
    }
}
