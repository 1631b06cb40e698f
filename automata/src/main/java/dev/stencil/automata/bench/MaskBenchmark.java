package dev.stencil.automata.bench;

import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.Matcher;
import dev.stencil.automata.ir.Grammar;
import dev.stencil.automata.mask.VocabularyIndex;
import dev.stencil.automata.vocab.BpeTokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./stencil bench masks}: feeds documents token by token through a compiled grammar and
 * times every mask, the way the XGrammar peer harness does (a document of n tokens is n + 1
 * steps; the last step feeds the stop token).
 *
 * <p>Every timed run compiles the grammar afresh, so runtime caches start cold in each run and
 * the figures include their misses; one untimed warm-up run on another compiled instance lets
 * the JIT compile the code first. A step's time is the median over the timed runs.
 */
public final class MaskBenchmark {

    /** Benchmark settings. */
    public record Options(int runs, int precomputeStates) {
        public Options {
            if (runs < 1) {
                throw new IllegalArgumentException("runs must be >= 1");
            }
        }
    }

    /** Every figure of one benchmark, in the order the CLI prints them. */
    public record Result(Map<String, Object> figures) {
    }

    private MaskBenchmark() {
    }

    public static Result run(String tokenizerName, BpeTokenizer tokenizer, VocabularyIndex vocab,
                             Grammar grammar, List<JsonDocuments.Doc> docs, Options options, Progress progress) {
        // Tokenize once; skip documents whose tokenization does not round-trip (none expected).
        List<int[]> tokenized = new ArrayList<>();
        int skipped = 0;
        for (JsonDocuments.Doc d : docs) {
            int[] ids = tokenizer.encode(d.text());
            // SentencePiece tokenizers (Llama-2) encode a leading space into the first token
            String expected = vocab.vocabulary().stripsLeadingSpace() ? " " + d.text() : d.text();
            if (!Arrays.equals(tokenizer.decode(ids), expected.getBytes(StandardCharsets.UTF_8))) {
                skipped++;
                continue;
            }
            tokenized.add(ids);
        }
        int steps = 0;
        int tokens = 0;
        for (int[] ids : tokenized) {
            steps += ids.length + 1;
            tokens += ids.length;
        }
        int eos = vocab.eosTokenId();

        // Warm-up: same code path, another compiled instance, untimed.
        CompiledGrammar warm = CompiledGrammar.compile(grammar, vocab);
        warm.precompute(options.precomputeStates());
        Pass check = feed(warm, tokenized, eos, null, progress, "warm-up");

        double[][] times = new double[options.runs()][];
        double[] precomputeMs = new double[options.runs()];
        double[] compileMs = new double[options.runs()];
        CompiledGrammar last = null;
        for (int r = 0; r < options.runs(); r++) {
            // cold for real: no lexer-state classification carried over from earlier compiles
            vocab.clearSharedClasses();
            long t0 = System.nanoTime();
            CompiledGrammar cg = CompiledGrammar.compile(grammar, vocab);
            long t1 = System.nanoTime();
            cg.precompute(options.precomputeStates());
            long t2 = System.nanoTime();
            compileMs[r] = (t1 - t0) / 1e6;
            precomputeMs[r] = (t2 - t1) / 1e6;
            times[r] = new double[steps];
            feed(cg, tokenized, eos, times[r], progress, "run " + (r + 1) + "/" + options.runs());
            last = cg;
        }
        double[] perStep = new double[steps];
        double[] acrossRuns = new double[options.runs()];
        for (int s = 0; s < steps; s++) {
            for (int r = 0; r < options.runs(); r++) {
                acrossRuns[r] = times[r][s];
            }
            perStep[s] = Percentiles.median(acrossRuns);
        }
        Percentiles pc = new Percentiles(perStep);
        System.gc();
        Runtime rt = Runtime.getRuntime();

        Map<String, Object> f = new LinkedHashMap<>();
        f.put("tokenizer", tokenizerName);
        f.put("vocab", vocab.size());
        f.put("grammar", grammar.name());
        f.put("docs", tokenized.size());
        f.put("docs_skipped", skipped);
        f.put("tokens", tokens);
        f.put("steps", steps);
        f.put("runs", options.runs());
        f.put("rejected", check.rejected);
        f.put("not_accepting_at_end", check.notAccepting);
        f.put("mask_accept_disagreements", check.disagreements);
        f.put("mask_us_p50", round(pc.p(50)));
        f.put("mask_us_p90", round(pc.p(90)));
        f.put("mask_us_p99", round(pc.p(99)));
        f.put("mask_us_max", round(pc.max()));
        f.put("mask_us_mean", round(pc.mean()));
        f.put("vocab_preprocess_ms", round(vocab.buildMillis()));
        f.put("compile_ms", round(Percentiles.median(compileMs)));
        f.put("precompute_ms", round(Percentiles.median(precomputeMs)));
        f.put("lexer_states", last.engine().lexer().stateCount());
        f.put("parser_states", last.engine().parser().nodeCount());
        f.put("grammar_heap_mb", round(last.heapBytes() / 1048576.0));
        f.put("vocab_heap_mb", round(vocab.heapBytes() / 1048576.0));
        f.put("heap_mb", round((rt.totalMemory() - rt.freeMemory()) / 1048576.0));
        return new Result(f);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static final class Pass {
        int rejected;
        int notAccepting;
        int disagreements;
    }

    private static Pass feed(CompiledGrammar cg, List<int[]> docs, int eos, double[] times,
                             Progress progress, String phase) {
        Pass pass = new Pass();
        long[] mask = new long[cg.vocabulary().maskWords()];
        int step = 0;
        for (int d = 0; d < docs.size(); d++) {
            int[] ids = docs.get(d);
            Matcher m = cg.newMatcher();
            boolean ok = true;
            for (int i = 0; i <= ids.length; i++) {
                int token = i < ids.length ? ids[i] : eos;
                long t0 = System.nanoTime();
                m.fillNextTokenMask(mask);
                long t1 = System.nanoTime();
                if (times != null) {
                    times[step] = (t1 - t0) / 1e3;
                }
                step++;
                if (!ok) {
                    continue;
                }
                boolean allowed = (mask[token >>> 6] & (1L << token)) != 0;
                boolean accepted = m.accept(token);
                if (allowed != accepted) {
                    pass.disagreements++;
                }
                if (!accepted) {
                    ok = false;
                    pass.rejected++;
                }
            }
            if (ok && !m.isTerminated()) {
                pass.notAccepting++;
            }
            progress.update(phase, d + 1, docs.size());
        }
        return pass;
    }
}
