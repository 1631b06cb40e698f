package dev.stencil.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stencil.automata.Matcher;
import dev.stencil.automata.json.JsonGrammar;
import dev.stencil.automata.json.Whitespace;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The grammar mask and top-k inside the embedded model's graph ({@link OnnxCausalLm#forwardTopK})
 * against masking the full logits on the host: same candidates over real JSON-grammar masks, and
 * the same tokens from whole generations.
 */
class DeviceMaskTest {
    private static final Stencil DEVICE = Stencil.embedded(RuntimeOptions.defaults().withThreads(1).withMaskOnDevice(true));
    private static final int K = 12;

    @AfterAll
    static void close() {
        DEVICE.close();
    }

    /** The host's answer: masked logits ranked best first (ties by lower id), at most k, -inf left out. */
    private static int hostTopK(float[] logits, long[] mask, int k, float[] values, int[] ids) {
        GrammarMask.apply(mask, logits);
        RankedLogits ranked = new RankedLogits();
        int n = Math.min(k, ranked.rank(logits));
        for (int r = 0; r < n; r++) {
            ids[r] = ranked.token(r);
            values[r] = logits[ids[r]];
        }
        return n;
    }

    private static void assertSameCandidates(KvCache host, KvCache device, int row, long[] mask, String where) {
        OnnxCausalLm m = DEVICE.model();
        float[] logits = host.logits(row, -1, new float[m.shape().vocabSize()]);
        float[] hv = new float[K];
        int[] hi = new int[K];
        float[] dv = new float[K];
        int[] di = new int[K];
        int hn = hostTopK(logits, mask, K, hv, hi);
        int dn = device.candidates(row, dv, di);
        assertEquals(hn, dn, where + ": number of allowed candidates");
        for (int r = 0; r < hn; r++) {
            assertEquals(hi[r], di[r], where + ": token at rank " + r);
            assertEquals(hv[r], dv[r], 1e-5, where + ": logit at rank " + r);
        }
    }

    @Test
    void inGraphCandidatesEqualHostMaskingAlongJsonDocuments() {
        Matcher grammar = null;
        var compiled = DEVICE.compile(JsonGrammar.grammar(Whitespace.flexible()));
        OnnxCausalLm m = DEVICE.model();
        int fewerThanK = 0;
        int steps = 0;
        for (String answer : List.of(" {\"name\": \"Ann\", \"ok\": true, \"n\": [1, 2.5e3, null]}",
                " {\"a\": {\"b\": []}, \"c\": false}")) {
            grammar = compiled.newMatcher();
            long[] mask = new long[m.maskWords()];
            int[] prompt = DEVICE.tokenizer().encode("Q: Give a JSON object. Keys: name, ok, n.\nA:");
            int[] tokens = DEVICE.tokenizer().encode(answer);
            try (KvCache host = m.newCache(1); KvCache device = m.newCache(1)) {
                grammar.fillNextTokenMask(mask);
                m.forward(host, new int[][] {prompt});
                m.forwardTopK(device, new int[][] {prompt}, new long[][] {mask}, K);
                assertSameCandidates(host, device, 0, mask.clone(), "after the prompt");
                for (int t = 0; t < tokens.length; t++) {
                    assertTrue(grammar.accept(tokens[t]), "the test document must be valid JSON");
                    grammar.fillNextTokenMask(mask);
                    int allowed = 0;
                    for (long w : mask) {
                        allowed += Long.bitCount(w);
                    }
                    if (allowed < K) {
                        fewerThanK++;
                    }
                    m.forward(host, new int[][] {{tokens[t]}});
                    m.forwardTopK(device, new int[][] {{tokens[t]}}, new long[][] {mask}, K);
                    assertSameCandidates(host, device, 0, mask.clone(), "after token " + t + " of " + answer);
                    steps++;
                }
            }
        }
        assertTrue(steps > 30, "steps " + steps);
        assertTrue(fewerThanK > 0, "the documents must reach states that allow fewer than k tokens (e.g. inside 'true')");
    }

    @Test
    void batchedRowsWithLeftPaddingGetTheirOwnMasks() {
        OnnxCausalLm m = DEVICE.model();
        var compiled = DEVICE.compile(JsonGrammar.grammar(Whitespace.compact()));
        Matcher inString = compiled.newMatcher();
        for (int t : DEVICE.tokenizer().encode("{\"ke")) {
            assertTrue(inString.accept(t));
        }
        long[] fresh = new long[m.maskWords()];
        long[] partial = new long[m.maskWords()];
        compiled.newMatcher().fillNextTokenMask(fresh);
        inString.fillNextTokenMask(partial);
        int[][] prompts = {DEVICE.tokenizer().encode("Q: Give a JSON object. Keys: id.\nA:"),
                DEVICE.tokenizer().encode("Q: Give a JSON object. Keys: key, value, other.\nA: {\"ke")};
        try (KvCache host = m.newCache(2); KvCache device = m.newCache(2)) {
            m.forward(host, prompts);
            m.forwardTopK(device, prompts, new long[][] {fresh, partial}, K);
            assertSameCandidates(host, device, 0, fresh.clone(), "row 0");
            assertSameCandidates(host, device, 1, partial.clone(), "row 1");
            int[][] next = {{DEVICE.tokenizer().encode(" {")[0]}, {DEVICE.tokenizer().encode("y")[0]}};
            m.forward(host, next);
            m.forwardTopK(device, next, new long[][] {null, partial}, K); // row 0 unmasked
            long[] all = new long[m.maskWords()];
            java.util.Arrays.fill(all, -1L);
            assertSameCandidates(host, device, 0, all, "row 0 without a mask");
            assertSameCandidates(host, device, 1, partial.clone(), "row 1 again");
        }
    }

    @Test
    void theExtendedModelStillGivesTheFullLogits() {
        OnnxCausalLm plain = TestModels.model();
        OnnxCausalLm extended = DEVICE.model();
        int[] prompt = DEVICE.tokenizer().encode("Q: Give a JSON object. Keys: a.\nA: {\"a\":");
        int v = plain.shape().vocabSize();
        try (KvCache a = plain.newCache(1); KvCache b = extended.newCache(1)) {
            plain.forward(a, new int[][] {prompt});
            extended.forward(b, new int[][] {prompt});
            for (int t = 0; t < prompt.length; t++) {
                float[] x = a.logits(0, t, new float[v]);
                float[] y = b.logits(0, t, new float[v]);
                for (int i = 0; i < v; i++) {
                    assertEquals(x[i], y[i], 1e-4, "position " + t + " token " + i);
                }
            }
            extended.forwardTopK(b, new int[][] {{prompt[0]}}, null, 3);
            DecoderException e = assertThrows(DecoderException.class, () -> b.logits(0, -1, new float[v]));
            assertTrue(e.getMessage().contains("top-k candidates"), e.getMessage());
        }
    }

    @Test
    void greedyGenerationGivesIdenticalTokensBothWays() throws Exception {
        var schema = new ObjectMapper().readTree("""
                {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"},
                 "tags": {"type": "array", "items": {"type": "string"}}}, "required": ["name", "age", "tags"]}""");
        List<String> compared = new ArrayList<>();
        for (List<String> keys : List.of(List.of("name", "age", "tags"), List.of("id", "title", "done"),
                List.of("city", "country", "population", "mayor"))) {
            String prompt = DEVICE.promptForKeys(keys);
            for (boolean withSchema : new boolean[] {false, true}) {
                if (withSchema && !keys.get(0).equals("name")) {
                    continue;
                }
                Generator host = (withSchema ? DEVICE.schema(schema) : DEVICE.json()).prompt(prompt).maxTokens(80).maskOnDevice(false);
                Generator device = (withSchema ? DEVICE.schema(schema) : DEVICE.json()).prompt(prompt).maxTokens(80).maskOnDevice(true);
                GenerationResult h = host.generate();
                GenerationResult d = device.generate();
                assertArrayEquals(h.tokens(), d.tokens(), prompt + " → host " + h.text() + " / device " + d.text());
                assertEquals(h.finishReason(), d.finishReason());
                assertEquals(h.timings().forwardPasses(), d.timings().forwardPasses());
                assertEquals(h.valid(), d.valid());
                compared.add(d.text());
            }
        }
        assertEquals(4, compared.size());
        assertTrue(compared.stream().allMatch(t -> t.strip().startsWith("{")), compared.toString());
    }

    @Test
    void topKSamplingAndForcedTokensGiveIdenticalTokensBothWays() {
        String prompt = DEVICE.promptForKeys(List.of("name", "email", "score"));
        for (long seed = 1; seed <= 3; seed++) {
            GenerationResult h = DEVICE.json().prompt(prompt).maxTokens(60).temperature(0.9).topK(8).topP(0.95).seed(seed)
                    .maskOnDevice(false).generate();
            GenerationResult d = DEVICE.json().prompt(prompt).maxTokens(60).temperature(0.9).topK(8).topP(0.95).seed(seed)
                    .maskOnDevice(true).generate();
            assertArrayEquals(h.tokens(), d.tokens(), "seed " + seed + ": " + h.text() + " / " + d.text());
        }
        GenerationResult h = DEVICE.json().prompt(prompt).maxTokens(60).forceTokens(true).maskOnDevice(false).generate();
        GenerationResult d = DEVICE.json().prompt(prompt).maxTokens(60).forceTokens(true).maskOnDevice(true).generate();
        assertArrayEquals(h.tokens(), d.tokens(), h.text() + " / " + d.text());
        assertEquals(h.timings().forcedTokens(), d.timings().forcedTokens());
    }

    @Test
    void requestsThatNeedTheFullLogitsSayWhy() {
        String prompt = DEVICE.promptForKeys(List.of("a"));
        DecoderException penalty = assertThrows(DecoderException.class,
                () -> DEVICE.json().prompt(prompt).repetitionPenalty(1.2).maskOnDevice(true).generate());
        assertTrue(penalty.getMessage().contains("penalties"), penalty.getMessage());
        DecoderException sampling = assertThrows(DecoderException.class,
                () -> DEVICE.json().prompt(prompt).temperature(1).maskOnDevice(true).generate());
        assertTrue(sampling.getMessage().contains("top-k"), sampling.getMessage());
        DecoderException plain = assertThrows(DecoderException.class,
                () -> TestModels.stencil().json().prompt(prompt).maskOnDevice(true).generate());
        assertTrue(plain.getMessage().contains("withMaskOnDevice"), plain.getMessage());
        DecoderException direct = assertThrows(DecoderException.class,
                () -> TestModels.model().forwardTopK(TestModels.model().newCache(1), new int[][] {{1}}, null, 1));
        assertTrue(direct.getMessage().contains("without the device mask"), direct.getMessage());
        DecoderException keywords = assertThrows(DecoderException.class,
                () -> DEVICE.json().prompt(prompt).mustExclude(List.of("zzz")).maskOnDevice(true).generate());
        assertTrue(keywords.getMessage().contains("keywords"), keywords.getMessage());
        DecoderException healing = assertThrows(DecoderException.class,
                () -> DEVICE.json().prompt(prompt).tokenHealing(true).maskOnDevice(true).generate());
        assertTrue(healing.getMessage().contains("token healing"), healing.getMessage());
        // unset: a keyword constraint simply takes the host path
        GenerationResult excluded = DEVICE.json().prompt(prompt).mustExclude(List.of("a")).maxTokens(40).generate();
        assertTrue(!excluded.text().contains("a"), excluded.text());
        // unset: a penalty simply falls back to the host path
        assertTrue(DEVICE.json().prompt(prompt).repetitionPenalty(1.2).maxTokens(40).generate().text().length() > 0);
    }

    @Test
    void cudaWithoutTheGpuBuildNamesWhatIsMissing() {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "this ONNX Runtime build has CUDA");
        DecoderException e = assertThrows(DecoderException.class, () -> OnnxCausalLm.load(
                TestModels.embeddedDir().resolve("draft.onnx"), RuntimeOptions.defaults().withCuda(0)));
        assertTrue(e.getMessage().contains("com.microsoft.onnxruntime:onnxruntime_gpu"), e.getMessage());
        assertTrue(e.getMessage().contains("CPU"), e.getMessage()); // what the build offers instead
    }
}
