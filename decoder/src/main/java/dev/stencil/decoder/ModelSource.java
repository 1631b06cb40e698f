package dev.stencil.decoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a model's files come from: a directory on disk, or the embedded default model on the
 * classpath. Reads the files a {@link Stencil} needs by name and fails with the missing path.
 */
final class ModelSource {
    /** Classpath folder of the embedded default model (tiny-json-gpt2). */
    static final String EMBEDDED_DIR = "/dev/stencil/models/tiny-json-gpt2/";
    static final String MODEL_FILE = "model.onnx";
    static final String TOKENIZER_FILE = "tokenizer.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final String modelFile;
    private final String name;

    private ModelSource(Path dir, String modelFile, String name) {
        this.dir = dir;
        this.modelFile = modelFile;
        this.name = name;
    }

    /**
     * A model folder ({@code model.onnx} inside), or an {@code .onnx} file whose folder holds the
     * tokenizer and config files (e.g. {@code model_int8.onnx} or {@code draft.onnx} beside
     * {@code model.onnx}).
     */
    static ModelSource of(Path path) {
        if (Files.isDirectory(path)) {
            return new ModelSource(path, MODEL_FILE, path.toString());
        }
        if (Files.isRegularFile(path) && path.getFileName().toString().endsWith(".onnx")) {
            Path parent = path.toAbsolutePath().getParent();
            return new ModelSource(parent, path.getFileName().toString(), path.toString());
        }
        throw new DecoderException("model not found: " + path + " (expected a folder with model.onnx and tokenizer.json, or an .onnx file)");
    }

    static ModelSource embedded() {
        return new ModelSource(null, MODEL_FILE, "tiny-json-gpt2 (embedded)");
    }

    /** The ONNX file's name within the source. */
    String modelFile() {
        return modelFile;
    }

    String name() {
        return name;
    }

    boolean embeddedModel() {
        return dir == null;
    }

    /** The file's path on disk, or null for the embedded model. */
    Path path(String file) {
        return dir == null ? null : dir.resolve(file);
    }

    boolean exists(String file) {
        return dir != null ? Files.isRegularFile(dir.resolve(file))
                : ModelSource.class.getResource(EMBEDDED_DIR + file) != null;
    }

    byte[] read(String file) {
        try {
            if (dir != null) {
                Path p = dir.resolve(file);
                if (!Files.isRegularFile(p)) {
                    throw new DecoderException("model file not found: " + p);
                }
                return Files.readAllBytes(p);
            }
            try (InputStream in = ModelSource.class.getResourceAsStream(EMBEDDED_DIR + file)) {
                if (in == null) {
                    throw new DecoderException("the embedded model resource " + EMBEDDED_DIR + file + " is missing from the build");
                }
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new DecoderException("cannot read " + describe(file) + ": " + e.getMessage(), e);
        }
    }

    /** A JSON file of the model, or null when it is absent (config files are optional). */
    JsonNode json(String file) {
        if (!exists(file)) {
            return null;
        }
        try {
            return JSON.readTree(read(file));
        } catch (IOException e) {
            throw new DecoderException("malformed JSON in " + describe(file) + ": " + e.getMessage(), e);
        }
    }

    /** The file as a path on disk, extracting it to a temporary file for the embedded model. */
    Path file(String file) {
        if (dir != null) {
            Path p = dir.resolve(file);
            if (!Files.isRegularFile(p)) {
                throw new DecoderException("model file not found: " + p);
            }
            return p;
        }
        try {
            Path tmp = Files.createTempFile("stencil-", "-" + file);
            tmp.toFile().deleteOnExit();
            Files.write(tmp, read(file));
            return tmp;
        } catch (IOException e) {
            throw new DecoderException("cannot extract the embedded " + file + ": " + e.getMessage(), e);
        }
    }

    private String describe(String file) {
        return dir != null ? dir.resolve(file).toString() : "classpath:" + EMBEDDED_DIR + file;
    }

}
