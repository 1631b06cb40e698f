package dev.stencil.schemas;

import dev.stencil.automata.ir.Expr;
import dev.stencil.automata.ir.Grammar;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Grammar rules for JSON objects with named members (each optional or required) and, optionally,
 * additional members whose keys are none of the names.
 *
 * <p>In {@link PropertyOrder#SCHEMA} order the named members come in the given order, additional
 * ones after them; two chains of rules ("nothing written yet" / "something written") place the
 * commas, so the grammar is linear in the number of members. In {@link PropertyOrder#ANY} order a
 * rule per set of names already written forbids repeats and enforces {@code required}: exact, and
 * exponential in the number of names, hence the cap.
 */
final class ObjectRules {
    /**
     * One named member.
     *
     * @param value the value grammar, or null when the name may not appear at all
     */
    record Member(String name, Expr key, Expr value, boolean required) {
    }

    private final Grammar.Builder grammar;
    private final SchemaOptions options;
    private final IntSupplier ruleIds;

    ObjectRules(Grammar.Builder grammar, SchemaOptions options, IntSupplier ruleIds) {
        this.grammar = grammar;
        this.options = options;
        this.ruleIds = ruleIds;
    }

    /**
     * The object grammar, or null if no object qualifies.
     *
     * @param extra {@code key ':' value} of an additional member, or null when none is allowed
     */
    Expr build(List<Member> all, Expr extra, SchemaNode at) {
        List<Member> members = new ArrayList<>();
        for (Member m : all) {
            if (m.value() != null) {
                members.add(m);
            } else if (m.required()) {
                return null;
            }
        }
        String base = "o" + ruleIds.getAsInt();
        String extras = null;
        if (extra != null) {
            // zero or more ", extra", left-recursive to keep parser states shared
            extras = base + "_x";
            grammar.rule(extras, Expr.alt(Expr.empty(), Expr.seq(Expr.ref(extras), Expr.lit(","), extra)));
        }
        Expr body = options.propertyOrder() == PropertyOrder.SCHEMA
                ? schemaOrder(base, members, extra, extras)
                : anyOrder(base, members, extra, extras, at);
        return Expr.seq(Expr.lit("{"), body, Expr.lit("}"));
    }

    private Expr schemaOrder(String base, List<Member> members, Expr extra, String extras) {
        int n = members.size();
        // f_i: members i.. with none written yet; r_i: members i.. after at least one was written
        grammar.rule(base + "_r" + n, extras == null ? Expr.empty() : Expr.ref(extras));
        grammar.rule(base + "_f" + n, extra == null ? Expr.empty()
                : Expr.alt(Expr.empty(), Expr.seq(extra, Expr.ref(extras))));
        for (int i = n - 1; i >= 0; i--) {
            Member m = members.get(i);
            Expr member = Expr.seq(m.key(), Expr.lit(":"), m.value());
            Expr restR = Expr.ref(base + "_r" + (i + 1));
            Expr writeAfter = Expr.seq(Expr.lit(","), member, restR);
            Expr writeFirst = Expr.seq(member, restR);
            grammar.rule(base + "_r" + i, m.required() ? writeAfter : Expr.alt(writeAfter, restR));
            grammar.rule(base + "_f" + i, m.required() ? writeFirst
                    : Expr.alt(writeFirst, Expr.ref(base + "_f" + (i + 1))));
        }
        return Expr.ref(base + "_f0");
    }

    private Expr anyOrder(String base, List<Member> members, Expr extra, String extras, SchemaNode at) {
        int n = members.size();
        if (n > options.maxAnyOrderProperties()) {
            throw new SchemaException("properties", at.pointer(), n + " named properties exceed the any-order "
                    + "limit of " + options.maxAnyOrderProperties() + " (exact any-order grammars grow as 2^n); "
                    + "use property order 'schema'");
        }
        int requiredMask = 0;
        for (int i = 0; i < n; i++) {
            if (members.get(i).required()) {
                requiredMask |= 1 << i;
            }
        }
        // r_M: the rest of the object after the members in M (and at least one member) were written
        for (int mask = 0; mask < (1 << n); mask++) {
            List<Expr> alts = new ArrayList<>();
            if ((requiredMask & ~mask) == 0) {
                alts.add(Expr.empty());
            }
            for (int i = 0; i < n; i++) {
                if ((mask & (1 << i)) == 0) {
                    Member m = members.get(i);
                    alts.add(Expr.seq(Expr.lit(","), m.key(), Expr.lit(":"), m.value(),
                            Expr.ref(base + "_r" + (mask | (1 << i)))));
                }
            }
            Expr core = alts.size() == 1 ? alts.get(0) : Expr.alt(alts.toArray(new Expr[0]));
            if (alts.isEmpty()) {
                continue;
            }
            grammar.rule(base + "_r" + mask, extras == null ? core : Expr.seq(Expr.ref(extras), core));
        }
        List<Expr> first = new ArrayList<>();
        if (requiredMask == 0) {
            first.add(Expr.empty());
        }
        for (int i = 0; i < n; i++) {
            Member m = members.get(i);
            first.add(Expr.seq(m.key(), Expr.lit(":"), m.value(), Expr.ref(base + "_r" + (1 << i))));
        }
        if (extra != null) {
            first.add(Expr.seq(extra, Expr.ref(base + "_r0")));
        }
        return Expr.alt(first.toArray(new Expr[0]));
    }
}
