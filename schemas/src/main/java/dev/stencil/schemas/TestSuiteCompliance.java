package dev.stencil.schemas;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.Matcher;
import dev.stencil.automata.json.Whitespace;
import dev.stencil.automata.mask.VocabularyIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Runs the official JSON-Schema-Test-Suite through the compiler and the token matcher: each test
 * case's schema is compiled (any property order, flexible whitespace, format as annotation, as the
 * suite's non-optional tests assume); each instance, serialised compactly and again with
 * {@code ", "}/{@code ": "} separators, is tokenised and fed token by token. A case passes when every
 * valid instance is accepted and every invalid one blocked; a category (file) when all its cases do.
 */
public final class TestSuiteCompliance {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            // keep "1.0" as written: the suite tests such spellings
            .configure(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    /** Per-draft counts. Instances of cases that failed to compile are in the totals only. */
    public static final class Counts {
        public int categories;
        public int categoriesAllPass;
        public int cases;
        public int casesPass;
        public int validAccepted;
        public int validTotal;
        public int invalidRejected;
        public int invalidTotal;
        public int invalidAdmittedAfterCompile;
        public int compileErrors;
        /** Category file name → cases passed / cases. */
        public final Map<String, int[]> byCategory = new LinkedHashMap<>();
        /** Human-readable failures, e.g. "ref.json: case 'x': admitted invalid {...}". */
        public final List<String> failures = new ArrayList<>();

        /** The summary fields the issue lists, in its order. */
        public Map<String, Object> figures() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("categories", categories);
            f.put("categories_all_pass", categoriesAllPass);
            f.put("cases", cases);
            f.put("cases_pass", casesPass);
            f.put("valid_accepted", validAccepted);
            f.put("valid_total", validTotal);
            f.put("invalid_rejected", invalidRejected);
            f.put("invalid_total", invalidTotal);
            f.put("invalid_admitted_after_compile", invalidAdmittedAfterCompile);
            f.put("compile_errors", compileErrors);
            return f;
        }
    }

    /** Wall-clock cap on compiling one test case's schema. */
    public static final long COMPILE_CAP_MS = 10_000;

    private final VocabularyIndex vocabulary;
    private final Function<String, int[]> tokenize;
    private final Path remotes;

    /**
     * @param tokenize the real tokenizer's encoding of a text
     * @param remotes the suite's {@code remotes/} folder (served as {@code http://localhost:1234/}), or null
     */
    public TestSuiteCompliance(VocabularyIndex vocabulary, Function<String, int[]> tokenize, Path remotes) {
        this.vocabulary = vocabulary;
        this.tokenize = tokenize;
        this.remotes = remotes;
    }

    /** Runs every {@code *.json} directly in {@code draftDir} (not {@code optional/}) as {@code draft}. */
    public Counts run(Path draftDir, Draft draft, java.util.function.Consumer<String> progress) {
        Counts c = new Counts();
        List<Path> files;
        try (Stream<Path> s = Files.list(draftDir)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SchemaOptions options = SchemaOptions.defaults().withPropertyOrder(PropertyOrder.ANY)
                .withWhitespace(Whitespace.flexible()).withFormatAssertion(false);
        SchemaCompiler compiler = new SchemaCompiler(options, this::loadRemote);
        try (CompileGuard guard = new CompileGuard(COMPILE_CAP_MS)) {
            for (Path f : files) {
                runCategory(f, compiler, guard, draft, c, progress);
            }
        }
        return c;
    }

    private void runCategory(Path f, SchemaCompiler compiler, CompileGuard guard, Draft draft, Counts c,
            java.util.function.Consumer<String> progress) {
        String category = f.getFileName().toString();
        if (progress != null) {
            progress.accept(category);
        }
        JsonNode cases = read(f);
        int pass = 0;
        for (JsonNode tc : cases) {
            if (runCase(compiler, guard, draft, category, tc, c)) {
                pass++;
            }
        }
        c.categories++;
        c.cases += cases.size();
        c.casesPass += pass;
        if (pass == cases.size()) {
            c.categoriesAllPass++;
        }
        c.byCategory.put(category, new int[] {pass, cases.size()});
    }

    private boolean runCase(SchemaCompiler compiler, CompileGuard guard, Draft draft, String category, JsonNode tc,
            Counts c) {
        String desc = tc.path("description").asText();
        CompileGuard.Outcome<CompiledGrammar> o = guard.run(
                () -> CompiledGrammar.compile(compiler.compile(tc.get("schema"), draft).grammar(), vocabulary));
        CompiledGrammar g = o.value();
        if (!o.ok()) {
            c.compileErrors++;
            c.failures.add(category + ": case '" + desc + "': compile error: " + o.reason());
        }
        boolean ok = g != null;
        for (JsonNode t : tc.get("tests")) {
            boolean valid = t.get("valid").asBoolean();
            if (valid) {
                c.validTotal++;
            } else {
                c.invalidTotal++;
            }
            if (g == null) {
                continue;
            }
            JsonNode data = t.get("data");
            boolean accepted = accepts(g, compact(data, false)) && accepts(g, compact(data, true));
            boolean anyAccepted = accepts(g, compact(data, false)) || accepts(g, compact(data, true));
            if (valid && accepted) {
                c.validAccepted++;
            } else if (!valid && !anyAccepted) {
                c.invalidRejected++;
            } else {
                ok = false;
                if (!valid) {
                    c.invalidAdmittedAfterCompile++;
                }
                c.failures.add(category + ": case '" + desc + "': " + (valid ? "blocked valid " : "admitted invalid ")
                        + compact(data, false));
            }
        }
        return ok;
    }

    private boolean accepts(CompiledGrammar g, String text) {
        Matcher m = g.newMatcher();
        for (int t : tokenize.apply(text)) {
            if (!m.accept(t)) {
                return false;
            }
        }
        return m.accept(vocabulary.vocabulary().eosTokenId());
    }

    /** JSON text of {@code v} in instance member order, numbers as written in the suite. */
    static String compact(JsonNode v, boolean spaced) {
        StringBuilder sb = new StringBuilder();
        write(v, spaced, sb);
        return sb.toString();
    }

    private static void write(JsonNode v, boolean spaced, StringBuilder sb) {
        if (v.isObject()) {
            sb.append('{');
            Iterator<Map.Entry<String, JsonNode>> it = v.fields();
            boolean first = true;
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!first) {
                    sb.append(spaced ? ", " : ",");
                }
                first = false;
                sb.append(JSON.getNodeFactory().textNode(e.getKey()).toString()).append(spaced ? ": " : ":");
                write(e.getValue(), spaced, sb);
            }
            sb.append('}');
        } else if (v.isArray()) {
            sb.append('[');
            for (int i = 0; i < v.size(); i++) {
                if (i > 0) {
                    sb.append(spaced ? ", " : ",");
                }
                write(v.get(i), spaced, sb);
            }
            sb.append(']');
        } else if (v.isBigDecimal()) {
            sb.append(v.decimalValue().toPlainString());
        } else {
            sb.append(v.toString());
        }
    }

    private JsonNode loadRemote(URI uri) {
        String s = uri.toString();
        String prefix = "http://localhost:1234/";
        if (remotes == null || !s.startsWith(prefix)) {
            return null;
        }
        Path p = remotes.resolve(s.substring(prefix.length())).normalize();
        if (!p.startsWith(remotes.normalize()) || !Files.isRegularFile(p)) {
            return null;
        }
        return read(p);
    }

    private static JsonNode read(Path p) {
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
