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

    @Option(names = "--json-root", defaultValue = "any",
            description = "Top-level JSON value: any, or container (object or array only, like XGrammar's built-in grammar). Default: ${DEFAULT-VALUE}.")
    String jsonRoot;

    Grammar build() {
        if (!grammar.equals("json")) {
            throw new IllegalArgumentException("unknown built-in grammar '" + grammar + "'; available: json");
        }
        if (!jsonRoot.equals("any") && !jsonRoot.equals("container")) {
            throw new IllegalArgumentException("--json-root must be any or container, not '" + jsonRoot + "'");
        }
        return JsonGrammar.grammar(Whitespace.parse(whitespace), jsonRoot.equals("container"));
    }
}
