package dev.stencil.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.mask.VocabularyIndex;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Must-exclude and must-include keywords: the automaton, its token masks, and generation with them. */
class KeywordConstraintTest {
    private final Stencil stencil = TestModels.stencil();

    private String prompt(String... keys) {
        return stencil.promptForKeys(List.of(keys));
    }

    private static boolean containsAt(byte[] text, byte[] word, int from) {
        for (int i = Math.max(0, from); i + word.length <= text.length; i++) {
            if (Arrays.equals(text, i, i + word.length, word, 0, word.length)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void automatonFindsEveryKeywordIncludingSuffixMatches() {
        KeywordAutomaton a = new KeywordAutomaton(List.of("he", "she", "hers", "his"), "test");
        int s = 0;
        long found = 0;
        for (byte b : "ushers".getBytes(StandardCharsets.UTF_8)) {
            s = a.next(s, b & 0xff);
            found |= a.matches(s);
        }
        assertEquals(0b111, found); // she, he (suffix of she) and hers; not his
        assertThrows(DecoderException.class, () -> new KeywordAutomaton(List.of(""), "test"));
        assertThrows(DecoderException.class, () -> new KeywordAutomaton(List.of(), "test"));
    }

    /**
     * Every token of the GPT-2 vocabulary, from every automaton state, against a brute-force
     * oracle: the token is safe exactly when the state's text followed by the token's bytes holds
     * no banned word that ends inside the token.
     */
    @Test
    void safeMaskAgreesWithBruteForceOnTheWholeVocabulary() {
        List<String> banned = List.of("password", "word", "n W", "\"ag");
        VocabularyIndex index = stencil.vocabularyIndex();
        KeywordTokens tokens = new KeywordTokens(new KeywordAutomaton(banned, "must-exclude"), index, index.size());
        // one text per state: every prefix of every banned word leads to a distinct state here
        int checkedStates = 0;
        for (String w : banned) {
            for (int len = 0; len < w.length(); len++) {
                byte[] context = w.substring(0, len).getBytes(StandardCharsets.UTF_8);
                long[] mask = tokens.safeMask(tokens.walk(0, context));
                checkedStates++;
                for (int id = 0; id < index.size(); id++) {
                    boolean safe = (mask[id >>> 6] & (1L << id)) != 0;
                    byte[] t = tokens.tokenBytes(id);
                    byte[] text = Arrays.copyOf(context, context.length + t.length);
                    System.arraycopy(t, 0, text, context.length, t.length);
                    boolean hit = false;
                    for (String b : banned) {
                        byte[] bb = b.getBytes(StandardCharsets.UTF_8);
                        // an occurrence that ends inside the token, i.e. starts after context.length - bb.length
                        hit |= containsAt(text, bb, context.length - bb.length + 1);
                    }
                    assertEquals(!hit, safe, "state after '" + new String(context, StandardCharsets.UTF_8) + "', token " + id
                            + " '" + new String(t, StandardCharsets.UTF_8) + "'");
                }
            }
        }
        assertTrue(checkedStates >= 10);
    }

    @Test
    void bannedWordThatStraddlesTwoTokensNeverAppears() {
        String p = prompt("name", "age");
        GenerationResult free = stencil.json().prompt(p).maxTokens(64).generate();
        // greedy writes "Sven Wang": "n W" spans the tokens " Sven" and " Wang", so no single token bans it
        assertTrue(free.text().contains("n W"), free.text());
        for (int id : free.tokens()) {
            assertFalse(new String(stencil.tokenizer().decode(new int[] {id}), StandardCharsets.UTF_8).contains("n W"));
        }
        GenerationResult banned = stencil.json().prompt(p).maxTokens(64).mustExclude(List.of("n W")).generate();
        assertTrue(banned.valid(), banned.text());
        assertFalse(banned.text().contains("n W"), banned.text());
        assertEquals(FinishReason.STOP, banned.finishReason());
    }

    @Test
    void bannedWordsNeverAppearWhenSampling() {
        List<String> banned = List.of("an", "e\"", "1");
        for (long seed = 0; seed < 6; seed++) {
            GenerationResult r = stencil.json().prompt(prompt("name", "city", "age")).temperature(1.2).seed(seed).maxTokens(96)
                    .mustExclude(banned).generate();
            for (String b : banned) {
                assertFalse(r.text().contains(b), "seed " + seed + ": " + r.text());
            }
        }
    }

    @Test
    void batchedRowsEachKeepTheirOwnKeywordState() {
        List<String> prompts = List.of(prompt("name", "age"), prompt("name", "city"), prompt("id", "email"));
        List<GenerationResult> rows = stencil.json().maxTokens(64).mustExclude(List.of("n W", "on")).mustInclude(List.of("name"))
                .generateAll(prompts);
        for (int i = 0; i < rows.size(); i++) {
            GenerationResult r = rows.get(i);
            assertFalse(r.text().contains("n W") || r.text().contains("on"), r.text());
            // the third prompt never asks for "name": that row may end without it, but never as a valid output
            assertTrue(r.valid() == r.text().contains("name"), r.finishReason() + " " + r.text());
        }
        assertThrows(DecoderException.class, () -> stencil.json().tokenHealing(true).generateAll(prompts));
    }

    @Test
    void bannedWordMayNotStartInThePrompt() {
        String p = prompt("name", "age"); // ends with "A:"; the model's first token is " {\""
        GenerationResult r = stencil.json().prompt(p).maxTokens(64).mustExclude(List.of(": {")).generate();
        assertFalse(r.text().startsWith(" {"), r.text());
        assertTrue(r.valid(), r.text());
    }

    @Test
    void keywordStateRollsBackAndForks() {
        VocabularyIndex index = stencil.vocabularyIndex();
        int width = stencil.model().shape().vocabSize();
        KeywordTokens ex = new KeywordTokens(new KeywordAutomaton(List.of("password"), "must-exclude"), index, width);
        KeywordTokens in = new KeywordTokens(new KeywordAutomaton(List.of("city"), "must-include"), index, width);
        KeywordConstraint k = new KeywordConstraint(ex, in, stencil.eosTokenId(), new byte[0]);
        int pass = stencil.tokenizer().encode("pass")[0];
        int word = stencil.tokenizer().encode("word")[0];
        int[] city = stencil.tokenizer().encode(" city");
        assertEquals(1, city.length);
        assertTrue(k.allows(word));
        assertFalse(k.allows(stencil.eosTokenId()));
        k.accept(pass);
        assertFalse(k.allows(word)); // "pass" + "word" = "password"
        KeywordConstraint beam = k.fork();
        beam.accept(city[0]);
        assertTrue(beam.complete());
        assertTrue(beam.allows(word)); // " city" broke the banned word off
        assertFalse(k.complete()); // the fork is independent
        k.rollback(1);
        assertTrue(k.allows(word));
        beam.rollback(1);
        assertFalse(beam.complete());
        assertFalse(beam.allows(word));
        assertThrows(DecoderException.class, () -> k.fork().accept(stencil.tokenizer().encode("password")[0]));
    }

    @Test
    void aMaskIsRestrictedExactlyAsLogitsAre() {
        VocabularyIndex index = stencil.vocabularyIndex();
        int width = stencil.model().shape().vocabSize();
        KeywordTokens ex = new KeywordTokens(new KeywordAutomaton(List.of("password"), "must-exclude"), index, width);
        KeywordTokens in = new KeywordTokens(new KeywordAutomaton(List.of("city"), "must-include"), index, width);
        KeywordConstraint k = new KeywordConstraint(ex, in, stencil.eosTokenId(), new byte[0]);
        k.accept(stencil.tokenizer().encode("pass")[0]);
        for (boolean complete : new boolean[] {false, true}) {
            if (complete) {
                k.accept(stencil.tokenizer().encode(" city")[0]);
            }
            float[] logits = new float[width];
            k.process(logits);
            long[] mask = new long[(width + 63) >>> 6];
            java.util.Arrays.fill(mask, -1L);
            k.restrict(mask);
            int cleared = 0;
            for (int t = 0; t < width; t++) {
                boolean allowed = (mask[t >>> 6] & (1L << t)) != 0;
                assertEquals(logits[t] > Float.NEGATIVE_INFINITY, allowed, "token " + t + (complete ? " (city found)" : ""));
                cleared += allowed ? 0 : 1;
            }
            assertTrue(cleared > 1, "the banned continuations of \"pass\" were cleared");
        }
    }

    @Test
    void requiredWordBlocksTheStopTokenAndAGrammarThatCanOnlyEndReportsIt() {
        String p = prompt("name", "age");
        // the last value is a number: no word can begin where the model closes the object, nor after
        // any of its next choices, so the generation ends as MISSING_KEYWORDS, never as a valid output without it
        GenerationResult r = stencil.json().prompt(p).maxTokens(96).mustInclude(List.of("city")).generate();
        assertEquals(FinishReason.MISSING_KEYWORDS, r.finishReason(), r.text());
        assertFalse(r.valid());
        assertNull(r.json());
        assertTrue(r.validationErrors().toString().contains("city"), r.validationErrors().toString());

        GenerationResult met = stencil.json().prompt(prompt("name", "city")).maxTokens(96).mustInclude(List.of("city")).generate();
        assertEquals(FinishReason.STOP, met.finishReason(), met.text());
        assertTrue(met.valid() && met.text().contains("city"), met.text());
    }

    @Test
    void greedySteersTheRequiredWordIntoTheOutputWhereItWouldOtherwiseClose() {
        String p = prompt("name", "email");
        GenerationResult plain = stencil.json().prompt(p).maxTokens(96).generate();
        assertFalse(plain.text().contains("city"), plain.text());
        // the last value is a string: where the model would close it and the object, "city" goes in first
        GenerationResult r = stencil.json().prompt(p).maxTokens(96).mustInclude(List.of("city")).generate();
        assertEquals(FinishReason.STOP, r.finishReason(), r.text());
        assertTrue(r.valid() && r.text().contains("city"), r.text());
        assertTrue(r.text().startsWith(plain.text().substring(0, plain.text().length() - 3)),
                "steering changed the text before the point of closing: " + r.text() + " vs " + plain.text());
        // a grammar with no room for the word ends at once with the words reported missing, not at the token limit
        GenerationResult digits = stencil.regex(" [0-9]{1,4}").prompt(p).maxTokens(96).mustInclude(List.of("city")).generate();
        assertEquals(FinishReason.MISSING_KEYWORDS, digits.finishReason(), digits.text());
        assertTrue(digits.generatedTokens() <= 4, digits.text());
    }

    @Test
    void constrainedBeamSearchPlacesTheRequiredWord() {
        String p = prompt("name", "age");
        GenerationResult r = stencil.json().prompt(p).maxTokens(64).numBeams(4).mustInclude(List.of("city")).generate();
        assertEquals(FinishReason.STOP, r.finishReason(), r.text());
        assertTrue(r.valid(), r.text());
        assertTrue(r.text().contains("city"), r.text());
        // the same beams without the keyword bank never write it
        GenerationResult plain = stencil.json().prompt(p).maxTokens(64).numBeams(4).generate();
        assertFalse(plain.text().contains("city"), plain.text());
    }

    @Test
    void beamSearchHonoursBannedWords() {
        String p = prompt("name", "age");
        GenerationResult plain = stencil.json().prompt(p).maxTokens(64).numBeams(3).generate();
        assertTrue(plain.text().contains("name"), plain.text());
        GenerationResult r = stencil.json().prompt(p).maxTokens(64).numBeams(3).mustExclude(List.of("name")).generate();
        assertTrue(r.valid(), r.text());
        assertFalse(r.text().contains("name"), r.text());
    }

    @Test
    void forcedTextIsCheckedAgainstBannedWords() {
        String p = prompt("name", "age");
        GenerationResult r = stencil.json().prompt(p).maxTokens(64).forceTokens(true).mustExclude(List.of("n W")).generate();
        assertTrue(r.valid(), r.text());
        assertFalse(r.text().contains("n W"), r.text());
        // banned bytes are banned wherever they come from: the schema's key may be written with an escape
        // (generation defaults allow only the canonical spelling, so ask for every spelling here)
        com.fasterxml.jackson.databind.node.ObjectNode schema = TypeSchema.of(Named.class);
        GenerationResult escaped = stencil.schema(schema, dev.stencil.schemas.SchemaOptions.forGeneration().withCanonicalLiterals(false)).prompt(p).maxTokens(64).forceTokens(true).mustExclude(List.of("ame")).generate();
        assertTrue(escaped.valid(), escaped.text());
        assertFalse(escaped.text().contains("ame"), escaped.text());
        // a quote is unavoidable in an object with a required key: an error, never the banned text
        DecoderException e = assertThrows(DecoderException.class,
                () -> stencil.schema(schema).prompt(p).maxTokens(64).forceTokens(true).mustExclude(List.of("\"")).generate());
        assertTrue(e.getMessage().contains("\"") || e.getMessage().contains("no token is allowed"), e.getMessage());
    }

    record Named(String name) {
    }

    /** The draft proposes under a fork of the keyword state; rejected proposals never reach the real one. */
    @Test
    void speculativeDecodingWithKeywordsIsGreedyWithKeywords() {
        try (OnnxCausalLm draft = Stencil.embeddedDraft(RuntimeOptions.defaults().withThreads(1))) {
            for (List<String> keys : List.of(List.of("name", "age"), List.of("name", "city", "tags"))) {
                String p = stencil.promptForKeys(keys);
                GenerationResult greedy = stencil.json().prompt(p).maxTokens(64).mustExclude(List.of("n W", "\"ag")).generate();
                // a fixed k: the adaptive schedule would run the first generations without the draft
                GenerationResult spec = stencil.json().prompt(p).maxTokens(64).mustExclude(List.of("n W", "\"ag")).draft(draft)
                        .draftSchedule(DraftSchedule.fixed(4)).generate();
                assertEquals(greedy.text(), spec.text());
                assertFalse(spec.text().contains("n W") || spec.text().contains("\"ag"), spec.text());
                assertTrue(spec.speculation().proposed() > 0);
            }
            GenerationResult missing = stencil.json().prompt(prompt("name", "age")).maxTokens(96).mustInclude(List.of("city"))
                    .draft(draft).draftSchedule(DraftSchedule.fixed(4)).generate();
            assertEquals(FinishReason.MISSING_KEYWORDS, missing.finishReason(), missing.text());
            // steering towards a required word gives the same output with the draft as without
            String p = prompt("name", "email");
            GenerationResult steered = stencil.json().prompt(p).maxTokens(96).mustInclude(List.of("city")).generate();
            GenerationResult steeredSpec = stencil.json().prompt(p).maxTokens(96).mustInclude(List.of("city")).draft(draft)
                    .draftSchedule(DraftSchedule.fixed(4)).generate();
            assertTrue(steered.text().contains("city"), steered.text());
            assertEquals(steered.text(), steeredSpec.text());
            assertEquals(steered.finishReason(), steeredSpec.finishReason());
        }
    }
}
