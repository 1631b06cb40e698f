package dev.stencil.automata.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.stencil.automata.StencilException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Benchmark documents: the valid instances of a JSONSchemaBench folder (first {@code limit}
 * files by name, serialised like {@code JSON.stringify}, as the XGrammar harness does), or the
 * lines of a JSONL file taken verbatim.
 */
public final class JsonDocuments {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonDocuments() {
    }

    /** A document and where it came from. */
    public record Doc(String source, int instance, String text) {
    }

    public static List<Doc> load(Path path, int limit) {
        try {
            if (Files.isDirectory(path)) {
                return fromCorpusDir(path, limit);
            }
            List<Doc> docs = new ArrayList<>();
            List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size() && docs.size() < limit; i++) {
                if (!lines.get(i).isBlank()) {
                    docs.add(new Doc(path.getFileName().toString(), i, lines.get(i).strip()));
                }
            }
            return docs;
        } catch (IOException e) {
            throw new StencilException("cannot read documents from " + path + ": " + e.getMessage(), e);
        }
    }

    private static List<Doc> fromCorpusDir(Path dir, int limit) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .limit(limit)
                    .toList();
        }
        List<Doc> docs = new ArrayList<>();
        for (Path f : files) {
            try (JsonParser p = FACTORY.createParser(f.toFile())) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new StencilException(f + ": expected a JSON object with \"tests\"");
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    if (!field.equals("tests")) {
                        p.skipChildren();
                        continue;
                    }
                    int index = 0;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        Object data = null;
                        boolean valid = false;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String k = p.currentName();
                            p.nextToken();
                            if (k.equals("data")) {
                                data = JsStringify.read(p);
                            } else if (k.equals("valid")) {
                                valid = p.getBooleanValue();
                            } else {
                                p.skipChildren();
                            }
                        }
                        if (valid) {
                            StringBuilder sb = new StringBuilder();
                            JsStringify.write(data, sb);
                            docs.add(new Doc(f.getFileName().toString(), index, sb.toString()));
                        }
                        index++;
                    }
                }
            }
        }
        return docs;
    }
}
