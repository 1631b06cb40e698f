package dev.stencil.cli;

import dev.stencil.automata.ir.Grammar;
import dev.stencil.automata.json.JsonGrammar;
import dev.stencil.automata.json.Whitespace;
import picocli.CommandLine.Option;

/** {@code --grammar} and {@code --whitespace}, shared by the commands that take a built-in grammar. */
final class GrammarOptions {
    @Option(names = "--grammar", defaultValue = "json",
            description = "Built-in grammar: json (any JSON value). Default: ${DEFAULT-VALUE}.")
    String grammar;

    @Option(names = "--whitespace", defaultValue = "flexible",
            description = "Whitespace between JSON tokens: compact, flexible (runs of at most 20 bytes), flexible:N or any. Default: ${DEFAULT-VALUE}.")
    String whitespace;

    Grammar build() {
        if (!grammar.equals("json")) {
            throw new IllegalArgumentException("unknown built-in grammar '" + grammar + "'; available: json");
        }
        return JsonGrammar.grammar(Whitespace.parse(whitespace));
    }
}
