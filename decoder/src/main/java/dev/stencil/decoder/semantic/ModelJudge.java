package dev.stencil.decoder.semantic;

import dev.stencil.automata.vocab.BpeTokenizer;
import dev.stencil.decoder.DecoderException;
import dev.stencil.decoder.KvCache;
import dev.stencil.decoder.OnnxCausalLm;

/**
 * Judges a candidate with a causal language model itself: the candidate is put into a judging
 * prompt (a template with {@code {text}} in it, e.g. {@code "Text: {text}\nIs this text polite?
 * Answer:"}), one forward pass gives the next-token distribution, and the score is
 * {@code log P(yes) - log P(no)} for the two verdict tokens. It passes when the score reaches
 * the threshold (0: "yes" at least as likely as "no").
 *
 * <p>Each verdict word must be exactly one token of the model's vocabulary (usually with its
 * leading space, {@code " yes"}), so that its probability is read off one distribution; a
 * word that is not is a clear error at construction. Thread-safe: each judgment uses its own cache.
 */
public final class ModelJudge implements SemanticConstraint {
    private final OnnxCausalLm model;
    private final BpeTokenizer tokenizer;
    private final String template;
    private final int yes;
    private final int no;
    private final double threshold;

    public ModelJudge(OnnxCausalLm model, BpeTokenizer tokenizer, String template, String yesWord, String noWord,
            double threshold) {
        if (!template.contains("{text}")) {
            throw new DecoderException("judging prompt template has no {text} placeholder: " + template);
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.template = template;
        this.yes = singleToken(tokenizer, yesWord);
        this.no = singleToken(tokenizer, noWord);
        if (yes == no) {
            throw new DecoderException("verdict words '" + yesWord + "' and '" + noWord + "' are the same token");
        }
        this.threshold = threshold;
    }

    private static int singleToken(BpeTokenizer tokenizer, String word) {
        int[] ids = tokenizer.encode(word);
        if (ids.length != 1) {
            throw new DecoderException("verdict word '" + word + "' is " + ids.length + " tokens for this model's tokenizer; "
                    + "choose a word that is exactly one token (often with a leading space, e.g. ' yes')");
        }
        return ids[0];
    }

    @Override
    public Verdict judge(String text) {
        int[] prompt = tokenizer.encode(template.replace("{text}", text));
        if (prompt.length == 0) {
            throw new DecoderException("judging prompt is empty");
        }
        float[] logits;
        try (KvCache cache = model.newCache(1)) {
            model.forward(cache, new int[][] {prompt});
            logits = cache.logits(0, -1, new float[model.shape().vocabSize()]);
        }
        double score = logSoftmax(logits, yes) - logSoftmax(logits, no);
        return new Verdict(score >= threshold, score,
                String.format(java.util.Locale.ROOT, "log P(yes) - log P(no) = %.3f (threshold %.3f)", score, threshold));
    }

    private static double logSoftmax(float[] logits, int id) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        return logits[id] - max - Math.log(sum);
    }
}
