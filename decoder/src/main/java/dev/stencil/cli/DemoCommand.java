package dev.stencil.cli;

import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.Matcher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Feeds one small JSON document token by token and shows each mask's size and time. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Show the mask engine at work: each token of a JSON document, how many tokens were allowed, and the time per mask.")
final class DemoCommand implements Runnable {
    @Option(names = "--tokenizer", description = "Hugging Face tokenizer.json (default: the embedded GPT-2 tokenizer).")
    Path tokenizer;

    @Option(names = "--doc", defaultValue = "{\"name\": \"Ada Lovelace\", \"born\": 1815, \"tags\": [\"math\", \"engines\"], \"alive\": false}",
            description = "The JSON document to feed. Default: ${DEFAULT-VALUE}")
    String doc;

    @Mixin
    GrammarOptions grammarOptions;

    @Override
    public void run() {
        Tokenizers.Loaded tok = Tokenizers.load(tokenizer);
        CompiledGrammar cg = CompiledGrammar.compile(grammarOptions.build(), tok.index());
        long t0 = System.nanoTime();
        int classified = cg.precompute(10_000);
        double precomputeMs = (System.nanoTime() - t0) / 1e6;
        System.out.printf("tokenizer %s (%,d tokens), grammar %s: vocabulary index %.0f ms, compile %.1f ms, precompute %.0f ms (%d lexer states)%n",
                tok.name(), tok.index().size(), cg.grammar().name(), tok.index().buildMillis(), cg.compileMillis(), precomputeMs, classified);
        int[] ids = tok.tokenizer().encode(doc);
        int eos = tok.index().eosTokenId();
        Matcher m = cg.newMatcher();
        long[] mask = m.newMask();
        System.out.printf("%5s  %-24s %10s %10s%n", "step", "token", "allowed", "mask µs");
        for (int i = 0; i <= ids.length; i++) {
            int id = i < ids.length ? ids[i] : eos;
            long s = System.nanoTime();
            m.fillNextTokenMask(mask);
            double us = (System.nanoTime() - s) / 1e3;
            int allowed = 0;
            for (long w : mask) {
                allowed += Long.bitCount(w);
            }
            String shown = i < ids.length ? show(tok.index().tokenBytes(id)) : "<eos>";
            boolean ok = m.accept(id);
            System.out.printf("%5d  %-24s %10d %10.1f%s%n", i, shown, allowed, us, ok ? "" : "   REJECTED");
            if (!ok) {
                System.out.println("the document does not match the grammar at step " + i);
                return;
            }
        }
        System.out.println(m.isTerminated() ? "document accepted" : "document incomplete");
    }

    private static String show(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8);
        return "'" + s.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r") + "'";
    }
}
