package dev.stencil.schemas;

import dev.stencil.automata.ir.Grammar;
import java.util.List;

/**
 * The result of compiling a schema.
 *
 * @param grammar the grammar of the JSON texts the schema accepts (exactly, unless approximations is non-empty)
 * @param draft the draft the schema was read as
 * @param approximations in lenient mode, one line per keyword that was dropped ("keyword at pointer: why");
 *     empty means the grammar is exact
 */
public record CompiledSchema(Grammar grammar, Draft draft, List<String> approximations) {
    public CompiledSchema {
        approximations = List.copyOf(approximations);
    }

    /** True when the grammar accepts exactly the schema's instances (no keyword was approximated). */
    public boolean exact() {
        return approximations.isEmpty();
    }
}
