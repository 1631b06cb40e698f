package dev.stencil.grammars.corpus;

import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.Matcher;
import dev.stencil.automata.bench.Percentiles;
import dev.stencil.automata.bench.Progress;
import dev.stencil.automata.mask.VocabularyIndex;
import dev.stencil.automata.vocab.BpeTokenizer;
import dev.stencil.grammars.GbnfGrammarReader;
import dev.stencil.grammars.antlr.AntlrGrammar;
import dev.stencil.grammars.antlr.AntlrGrammarReader;
import dev.stencil.grammars.antlr.AntlrOracle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The grammar test-corpus runner behind {@code ./stencil corpus grammars}: compiles every grammar
 * of a {@link GrammarCorpus}, feeds every example token by token with a real tokenizer, and
 * compares the verdicts with ANTLR's interpreter ({@link AntlrOracle}) on the examples and on
 * seeded {@link Mutants}. For GBNF corpora the oracle is the example's file name.
 */
public final class CorpusRunner {
    private final BpeTokenizer tokenizer;
    private final VocabularyIndex vocab;
    private final int mutantsPerGrammar;
    private final long seed;
    private final int maxMutantBaseBytes;
    private long timeCapMillis = 120_000;
    private java.io.PrintStream log = System.err;

    /** One grammar's figures. */
    public record Row(String grammar, boolean compiled, String error, int warnings, double compileMs, int examples,
                      int examplesAccepted, int examplesAsExpected, int examplesAgree, int mutants, int mutantsAgree,
                      int bothRejectSamePosition, int bothReject, List<String> disagreements, boolean timedOut,
                      double maskMicrosP50, double maskMicrosP99) {
    }

    /** All rows, the per-mask times over the examples (µs) and the compile times (ms). */
    public record Report(List<Row> rows, double[] maskMicros, double[] compileMillis) {
        /** The JSON summary fields named by the issue, in order. */
        public Map<String, Object> summary() {
            Map<String, Object> m = new LinkedHashMap<>();
            int examples = 0;
            int accepted = 0;
            int mutants = 0;
            int agree = 0;
            int compared = 0;
            int disagreements = 0;
            for (Row r : rows) {
                examples += r.examples();
                accepted += r.examplesAccepted();
                mutants += r.mutants();
                agree += r.examplesAgree() + r.mutantsAgree();
                compared += r.examples() + r.mutants();
                disagreements += r.examples() + r.mutants() - r.examplesAgree() - r.mutantsAgree();
            }
            Percentiles mask = new Percentiles(maskMicros);
            Percentiles compile = new Percentiles(compileMillis);
            m.put("grammars", rows.size());
            m.put("compiled", rows.stream().filter(Row::compiled).count());
            m.put("timed_out", rows.stream().filter(Row::timedOut).count());
            m.put("examples", examples);
            m.put("examples_accepted", accepted);
            m.put("mutants", mutants);
            m.put("agreement", compared == 0 ? 1.0 : round((double) agree / compared, 5));
            m.put("disagreements", disagreements);
            m.put("compile_ms_p50", round(compile.p(50), 2));
            m.put("compile_ms_max", round(compile.max(), 2));
            m.put("mask_us_p50", round(mask.p(50), 2));
            m.put("mask_us_p99", round(mask.p(99), 2));
            return m;
        }

        private static double round(double v, int digits) {
            if (Double.isNaN(v)) {
                return v;
            }
            double f = Math.pow(10, digits);
            return Math.round(v * f) / f;
        }
    }

    /**
     * @param mutantsPerGrammar mutated inputs per ANTLR grammar (0 to skip)
     * @param maxMutantBaseBytes only examples up to this size seed mutants (keeps the run short)
     */
    public CorpusRunner(BpeTokenizer tokenizer, VocabularyIndex vocab, int mutantsPerGrammar, long seed, int maxMutantBaseBytes) {
        this.tokenizer = tokenizer;
        this.vocab = vocab;
        this.mutantsPerGrammar = mutantsPerGrammar;
        this.seed = seed;
        this.maxMutantBaseBytes = maxMutantBaseBytes;
    }

    /**
     * Caps the time spent on one grammar (compile, examples, mutants and ANTLR's oracle together).
     * Past it the grammar's row is marked timed out with what was counted so far; 0 disables the cap.
     */
    public CorpusRunner timeCap(java.time.Duration cap) {
        this.timeCapMillis = cap.toMillis();
        return this;
    }

    /** Where the one-line-per-grammar progress goes (stderr by default; null for none). */
    public CorpusRunner log(java.io.PrintStream log) {
        this.log = log;
        return this;
    }

    /** Runs every entry; a grammar that fails to compile is a row with its error, not an exception. */
    public Report run(List<GrammarCorpus.Entry> entries, Progress progress) {
        List<Row> rows = new ArrayList<>();
        List<Double> masks = new ArrayList<>();
        List<Double> compiles = new ArrayList<>();
        int done = 0;
        for (GrammarCorpus.Entry e : entries) {
            progress.update("grammars", done, entries.size());
            long t0 = System.nanoTime();
            Row row = runCapped(e, masks, compiles);
            rows.add(row);
            progress.update("grammars", ++done, entries.size());
            if (log != null) {
                log.printf("[%d/%d] %s: %s, examples %d/%d as oracle, mutants %d/%d as ANTLR%s, %.1f s%n", done, entries.size(),
                        e.name(), row.compiled() ? String.format("compiled in %.0f ms", row.compileMs()) : "NOT compiled",
                        row.examplesAgree(), row.examples(), row.mutantsAgree(), row.mutants(),
                        row.timedOut() ? ", TIMED OUT" : "", (System.nanoTime() - t0) / 1e9);
                log.flush();
            }
        }
        return new Report(rows, masks.stream().mapToDouble(Double::doubleValue).toArray(),
                compiles.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * Runs one grammar on a worker thread. The loops check the deadline between inputs, which ends
     * most runs cleanly; one ANTLR interpretation or one compile can still run for minutes on its own
     * (adaptive prediction is exponential in the worst case), so past a short grace period the worker
     * is abandoned and stopped, and the row keeps what was counted.
     */
    private Row runCapped(GrammarCorpus.Entry e, List<Double> masks, List<Double> compiles) {
        Acc acc = new Acc(e, timeCapMillis <= 0 ? Long.MAX_VALUE : System.nanoTime() + timeCapMillis * 1_000_000L);
        List<Double> myMasks = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread worker = new Thread(() -> runOne(e, acc, myMasks), "corpus-" + e.name());
        worker.setDaemon(true);
        worker.start();
        try {
            worker.join(timeCapMillis <= 0 ? 0 : timeCapMillis + 5_000);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            acc.timedOut = true;
            worker.interrupt();
            stop(worker);
        }
        synchronized (acc) {
            Percentiles mine;
            synchronized (myMasks) {
                masks.addAll(myMasks);
                mine = new Percentiles(myMasks.stream().mapToDouble(Double::doubleValue).toArray());
            }
            if (acc.compiled) {
                compiles.add(acc.compileMs);
            }
            // per grammar too: the pooled figures are mostly html's hundreds of thousands of cheap masks
            return acc.row(mine.p(50), mine.p(99));
        }
    }

    @SuppressWarnings({"deprecation", "removal"})
    private static void stop(Thread t) {
        try {
            // a runaway ANTLR interpretation ignores interrupts; on 2 cores it would skew every later timing
            t.stop();
            t.join(2_000);
        } catch (UnsupportedOperationException | InterruptedException ignored) {
            // newer JDKs refuse: the daemon thread is left to finish on its own
        }
    }

    /** One grammar's counts, filled by the worker and read (as they stand) when it ends or times out. */
    private static final class Acc {
        final GrammarCorpus.Entry e;
        final long deadline;
        volatile boolean timedOut;
        boolean compiled;
        String error;
        int warnings;
        double compileMs;
        int examplesChecked;
        int accepted;
        int asExpected;
        int agree;
        int mutants;
        int mutantsAgree;
        int bothReject;
        int samePosition;
        final List<String> disagreements = new ArrayList<>();

        Acc(GrammarCorpus.Entry e, long deadline) {
            this.e = e;
            this.deadline = deadline;
        }

        boolean expired() {
            if (System.nanoTime() > deadline) {
                timedOut = true;
            }
            return timedOut;
        }

        Row row(double maskP50, double maskP99) {
            String err = error;
            if (timedOut && !compiled && err == null) {
                err = "timed out while compiling";
            }
            // a timed-out grammar counts only the inputs it finished, so the agreement stays a fraction of compared inputs
            return new Row(e.name(), compiled, err, warnings, compileMs, timedOut ? examplesChecked : e.examples().size(), accepted, asExpected, agree,
                    mutants, mutantsAgree, samePosition, bothReject, List.copyOf(disagreements), timedOut, maskP50, maskP99);
        }
    }

    private void runOne(GrammarCorpus.Entry e, Acc acc, List<Double> masks) {
        CompiledGrammar cg;
        AntlrOracle oracle = null;
        long t0 = System.nanoTime();
        try {
            if (e.gbnf()) {
                cg = CompiledGrammar.compile(GbnfGrammarReader.read(e.grammarFiles().get(0)), vocab, false);
            } else {
                AntlrGrammar ag = AntlrGrammarReader.read(e.grammarFiles(), e.startRule(), false);
                synchronized (acc) {
                    acc.warnings = ag.warnings().size();
                }
                cg = CompiledGrammar.compile(ag.grammar(), vocab, ag.lexAllLexemes());
                oracle = new AntlrOracle(ag);
            }
        } catch (RuntimeException ex) {
            if (Boolean.getBoolean("stencil.debug")) {
                ex.printStackTrace();
            }
            synchronized (acc) {
                acc.error = ex.getMessage() != null ? ex.getMessage() : ex.toString();
            }
            return;
        }
        synchronized (acc) {
            acc.compiled = true;
            acc.compileMs = (System.nanoTime() - t0) / 1e6;
        }
        // Our side on every example first (the masks are the decoder's cost and need no oracle),
        // then the mutants, then ANTLR's verdicts on the examples: ANTLR's LL prediction is
        // quadratic on some large examples (html: one page takes it a minute on its own), and the
        // time cap should cut those comparisons, not the mutants or the mask figures.
        List<String> texts = new ArrayList<>();
        List<TokenFeed.Result> fed = new ArrayList<>();
        List<String> bases = new ArrayList<>();
        for (GrammarCorpus.Example ex : e.examples()) {
            if (acc.expired()) {
                return;
            }
            String text = read(ex);
            TokenFeed.Result r = TokenFeed.feed(cg, tokenizer, text);
            for (long ns : r.maskNanos()) {
                masks.add(ns / 1000.0);
            }
            texts.add(text);
            fed.add(r);
            if (oracle != null && text.getBytes(StandardCharsets.UTF_8).length <= maxMutantBaseBytes) {
                bases.add(text);
            }
        }
        if (oracle != null) {
            runMutants(e, cg, oracle, bases, acc);
        }
        for (int i = 0; i < texts.size(); i++) {
            if (acc.expired()) {
                return;
            }
            GrammarCorpus.Example ex = e.examples().get(i);
            TokenFeed.Result r = fed.get(i);
            boolean oracleOk = oracle != null ? oracle.check(texts.get(i)).ok() : !ex.expectFail();
            synchronized (acc) {
                acc.examplesChecked++;
                if (r.accepted()) {
                    acc.accepted++;
                }
                if (r.accepted() != ex.expectFail()) {
                    acc.asExpected++;
                }
                if (oracleOk == r.accepted()) {
                    acc.agree++;
                } else {
                    acc.disagreements.add(ex.file().getFileName() + ": ours " + verdict(r.accepted()) + ", oracle " + verdict(oracleOk)
                            + (r.accepted() ? "" : " (blocked at byte " + r.blockedByte() + ")"));
                }
            }
        }
    }

    private void runMutants(GrammarCorpus.Entry e, CompiledGrammar cg, AntlrOracle oracle, List<String> bases, Acc acc) {
        for (String m : Mutants.of(bases, bases.isEmpty() ? 0 : mutantsPerGrammar, seed ^ e.name().hashCode())) {
            if (acc.expired()) {
                return;
            }
            AntlrOracle.Verdict v = oracle.check(m);
            int ours = firstRejectedByte(cg, m);
            boolean oursOk = ours < 0;
            synchronized (acc) {
                acc.mutants++;
                if (oursOk == v.ok()) {
                    acc.mutantsAgree++;
                    if (!oursOk) {
                        acc.bothReject++;
                        if (ours == v.errorByte()) {
                            acc.samePosition++;
                        }
                    }
                } else if (acc.disagreements.size() < 20) {
                    acc.disagreements.add("mutant " + json(m.length() > 120 ? m.substring(0, 120) + "..." : m) + ": ours "
                            + verdict(oursOk) + (oursOk ? "" : " at byte " + ours) + ", oracle " + verdict(v.ok())
                            + (v.ok() ? "" : " (" + v.message() + ")"));
                }
            }
        }
    }

    /** The first byte no continuation allows, fed byte by byte; the length if the input may not end there; -1 if accepted. */
    static int firstRejectedByte(CompiledGrammar cg, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        Matcher m = cg.newMatcher();
        byte[] one = new byte[1];
        for (int i = 0; i < b.length; i++) {
            one[0] = b[i];
            if (!m.acceptBytes(one)) {
                return i;
            }
        }
        return m.isAccepting() ? -1 : b.length;
    }

    private static String verdict(boolean ok) {
        return ok ? "accepts" : "rejects";
    }

    private static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "\"";
    }

    private static String read(GrammarCorpus.Example ex) {
        try {
            return Files.readString(ex.file(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read example " + ex.file(), e);
        }
    }

    /** The per-grammar table in Markdown. */
    public static String markdown(Report report, String title) {
        StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n");
        sb.append("| grammar | compiled | warnings | compile ms | examples | accepted | as ANTLR | mutants | mutants as ANTLR | "
                + "same first rejected byte | mask µs p50 / p99 |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Row r : report.rows()) {
            sb.append("| ").append(r.grammar()).append(" | ").append(r.compiled() ? (r.timedOut() ? "yes, **timed out**" : "yes") : "**no**").append(" | ")
                    .append(r.warnings()).append(" | ").append(r.compiled() ? String.format("%.1f", r.compileMs()) : "-")
                    .append(" | ").append(r.examples()).append(" | ").append(r.examplesAccepted()).append(" | ")
                    .append(r.examplesAgree()).append(" | ").append(r.mutants()).append(" | ").append(r.mutantsAgree())
                    .append(" | ").append(r.bothReject() == 0 ? "-" : r.bothRejectSamePosition() + "/" + r.bothReject())
                    .append(" | ").append(Double.isNaN(r.maskMicrosP50()) ? "-"
                            : String.format("%.1f / %.1f", r.maskMicrosP50(), r.maskMicrosP99()))
                    .append(" |\n");
        }
        sb.append("\n## Errors and disagreements\n\n");
        for (Row r : report.rows()) {
            if (r.timedOut()) {
                sb.append("- **").append(r.grammar()).append("** timed out; its counts are those reached before the cap\n");
            }
            if (!r.compiled()) {
                sb.append("- **").append(r.grammar()).append("** does not compile: ").append(r.error().replace("\n", " ")).append('\n');
            }
            for (String d : r.disagreements()) {
                sb.append("- ").append(r.grammar()).append(": ").append(d.replace("|", "\\|")).append('\n');
            }
        }
        sb.append("\n## Summary\n\n```json\n").append(report.summary()).append("\n```\n");
        return sb.toString();
    }
}
