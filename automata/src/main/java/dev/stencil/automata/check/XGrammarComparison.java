package dev.stencil.automata.check;

import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.Matcher;
import dev.stencil.automata.StencilException;
import dev.stencil.automata.bench.Progress;
import dev.stencil.automata.mask.VocabularyIndex;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The second mask oracle: every bit of XGrammar's per-step masks (dumped by
 * {@code scripts/xgrammar-compact-masks.mjs} for its built-in JSON grammar without whitespace)
 * against ours for compact JSON with an object or array at the root, on the same token
 * sequences. Each differing token is explained by a known difference of semantics, or listed
 * as unexplained:
 *
 * <ul>
 *   <li>{@link #CAUSE_SPECIAL}: XGrammar lets special tokens that have text (such as
 *       {@code <|begin_of_text|>}) appear inside strings; Stencil never emits special tokens as
 *       grammar text.</li>
 *   <li>{@link #CAUSE_INVALID_UTF8}: XGrammar allows tokens holding bytes that never occur in
 *       UTF-8 (C0, C1, F5–FF) inside strings; Stencil's lexemes accept well-formed UTF-8 only.</li>
 * </ul>
 */
public final class XGrammarComparison {
    public static final String CAUSE_SPECIAL = "special token as string text (XGrammar allows, Stencil never emits special tokens as text)";
    public static final String CAUSE_INVALID_UTF8 = "byte that never occurs in UTF-8 (XGrammar allows inside strings, Stencil requires well-formed UTF-8)";
    public static final String CAUSE_UNEXPLAINED = "unexplained";

    /** One differing token at one step. */
    public record Disagreement(int doc, int step, int token, boolean stencilAllows, boolean xgrammarAllows, String cause) {
    }

    /** Totals; {@code byCause} counts (step, token) pairs. */
    public record Result(int docs, int steps, int identicalSteps, Map<String, Long> byCause,
                         List<Disagreement> unexplained, int stencilRejected) {
    }

    private XGrammarComparison() {
    }

    /**
     * Compares {@code prefix.steps.tsv} / {@code prefix.masks.gz} with masks of {@code cg}.
     * The token sequences are XGrammar's (the TSV's token column), fed to both engines.
     */
    public static Result run(CompiledGrammar cg, Path prefix, int maxUnexplained, Progress progress) {
        VocabularyIndex vocab = cg.vocabulary();
        Path tsv = Path.of(prefix + ".steps.tsv");
        Path masks = Path.of(prefix + ".masks.gz");
        Map<String, Long> byCause = new LinkedHashMap<>();
        byCause.put(CAUSE_SPECIAL, 0L);
        byCause.put(CAUSE_INVALID_UTF8, 0L);
        byCause.put(CAUSE_UNEXPLAINED, 0L);
        List<Disagreement> unexplained = new ArrayList<>();
        int docCount = countDocs(tsv);
        try (BufferedReader steps = Files.newBufferedReader(tsv, StandardCharsets.UTF_8);
             DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(masks), 1 << 16))) {
            String header = steps.readLine();
            if (header == null || !header.startsWith("# vocab=")) {
                throw new StencilException(tsv + ": expected a '# vocab=N words=W stop=S' first line");
            }
            Map<String, Integer> meta = new LinkedHashMap<>();
            for (String kv : header.substring(2).split(" ")) {
                String[] p = kv.split("=");
                meta.put(p[0], Integer.parseInt(p[1]));
            }
            int words = meta.get("words");
            if (meta.get("vocab") != vocab.size()) {
                throw new StencilException(tsv + ": vocabulary of " + meta.get("vocab") + " tokens, but the tokenizer has " + vocab.size());
            }
            steps.readLine(); // column names
            byte[] raw = new byte[words * 4];
            long[] ours = new long[vocab.maskWords()];
            int docs = 0;
            int total = 0;
            int identical = 0;
            int rejected = 0;
            int currentDoc = -1;
            Matcher m = null;
            boolean alive = false;
            String line;
            while ((line = steps.readLine()) != null) {
                String[] f = line.split("\t");
                int doc = Integer.parseInt(f[0]);
                int step = Integer.parseInt(f[1]);
                int token = Integer.parseInt(f[2]);
                in.readFully(raw);
                if (doc != currentDoc) {
                    currentDoc = doc;
                    docs++;
                    m = cg.newMatcher();
                    alive = true;
                    progress.update("documents", docs, docCount);
                }
                if (!alive) {
                    continue;
                }
                total++;
                m.fillNextTokenMask(ours);
                boolean same = true;
                for (int id = 0; id < vocab.size(); id++) {
                    int xw = (raw[(id >>> 5) * 4] & 0xff) | (raw[(id >>> 5) * 4 + 1] & 0xff) << 8
                            | (raw[(id >>> 5) * 4 + 2] & 0xff) << 16 | (raw[(id >>> 5) * 4 + 3] & 0xff) << 24;
                    boolean x = ((xw >>> (id & 31)) & 1) != 0;
                    boolean s = (ours[id >>> 6] & (1L << id)) != 0;
                    if (x != s) {
                        same = false;
                        String cause = cause(vocab, id, s, x);
                        byCause.merge(cause, 1L, Long::sum);
                        if (cause.equals(CAUSE_UNEXPLAINED) && unexplained.size() < maxUnexplained) {
                            unexplained.add(new Disagreement(doc, step, id, s, x, cause));
                        }
                    }
                }
                if (same) {
                    identical++;
                }
                if (!m.accept(token)) {
                    rejected++;
                    alive = false;
                }
            }
            return new Result(docs, total, identical, byCause, unexplained, rejected);
        } catch (IOException e) {
            throw new StencilException("cannot read XGrammar masks " + prefix + ".{steps.tsv,masks.gz}: " + e.getMessage(), e);
        }
    }

    private static int countDocs(Path tsv) {
        try (java.util.stream.Stream<String> lines = Files.lines(tsv, StandardCharsets.UTF_8)) {
            return (int) lines.skip(2).map(l -> l.substring(0, l.indexOf('\t'))).distinct().count();
        } catch (IOException | RuntimeException e) {
            throw new StencilException("cannot read " + tsv + ": " + e.getMessage(), e);
        }
    }

    private static String cause(VocabularyIndex vocab, int id, boolean stencil, boolean xgrammar) {
        if (xgrammar && !stencil) {
            if (vocab.vocabulary().isSpecial(id) && id != vocab.eosTokenId()) {
                return CAUSE_SPECIAL;
            }
            for (byte b : vocab.tokenBytes(id)) {
                int v = b & 0xff;
                if (v == 0xC0 || v == 0xC1 || v >= 0xF5) {
                    return CAUSE_INVALID_UTF8;
                }
            }
        }
        return CAUSE_UNEXPLAINED;
    }
}
