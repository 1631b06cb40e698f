package dev.stencil.cli;

import dev.stencil.automata.json.Whitespace;
import dev.stencil.schemas.Draft;
import dev.stencil.schemas.JsonSchemaBenchReport;
import dev.stencil.schemas.PropertyOrder;
import dev.stencil.schemas.SchemaOptions;
import dev.stencil.schemas.TestSuiteCompliance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./stencil compliance ...}: JSON Schema compliance and real-world coverage reports. */
@Command(name = "compliance", mixinStandardHelpOptions = true, description = "JSON Schema compliance and coverage reports.",
        subcommands = {ComplianceCommand.TestSuite.class, ComplianceCommand.Bench.class})
final class ComplianceCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "json-schema-test-suite", mixinStandardHelpOptions = true,
            description = "Run the official JSON-Schema-Test-Suite (tests/draft2020-12 and tests/draft7, not optional/) through the schema compiler and the token matcher: each instance, compact and with \", \"/\": \" separators, fed token by token (any property order, format as annotation).")
    static final class TestSuite implements Runnable {
        @Parameters(index = "0", description = "The suite's folder (with tests/ and remotes/).")
        Path dir;

        @Option(names = "--tokenizer", required = true, description = "Hugging Face tokenizer.json.")
        Path tokenizer;

        @Option(names = "--json", description = "Print only the JSON summary on stdout.")
        boolean json;

        @Option(names = "--failures", description = "Also print every failing case on stdout (before the summary).")
        boolean failures;

        @Override
        public void run() {
            Path tests = dir.resolve("tests");
            if (!Files.isDirectory(tests)) {
                throw new IllegalArgumentException("no tests/ folder in " + dir);
            }
            Tokenizers.Loaded tok = Tokenizers.load(tokenizer);
            Path remotes = dir.resolve("remotes");
            TestSuiteCompliance suite = new TestSuiteCompliance(tok.index(), tok.tokenizer()::encode,
                    Files.isDirectory(remotes) ? remotes : null);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("tokenizer", tok.name());
            StringBuilder md = new StringBuilder("# JSON-Schema-Test-Suite compliance (" + tok.name() + ")\n\n");
            List<String> failureLines = new ArrayList<>();
            String[][] drafts = {{"draft2020-12", "DRAFT_2020_12"}, {"draft7", "DRAFT_7"}};
            try (Reports.Bar bar = new Reports.Bar()) {
                for (String[] d : drafts) {
                    Path draftDir = tests.resolve(d[0]);
                    if (!Files.isDirectory(draftDir)) {
                        throw new IllegalArgumentException("missing " + draftDir);
                    }
                    long files;
                    try (var s = Files.list(draftDir)) {
                        files = s.filter(p -> p.toString().endsWith(".json")).count();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    int[] done = {0};
                    TestSuiteCompliance.Counts c = suite.run(draftDir, Draft.valueOf(d[1]),
                            category -> bar.update(d[0], done[0]++, files));
                    bar.update(d[0], files, files);
                    f.put(d[0], c.figures());
                    md.append("## ").append(d[0]).append("\n\n").append(Reports.table(d[0] + " summary", c.figures())
                            .replaceFirst("^# ", "### ")).append("\n| category | cases passed | cases |\n| --- | ---: | ---: |\n");
                    c.byCategory.forEach((k, v) -> md.append("| ").append(k).append(v[0] == v[1] ? "" : " ✗")
                            .append(" | ").append(v[0]).append(" | ").append(v[1]).append(" |\n"));
                    md.append("\n### Failures\n\n");
                    for (String line : c.failures) {
                        md.append("- ").append(line.replace("\n", " ")).append('\n');
                        failureLines.add(d[0] + "/" + line);
                    }
                    md.append('\n');
                }
            }
            f.put("machine", Machine.describe());
            Path report = Reports.writeMarkdown("compliance-test-suite-" + safe(tok.name()) + ".md", md.toString());
            if (failures) {
                failureLines.forEach(System.out::println);
            }
            if (!json) {
                f.forEach((k, v) -> System.out.printf("%-14s %s%n", k, v));
                System.out.println("report: " + report);
            }
            System.out.println(Reports.json(f));
        }
    }

    @Command(name = "jsonschemabench", mixinStandardHelpOptions = true,
            description = "Compile every JSONSchemaBench schema (strict; 10 s cap each), feed each valid instance (must be accepted) and each invalid one (must be blocked) token by token, and time every mask (MaskBench method).")
    static final class Bench implements Runnable {
        @Parameters(index = "0", description = "The JSONSchemaBench folder (one sub-folder per subset).")
        Path dir;

        @Option(names = "--tokenizer", required = true, description = "Hugging Face tokenizer.json.")
        Path tokenizer;

        @Option(names = "--subsets", split = ",", description = "Only these subsets (comma-separated). Default: all.")
        List<String> subsets = new ArrayList<>();

        @Option(names = "--limit", defaultValue = "1000000", description = "Schema files per subset. Default: all.")
        int limit;

        @Option(names = "--cap-ms", defaultValue = "10000", description = "Compile cap per schema in ms; longer counts as a failure. Default: ${DEFAULT-VALUE}.")
        long capMs;

        @Option(names = "--whitespace", defaultValue = "flexible", description = "compact, flexible or any. Default: ${DEFAULT-VALUE}.")
        String whitespace;

        @Option(names = "--property-order", defaultValue = "schema", description = "schema or any (any order allows at most 8 named properties per object). Default: ${DEFAULT-VALUE}.")
        String propertyOrder;

        @Option(names = "--format-annotation", description = "Treat format as an annotation (default: asserted; formats without an exact grammar are compile errors).")
        boolean formatAnnotation;

        @Option(names = "--top", defaultValue = "20", description = "Compile-failure reasons in the Markdown report. Default: ${DEFAULT-VALUE}.")
        int top;

        @Option(names = "--precompute", defaultValue = "0", description = "Lexer states to classify as part of compiling each "
                + "schema, as the Java API does (timed as compiling). Default: ${DEFAULT-VALUE} (MaskBench's method: "
                + "compile time is the time to the first mask).")
        int precompute;

        @Option(names = "--precompute-ms", defaultValue = "0", description = "Time budget of --precompute per schema, in ms "
                + "(the states nearest each lexeme's start first). Default: ${DEFAULT-VALUE} (no limit).")
        long precomputeMs;

        @Option(names = "--warmup", description = "A JSON-Schema-Test-Suite folder whose draft 2020-12 tests are run once, "
                + "untimed, before the timed pass, so that the JIT has compiled the hot paths (as a benchmark harness "
                + "warms up); the lexer-state classifications it shared are cleared before timing. Default: the "
                + "json-schema-test-suite folder beside DIR when there is one; 'none' times a cold JVM.")
        String warmup;

        @Option(names = "--json", description = "Print only the JSON summary on stdout.")
        boolean json;

        /** The suite named by --warmup, the one beside the bench folder by default, or null for none. */
        private Path warmupSuite() {
            if ("none".equals(warmup)) {
                return null;
            }
            Path suite = warmup != null ? Path.of(warmup)
                    : dir.toAbsolutePath().normalize().resolveSibling("json-schema-test-suite");
            if (Files.isDirectory(suite.resolve("tests").resolve("draft2020-12"))) {
                return suite;
            }
            if (warmup != null) {
                throw new IllegalArgumentException("--warmup: no tests/draft2020-12 in " + suite);
            }
            return null;
        }

        @Override
        public void run() {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("not a folder: " + dir);
            }
            Tokenizers.Loaded tok = Tokenizers.load(tokenizer);
            Path warm = warmupSuite();
            if (warm != null) {
                Path remotes = warm.resolve("remotes");
                new TestSuiteCompliance(tok.index(), tok.tokenizer()::encode, Files.isDirectory(remotes) ? remotes : null)
                        .run(warm.resolve("tests").resolve("draft2020-12"), Draft.DRAFT_2020_12, category -> { });
                tok.index().clearSharedClasses(); // what is timed classifies its own lexer states
            }
            Whitespace ws = switch (whitespace) {
                case "compact" -> Whitespace.compact();
                case "flexible" -> Whitespace.flexible();
                case "any" -> Whitespace.any();
                default -> throw new IllegalArgumentException("--whitespace must be compact, flexible or any");
            };
            PropertyOrder order = switch (propertyOrder) {
                case "schema" -> PropertyOrder.SCHEMA;
                case "any" -> PropertyOrder.ANY;
                default -> throw new IllegalArgumentException("--property-order must be schema or any");
            };
            SchemaOptions options = SchemaOptions.defaults().withWhitespace(ws).withPropertyOrder(order)
                    .withFormatAssertion(!formatAnnotation).withLenient(false);
            JsonSchemaBenchReport.Result r;
            try (Reports.Bar bar = new Reports.Bar()) {
                r = new JsonSchemaBenchReport(tok.index(), tok.tokenizer()::encode, options, capMs)
                        .withPrecompute(precompute, precomputeMs).run(dir, subsets, limit, bar);
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("tokenizer", tok.name());
            f.putAll(r.total.figures());
            Map<String, Object> per = new LinkedHashMap<>();
            r.subsets.forEach((k, v) -> per.put(k, v.figures()));
            f.put("subsets", per);
            f.put("settings", "whitespace " + whitespace + ", property order " + propertyOrder + ", format "
                    + (formatAnnotation ? "annotation" : "asserted") + ", strict, cap " + capMs + " ms"
                    + (precompute > 0 ? ", up to " + precompute + " lexer states precomputed"
                            + (precomputeMs > 0 ? " within " + precomputeMs + " ms" : "") : "")
                    + (warm == null ? ", cold JVM" : ", JIT warmed on the JSON-Schema-Test-Suite (untimed)"));
            f.put("machine", Machine.describe());
            Path report = Reports.writeMarkdown("compliance-jsonschemabench-" + safe(tok.name()) + ".md",
                    r.markdown("JSONSchemaBench coverage (" + tok.name() + "; " + f.get("settings") + "; "
                            + f.get("machine") + ")", top));
            if (!json) {
                r.total.figures().forEach((k, v) -> System.out.printf("%-18s %s%n", k, v));
                System.out.println("mask/accept disagreements: " + r.total.maskAcceptDisagreements());
                System.out.println("report: " + report);
            }
            System.out.println(Reports.json(f));
        }
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
