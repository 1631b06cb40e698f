package dev.stencil.grammars.corpus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The layout of a grammar corpus folder: either ANTLR grammars, one per sub-folder with their
 * {@code .g4} files and an {@code examples/} folder (an input with a companion {@code .errors}
 * file is expected to fail), or GBNF grammars, {@code *.gbnf} files with
 * {@code examples/<grammar>.valid.N.txt} / {@code .invalid.N.txt} inputs.
 */
public final class GrammarCorpus {

    /** One grammar of the corpus with its example inputs. */
    public record Entry(String name, boolean gbnf, List<Path> grammarFiles, String startRule, List<Example> examples) {
    }

    /** An input file and whether the corpus says it must be rejected. */
    public record Example(Path file, boolean expectFail) {
    }

    private GrammarCorpus() {
    }

    /**
     * Lists the grammars of {@code dir}. ANTLR start rules come from a Markdown table with
     * {@code folder} and {@code start rule} columns in {@code README.md} of the folder or its
     * parent; {@code startOverrides} (grammar name to rule) wins over the table.
     */
    public static List<Entry> load(Path dir, Map<String, String> startOverrides) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("corpus folder not found: " + dir);
        }
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> gbnf = files.filter(p -> p.toString().endsWith(".gbnf")).sorted().toList();
            for (Path g : gbnf) {
                String name = g.getFileName().toString().replaceFirst("\\.gbnf$", "");
                List<Example> examples = new ArrayList<>();
                Path exDir = dir.resolve("examples");
                if (Files.isDirectory(exDir)) {
                    try (Stream<Path> ex = Files.list(exDir)) {
                        for (Path e : ex.sorted().toList()) {
                            String f = e.getFileName().toString();
                            if (f.startsWith(name + ".valid.") || f.startsWith(name + ".invalid.")) {
                                examples.add(new Example(e, f.startsWith(name + ".invalid.")));
                            }
                        }
                    }
                }
                out.add(new Entry(name, true, List.of(g), "root", examples));
            }
            if (!gbnf.isEmpty()) {
                return out;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> starts = new LinkedHashMap<>(startRules(dir.resolve("README.md")));
        if (starts.isEmpty() && dir.toAbsolutePath().getParent() != null) {
            starts.putAll(startRules(dir.toAbsolutePath().getParent().resolve("README.md")));
        }
        starts.putAll(startOverrides);
        try (Stream<Path> sub = Files.list(dir)) {
            for (Path g : sub.filter(Files::isDirectory).sorted().toList()) {
                List<Path> g4;
                try (Stream<Path> fs = Files.list(g)) {
                    g4 = fs.filter(p -> p.toString().endsWith(".g4")).sorted().toList();
                }
                if (g4.isEmpty()) {
                    continue;
                }
                String name = g.getFileName().toString();
                List<Example> examples = new ArrayList<>();
                Path exDir = g.resolve("examples");
                if (Files.isDirectory(exDir)) {
                    // upstream keeps some inputs in subfolders (abnf/examples/apg-java, dot/examples/java)
                    try (Stream<Path> ex = Files.walk(exDir)) {
                        for (Path e : ex.filter(Files::isRegularFile).sorted().toList()) {
                            String f = e.getFileName().toString();
                            if (f.endsWith(".errors") || f.endsWith(".tree")) {
                                continue;
                            }
                            examples.add(new Example(e, Files.exists(e.resolveSibling(f + ".errors"))));
                        }
                    }
                }
                out.add(new Entry(name, false, g4, starts.get(name), examples));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    /** Reads {@code folder -> start rule} from the first Markdown table that has both columns. */
    static Map<String, String> startRules(Path readme) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(readme)) {
            return out;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(readme);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int folderCol = -1;
        int startCol = -1;
        for (String line : lines) {
            if (!line.trim().startsWith("|")) {
                folderCol = -1;
                startCol = -1;
                continue;
            }
            String[] cells = line.trim().split("\\|", -1);
            if (folderCol < 0) {
                for (int i = 0; i < cells.length; i++) {
                    String c = cells[i].trim().toLowerCase();
                    if (c.equals("folder")) {
                        folderCol = i;
                    } else if (c.equals("start rule")) {
                        startCol = i;
                    }
                }
                if (startCol < 0) {
                    folderCol = -1;
                }
                continue;
            }
            if (cells.length <= Math.max(folderCol, startCol) || cells[folderCol].trim().startsWith("---")) {
                continue;
            }
            Matcher f = CODE.matcher(cells[folderCol]);
            Matcher s = CODE.matcher(cells[startCol]);
            if (f.find() && s.find()) {
                out.putIfAbsent(f.group(1), s.group(1));
            }
        }
        return out;
    }
}
