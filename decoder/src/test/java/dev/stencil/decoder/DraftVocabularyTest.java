package dev.stencil.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.Matcher;
import dev.stencil.automata.json.JsonGrammar;
import dev.stencil.automata.json.Whitespace;
import dev.stencil.decoder.onnx.OutputLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A greedy draft scores only a learned vocabulary on the host: the projection read from the graph
 * gives the graph's logits, a pass without logits leaves the cache as a full pass does, the
 * vocabulary proposes only what it admitted, and the output stays the target's greedy output.
 */
class DraftVocabularyTest {
    private static final OnnxCausalLm DRAFT = TestModels.draft();
    private final Stencil stencil = TestModels.stencil();

    @Test
    void hostLogitsFromAPassWithoutProjectionEqualTheGraphsAndTheCacheIsTheSame() {
        OutputLayer layer = DRAFT.hostOutputLayer();
        assertNotNull(layer, "the embedded draft's projection was not read");
        int vocab = DRAFT.shape().vocabSize();
        assertEquals(vocab, layer.vocab());
        int[] prompt = stencil.tokenizer().encode(stencil.promptForKeys(List.of("name", "age")));
        float[] graph = new float[vocab];
        float[] next = new float[vocab];
        float[] nextAfterHiddenPass = new float[vocab];
        float[][] hidden = new float[1][layer.width()];
        try (KvCache full = DRAFT.newCache(1); KvCache hiddenOnly = DRAFT.newCache(1)) {
            DRAFT.forward(full, new int[][] {prompt}, 1);
            full.logits(0, -1, graph);
            DRAFT.forwardHidden(hiddenOnly, new int[][] {prompt}, hidden);
            double worst = 0;
            for (int t = 0; t < vocab; t++) {
                worst = Math.max(worst, Math.abs(layer.logit(hidden[0], t) - graph[t]));
            }
            assertTrue(worst < 1e-3, "host logits differ from the graph's by " + worst);
            assertEquals(full.columns(), hiddenOnly.columns());
            int token = TokenSelector.argmax(graph);
            DRAFT.forward(full, new int[][] {{token}}, 1);
            DRAFT.forward(hiddenOnly, new int[][] {{token}}, 1);
            full.logits(0, -1, next);
            hiddenOnly.logits(0, -1, nextAfterHiddenPass);
            assertTrue(TestModels.maxDiff(next, nextAfterHiddenPass) < 1e-5, "the cache after a pass without logits differs");
        }
    }

    @Test
    void aModelLoadedPlainlyKeepsItsProjectionInTheGraph() {
        assertNull(stencil.model().hostOutputLayer());
        assertNull(stencil.draftVocabulary(stencil.model()));
        assertNotNull(stencil.draftVocabulary(DRAFT));
    }

    @Test
    void proposesTheBestAdmittedTokenTheMaskAllowsAndNothingElse() {
        Random random = new Random(7);
        int vocab = 300;
        int width = 8;
        float[] weights = new float[vocab * width];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) random.nextGaussian();
        }
        OutputLayer layer = new OutputLayer(vocab, width, weights);
        DraftVocabulary v = new DraftVocabulary(layer, 40);
        for (int i = 0; i < 100; i++) {
            v.learn(random.nextInt(vocab));
        }
        assertEquals(40, v.size(), "admits up to its capacity, each token once");
        float[] scores = new float[v.capacity()];
        for (int trial = 0; trial < 200; trial++) {
            float[] hidden = new float[width];
            for (int k = 0; k < width; k++) {
                hidden[k] = (float) random.nextGaussian();
            }
            long[] mask = new long[(vocab + 63) >>> 6];
            for (int t = 0; t < vocab; t++) {
                if (random.nextInt(4) == 0) {
                    mask[t >>> 6] |= 1L << t;
                }
            }
            int expected = -1;
            float best = Float.NEGATIVE_INFINITY;
            for (int t = 0; t < vocab; t++) {
                if (v.contains(t) && (mask[t >>> 6] & (1L << t)) != 0 && layer.logit(hidden, t) > best) {
                    best = layer.logit(hidden, t);
                    expected = t;
                }
            }
            assertEquals(expected, v.argmax(hidden, mask, scores), "trial " + trial);
        }
        assertEquals(-1, v.argmax(new float[width], new long[(vocab + 63) >>> 6], scores), "nothing allowed, nothing proposed");
    }

    @Test
    void concurrentLearnersAdmitEachTokenOnce() throws Exception {
        OutputLayer layer = new OutputLayer(5000, 4, new float[5000 * 4]);
        DraftVocabulary v = new DraftVocabulary(layer, 1000);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                int seed = thread;
                done.add(pool.submit(() -> {
                    Random r = new Random(seed);
                    for (int i = 0; i < 5000; i++) {
                        v.learn(r.nextInt(1500));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(1000, v.size());
        int admitted = 0;
        for (int t = 0; t < 5000; t++) {
            admitted += v.contains(t) ? 1 : 0;
        }
        assertEquals(1000, admitted, "each admitted token has one column");
    }

    @Test
    void aFreshVocabularyLearnsFromTheTargetAndThenProposesWhatTheTargetKeeps() {
        OnnxCausalLm target = stencil.model();
        DraftVocabulary v = new DraftVocabulary(DRAFT.hostOutputLayer(), DraftVocabulary.DEFAULT_CAPACITY);
        int[] prompt = stencil.tokenizer().encode(stencil.promptForKeys(List.of("title", "price", "in_stock", "tags")));
        GenerationResult plain = stencil.json().prompt(stencil.promptForKeys(List.of("title", "price", "in_stock", "tags"))).generate();
        SpeculativeDecoder decoder = new SpeculativeDecoder(target, DRAFT, stencil.eosTokenId(), stencil.maxPositions(), v);
        SpeculativeDecoder.Outcome cold = decoder.decode(prompt, newJsonMatcher(), null, 256, DraftSchedule.fixed(3), null,
                List.of(), null, null);
        assertArrayEquals(plain.tokens(), cold.tokens(), "a vocabulary learning as it goes changes nothing in the output");
        for (int t : cold.tokens()) {
            assertTrue(v.contains(t), "token " + t + " kept by the target was not learned");
        }
        assertFalse(v.contains(stencil.eosTokenId()), "the stop token is never kept in the sequence");
        SpeculativeDecoder.Outcome warm = decoder.decode(prompt, newJsonMatcher(), null, 256, DraftSchedule.fixed(3), null,
                List.of(), null, null);
        assertArrayEquals(plain.tokens(), warm.tokens());
        assertTrue(warm.speculation().accepted() > plain.tokens().length / 3,
                "a vocabulary of this output's tokens should get most of it accepted: " + warm.speculation());
    }

    private Matcher newJsonMatcher() {
        return stencil.compile(JsonGrammar.grammar(Whitespace.flexible())).newMatcher();
    }
}
