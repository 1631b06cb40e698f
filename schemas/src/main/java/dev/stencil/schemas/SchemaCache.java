package dev.stencil.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compiled grammars keyed by a SHA-256 of the schema's canonical form (members sorted, numbers
 * normalised) and the compiler options, so the same schema sent twice, whatever its key order or
 * whitespace, compiles once. Least-recently-used eviction; thread-safe.
 */
public final class SchemaCache {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaCompiler compiler;
    private final Map<String, CompiledSchema> entries;
    private long hits;
    private long misses;

    public SchemaCache(SchemaCompiler compiler, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.compiler = compiler;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CompiledSchema> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The canonical hash of a schema under the compiler's options (hex SHA-256). */
    public String key(JsonNode schema) {
        return keyOf(schema, compiler.options());
    }

    /**
     * The canonical hash of a schema under {@code options} (hex SHA-256 of the schema with members
     * sorted and numbers normalised, and of the options): equal for the same schema whatever its
     * key order or layout.
     */
    public static String keyOf(JsonNode schema, SchemaOptions options) {
        try {
            String canonical = JSON.writeValueAsString(JsonValues.canonical(schema)) + "\u0000" + options;
            byte[] h = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The compiled schema, compiling it on a miss; compile errors are not cached. */
    public CompiledSchema get(JsonNode schema) {
        String k = key(schema);
        synchronized (this) {
            CompiledSchema c = entries.get(k);
            if (c != null) {
                hits++;
                return c;
            }
            misses++;
        }
        CompiledSchema c = compiler.compile(schema);
        synchronized (this) {
            entries.put(k, c);
        }
        return c;
    }

    public synchronized long hits() {
        return hits;
    }

    public synchronized long misses() {
        return misses;
    }
}
