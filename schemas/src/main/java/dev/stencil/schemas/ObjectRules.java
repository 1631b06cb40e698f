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
        return build(all, extra, at, 0, -1);
    }

    /** The most distinct member counts tracked for {@code minProperties}/{@code maxProperties}. */
    static final int MAX_COUNTED_PROPERTIES = 100;

    /**
     * The object grammar with between {@code minProps} and {@code maxProps} (-1: no bound) members,
     * or null if no object qualifies.
     */
    Expr build(List<Member> all, Expr extra, SchemaNode at, long minProps, long maxProps) {
        List<Member> members = new ArrayList<>();
        for (Member m : all) {
            if (m.value() != null) {
                members.add(m);
            } else if (m.required()) {
                return null;
            }
        }
        String base = "o" + ruleIds.getAsInt();
        if (minProps > 0 || maxProps >= 0) {
            long bound = maxProps >= 0 ? maxProps : minProps;
            if (bound > MAX_COUNTED_PROPERTIES) {
                String kw = maxProps >= 0 ? "maxProperties" : "minProperties";
                throw new SchemaException(kw, at.pointer(), "property counts above " + MAX_COUNTED_PROPERTIES
                        + " are not compiled");
            }
            if (maxProps >= 0 && minProps > maxProps) {
                return null;
            }
            Expr body;
            if (options.propertyOrder() == PropertyOrder.SCHEMA || members.isEmpty()) {
                // with no named members, schema order is any order
                body = countedSchemaOrder(base, members, extra, (int) minProps, (int) maxProps);
            } else if (extra == null) {
                body = anyOrderCounted(base, members, at, (int) minProps, (int) maxProps);
            } else {
                body = anyOrderCountedWithExtras(base, members, extra, at, (int) minProps, (int) maxProps);
            }
            return body == null ? null : Expr.seq(Expr.lit("{"), body, Expr.lit("}"));
        }
        String extras = null;
        if (extra != null) {
            // zero or more ", extra", left-recursive to keep parser states shared
            extras = base + "_x";
            grammar.rule(extras, Expr.alt(Expr.empty(), Expr.seq(Expr.ref(extras), Expr.lit(options.whitespace().comma()), extra)));
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
            Expr member = Expr.seq(m.key(), Expr.lit(options.whitespace().colon()), m.value());
            Expr restR = Expr.ref(base + "_r" + (i + 1));
            Expr writeAfter = Expr.seq(Expr.lit(options.whitespace().comma()), member, restR);
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
                    alts.add(Expr.seq(Expr.lit(options.whitespace().comma()), m.key(), Expr.lit(options.whitespace().colon()), m.value(),
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
            first.add(Expr.seq(m.key(), Expr.lit(options.whitespace().colon()), m.value(), Expr.ref(base + "_r" + (1 << i))));
        }
        if (extra != null) {
            first.add(Expr.seq(extra, Expr.ref(base + "_r0")));
        }
        return Expr.alt(first.toArray(new Expr[0]));
    }

    /**
     * Schema order with the number of members written so far in the rule state: rule (i, c) is the
     * rest of the object from member i after c members. Without a maximum, counts from the minimum
     * up are alike, so c saturates there; the grammar has (members + 1) x (bound + 1) rules at most.
     */
    private Expr countedSchemaOrder(String base, List<Member> members, Expr extra, int min, int max) {
        int n = members.size();
        int cMax = max >= 0 ? max : min;
        boolean[][] ok = new boolean[n + 1][cMax + 1];
        for (int c = 0; c <= cMax; c++) {
            int lo = Math.max(0, min - c);
            int hi = max < 0 ? -1 : max - c;
            Expr body;
            if (extra == null || hi == 0) {
                body = lo == 0 ? Expr.empty() : null;
            } else if (c > 0) {
                body = Expr.repeat(Expr.seq(Expr.lit(options.whitespace().comma()), extra), lo, hi);
            } else {
                Expr more = Expr.seq(extra, Expr.repeat(Expr.seq(Expr.lit(options.whitespace().comma()), extra), Math.max(0, lo - 1),
                        hi < 0 ? -1 : hi - 1));
                body = lo == 0 ? Expr.alt(Expr.empty(), more) : more;
            }
            if (body != null) {
                ok[n][c] = true;
                grammar.rule(base + "_q" + n + "_" + c, body);
            }
        }
        for (int i = n - 1; i >= 0; i--) {
            Member m = members.get(i);
            for (int c = 0; c <= cMax; c++) {
                List<Expr> alts = new ArrayList<>();
                int next = max >= 0 ? c + 1 : Math.min(c + 1, cMax);
                if ((max < 0 || c + 1 <= max) && ok[i + 1][next]) {
                    Expr member = Expr.seq(m.key(), Expr.lit(options.whitespace().colon()), m.value(), Expr.ref(base + "_q" + (i + 1) + "_" + next));
                    alts.add(c > 0 ? Expr.seq(Expr.lit(options.whitespace().comma()), member) : member);
                }
                if (!m.required() && ok[i + 1][c]) {
                    alts.add(Expr.ref(base + "_q" + (i + 1) + "_" + c));
                }
                if (!alts.isEmpty()) {
                    ok[i][c] = true;
                    grammar.rule(base + "_q" + i + "_" + c, alts.size() == 1 ? alts.get(0)
                            : Expr.alt(alts.toArray(new Expr[0])));
                }
            }
        }
        return ok[0][0] ? Expr.ref(base + "_q0_0") : null;
    }

    /** Any order without additional members: the set of written members gives the count. */
    private Expr anyOrderCounted(String base, List<Member> members, SchemaNode at, int min, int max) {
        int n = members.size();
        if (n > options.maxAnyOrderProperties()) {
            throw new SchemaException("properties", at.pointer(), n + " named properties exceed the any-order "
                    + "limit of " + options.maxAnyOrderProperties() + "; use property order 'schema'");
        }
        int requiredMask = 0;
        for (int i = 0; i < n; i++) {
            if (members.get(i).required()) {
                requiredMask |= 1 << i;
            }
        }
        boolean[] ok = new boolean[1 << n];
        // masks in decreasing popcount order: supersets first
        for (int mask = (1 << n) - 1; mask >= 0; mask--) {
            int count = Integer.bitCount(mask);
            List<Expr> alts = new ArrayList<>();
            if ((requiredMask & ~mask) == 0 && count >= min) {
                alts.add(Expr.empty());
            }
            for (int i = 0; i < n && (max < 0 || count < max); i++) {
                int next = mask | (1 << i);
                if ((mask & (1 << i)) == 0 && ok[next]) {
                    Member m = members.get(i);
                    Expr member = Expr.seq(m.key(), Expr.lit(options.whitespace().colon()), m.value(), Expr.ref(base + "_c" + next));
                    alts.add(mask == 0 ? member : Expr.seq(Expr.lit(options.whitespace().comma()), member));
                }
            }
            if (!alts.isEmpty()) {
                ok[mask] = true;
                grammar.rule(base + "_c" + mask, alts.size() == 1 ? alts.get(0) : Expr.alt(alts.toArray(new Expr[0])));
            }
        }
        return ok[0] ? Expr.ref(base + "_c0") : null;
    }

    /**
     * Any order with additional members: the state is the set of named members written and the
     * number of additional ones (up to the maximum, or saturating at the minimum, past which more
     * are alike). Only states reachable from the start and able to close the object get rules.
     */
    private Expr anyOrderCountedWithExtras(String base, List<Member> members, Expr extra, SchemaNode at, int min,
            int max) {
        int n = members.size();
        if (n > options.maxAnyOrderProperties()) {
            throw new SchemaException("properties", at.pointer(), n + " named properties exceed the any-order "
                    + "limit of " + options.maxAnyOrderProperties() + "; use property order 'schema'");
        }
        int requiredMask = 0;
        for (int i = 0; i < n; i++) {
            if (members.get(i).required()) {
                requiredMask |= 1 << i;
            }
        }
        int extraCap = max >= 0 ? max : min;
        // state = mask | extras << n; moves[state] = (expression, next state)
        java.util.Map<Integer, List<Object[]>> moves = new java.util.LinkedHashMap<>();
        java.util.Set<Integer> accepting = new java.util.HashSet<>();
        java.util.ArrayDeque<Integer> work = new java.util.ArrayDeque<>();
        moves.put(0, new ArrayList<>());
        work.add(0);
        while (!work.isEmpty()) {
            int st = work.pop();
            int mask = st & ((1 << n) - 1);
            int extras = st >>> n;
            int count = Integer.bitCount(mask) + extras;
            if ((requiredMask & ~mask) == 0 && count >= min) {
                accepting.add(st);
            }
            if (max >= 0 && count >= max) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                if ((mask & (1 << i)) == 0) {
                    Member m = members.get(i);
                    addMove(moves, work, st, Expr.seq(m.key(), Expr.lit(options.whitespace().colon()), m.value()), st | (1 << i));
                }
            }
            int e = Math.min(extras + 1, extraCap);
            addMove(moves, work, st, extra, mask | (e << n));
        }
        java.util.Set<Integer> productive = new java.util.HashSet<>(accepting);
        for (boolean changed = true; changed; ) {
            changed = false;
            for (var en : moves.entrySet()) {
                if (!productive.contains(en.getKey())) {
                    for (Object[] mv : en.getValue()) {
                        if (productive.contains((Integer) mv[1])) {
                            productive.add(en.getKey());
                            changed = true;
                            break;
                        }
                    }
                }
            }
        }
        if (!productive.contains(0)) {
            return null;
        }
        for (var en : moves.entrySet()) {
            int st = en.getKey();
            if (!productive.contains(st)) {
                continue;
            }
            List<Expr> alts = new ArrayList<>();
            if (accepting.contains(st)) {
                alts.add(Expr.empty());
            }
            for (Object[] mv : en.getValue()) {
                if (productive.contains((Integer) mv[1])) {
                    Expr member = (Expr) mv[0];
                    Expr next = Expr.ref(base + "_e" + mv[1]);
                    alts.add(st == 0 ? Expr.seq(member, next) : Expr.seq(Expr.lit(options.whitespace().comma()), member, next));
                }
            }
            grammar.rule(base + "_e" + st, alts.size() == 1 ? alts.get(0) : Expr.alt(alts.toArray(new Expr[0])));
        }
        return Expr.ref(base + "_e0");
    }

    private static void addMove(java.util.Map<Integer, List<Object[]>> moves, java.util.ArrayDeque<Integer> work,
            int from, Expr member, int to) {
        moves.get(from).add(new Object[] {member, to});
        if (!moves.containsKey(to)) {
            moves.put(to, new ArrayList<>());
            work.add(to);
        }
    }
}
