package dev.stencil.automata.check;

import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.Matcher;
import dev.stencil.automata.bench.Progress;
import dev.stencil.automata.mask.VocabularyIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Brute-force oracle for masks ({@code ./stencil check masks} and the unit tests): for every
 * prefix of every given token sequence, the engine's mask must equal the set of tokens whose
 * bytes extend a viable prefix according to {@link ReferenceRecognizer}, which tries every token
 * of the vocabulary byte by byte with textbook Earley sets, no token trie and no caches. The stop
 * token must be allowed exactly where the reference says the input may end.
 */
public final class MaskCheck {

    /** One disagreement, described for a human. */
    public record Difference(int sequence, int position, int tokenId, boolean engineAllows, boolean referenceAllows,
                             String prefix, String token) {
    }

    /** Totals of a check. */
    public record Result(long states, long tokensCompared, long differences, List<Difference> examples) {
    }

    private MaskCheck() {
    }

    /**
     * Random token sequences that stay inside the grammar: at each step a uniformly random
     * allowed token (the stop token excluded), for a random length up to {@code maxLength}.
     * Uses the engine only to pick tokens; every state is still checked against the oracle.
     */
    public static List<int[]> randomWalks(CompiledGrammar cg, int count, int maxLength, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        VocabularyIndex vocab = cg.vocabulary();
        long[] mask = new long[vocab.maskWords()];
        int eos = vocab.eosTokenId();
        List<int[]> out = new ArrayList<>();
        for (int w = 0; w < count; w++) {
            Matcher m = cg.newMatcher();
            int len = 1 + rnd.nextInt(maxLength);
            int[] seq = new int[len];
            int n = 0;
            while (n < len) {
                m.fillNextTokenMask(mask);
                int allowed = 0;
                for (int i = 0; i < mask.length; i++) {
                    allowed += Long.bitCount(mask[i]);
                }
                if (eos >= 0 && (mask[eos >>> 6] & (1L << eos)) != 0) {
                    allowed--;
                }
                if (allowed <= 0) {
                    break;
                }
                int pick = rnd.nextInt(allowed);
                int chosen = -1;
                for (int id = 0; id < vocab.size(); id++) {
                    if (id != eos && (mask[id >>> 6] & (1L << id)) != 0 && pick-- == 0) {
                        chosen = id;
                        break;
                    }
                }
                if (!m.accept(chosen)) {
                    break; // the engine contradicts its own mask; the check below reports it
                }
                seq[n++] = chosen;
            }
            out.add(java.util.Arrays.copyOf(seq, n));
        }
        return out;
    }

    /**
     * Checks every prefix of every sequence (each sequence stops at its first token the
     * reference rejects), until {@code maxStates} states have been compared.
     */
    public static Result run(CompiledGrammar cg, boolean lexAllLexemes, List<int[]> sequences, long maxStates,
                             int threads, int maxExamples, Progress progress) {
        ReferenceRecognizer ref = new ReferenceRecognizer(cg.bnf(), lexAllLexemes);
        VocabularyIndex vocab = cg.vocabulary();
        AtomicLong states = new AtomicLong();
        AtomicLong compared = new AtomicLong();
        AtomicLong diffs = new AtomicLong();
        AtomicInteger nextSeq = new AtomicInteger();
        List<Difference> examples = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < Math.max(1, threads); t++) {
                futures.add(pool.submit(() -> {
                    long[] mask = new long[vocab.maskWords()];
                    int s;
                    while ((s = nextSeq.getAndIncrement()) < sequences.size() && states.get() < maxStates) {
                        int[] seq = sequences.get(s);
                        Matcher m = cg.newMatcher();
                        ReferenceRecognizer.Cursor c = ref.start();
                        for (int pos = 0; pos <= seq.length && states.get() < maxStates; pos++) {
                            m.fillNextTokenMask(mask);
                            long d = compare(vocab, mask, c, s, pos, seq, examples, maxExamples);
                            diffs.addAndGet(d);
                            compared.addAndGet(vocab.size());
                            long done = states.incrementAndGet();
                            progress.update("states", Math.min(done, maxStates), maxStates);
                            if (pos == seq.length) {
                                break;
                            }
                            byte[] b = vocab.tokenBytes(seq[pos]);
                            if (!c.feed(b) || !m.accept(seq[pos])) {
                                break;
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("mask check failed: " + e.getMessage(), e);
        } finally {
            pool.shutdownNow();
        }
        return new Result(states.get(), compared.get(), diffs.get(), List.copyOf(examples));
    }

    private static long compare(VocabularyIndex vocab, long[] mask, ReferenceRecognizer.Cursor c, int seqIndex,
                                int pos, int[] seq, List<Difference> examples, int maxExamples) {
        long diffs = 0;
        int eos = vocab.eosTokenId();
        for (int id = 0; id < vocab.size(); id++) {
            boolean engine = (mask[id >>> 6] & (1L << id)) != 0;
            boolean reference;
            if (id == eos) {
                reference = c.canEnd();
            } else if (vocab.vocabulary().isSpecial(id) || vocab.tokenBytes(id).length == 0) {
                reference = false;
            } else {
                reference = c.tryBytes(vocab.tokenBytes(id));
            }
            if (engine != reference) {
                diffs++;
                if (examples.size() < maxExamples) {
                    examples.add(new Difference(seqIndex, pos, id, engine, reference,
                            text(vocab, seq, pos), new String(vocab.tokenBytes(id), java.nio.charset.StandardCharsets.UTF_8)));
                }
            }
        }
        // bits past the vocabulary must be clear
        for (int id = vocab.size(); id < mask.length * 64; id++) {
            if ((mask[id >>> 6] & (1L << id)) != 0) {
                diffs++;
            }
        }
        return diffs;
    }

    private static String text(VocabularyIndex vocab, int[] seq, int pos) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < pos; i++) {
            out.writeBytes(vocab.tokenBytes(seq[i]));
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
