package dev.stencil.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stencil.automata.CompiledGrammar;
import dev.stencil.automata.Matcher;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Finds a compact serialization of a JSON value, with the members of every object in some order,
 * that a grammar accepts in full: for reports run in {@link PropertyOrder#SCHEMA} order, where a
 * valid instance written in another member order is still a value the grammar can produce.
 *
 * <p>A depth-first search over member orders, driven by the matcher itself (byte runs accepted and
 * rolled back), so it needs no model of how the compiler ordered merged or conditional
 * subschemas. Members are tried in instance order first, so an instance already in grammar order
 * costs one pass. The search is bounded ({@link #MAX_PRUNED_STEPS}, {@link #MAX_STEPS} byte runs); beyond it, or past the
 * stack depth, the answer is "not found", never a guess.
 */
final class GrammarMemberOrder {
    /**
     * The most byte runs the pruned search tries before giving up: it is cubic at worst in the
     * members of one object (each place: each candidate, then the others' viability), which is
     * 650,000 runs for an object of 87 members.
     */
    static final int MAX_PRUNED_STEPS = 2_000_000;

    /** The same for the unpruned searches, exponential at worst. */
    static final int MAX_STEPS = 50_000;

    private final Matcher m;
    private final int eos;
    private final boolean commitValues;
    private final boolean pruneLateKeys;
    /** With {@code commitValues}: the text each nested value was last written as. */
    private final Map<JsonNode, String> written = new java.util.IdentityHashMap<>();
    private int steps;

    /**
     * @param commitValues when true, a nested object or array keeps the first member order that
     *     the grammar accepts for it alone, and only the enclosing object's order is searched on:
     *     fast (a failed continuation does not re-try every order of every nested value), and
     *     complete unless the inner order decides which branch of a combinator the rest needs
     * @param pruneLateKeys when true, an order is abandoned as soon as a member still to be written
     *     could come next before the last member was written and cannot any more: in schema order
     *     its place was passed and never comes back. This cuts the search from exponential to
     *     quadratic; it misses orders where writing one member is what excludes another for a
     *     while (a conditional), hence the searches without it
     */
    private GrammarMemberOrder(Matcher m, int eos, boolean commitValues, boolean pruneLateKeys) {
        this.m = m;
        this.eos = eos;
        this.commitValues = commitValues;
        this.pruneLateKeys = pruneLateKeys;
    }

    /**
     * What the search found.
     *
     * @param text a serialization the grammar accepts, or null
     * @param exhaustive when {@code text} is null: whether every member order was tried (so none is
     *     accepted), rather than the search giving up at its bound
     */
    record Outcome(String text, boolean exhaustive) {
    }

    /** A serialization the grammar accepts, or why there is none. */
    static Outcome find(CompiledGrammar g, JsonNode value, int eosToken) {
        String[] found = new String[1];
        boolean[] exhaustive = new boolean[1];
        // deep documents recurse deeply (a frame chain per member); a big stack keeps that a search
        Thread t = new Thread(null, () -> {
            // the fast, incomplete searches first; the full one only where they found nothing
            for (int tier = 0; tier < 3; tier++) {
                try {
                    GrammarMemberOrder s = new GrammarMemberOrder(g.newMatcher(), eosToken, tier < 2, tier == 0);
                    StringBuilder out = new StringBuilder();
                    if (s.emit(value, out, () -> s.m.accept(s.eos))) {
                        found[0] = out.toString();
                        return;
                    }
                    exhaustive[0] = tier == 2;
                } catch (StackOverflowError | BudgetExceeded e) {
                    exhaustive[0] = false;
                }
            }
        }, "stencil-member-order", 256L << 20);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(null, false);
        }
        return new Outcome(found[0], found[0] == null && exhaustive[0]);
    }

    private static final class BudgetExceeded extends RuntimeException {
        BudgetExceeded() {
            super(null, null, false, false);
        }
    }

    /** What must follow the value just written; true when it (and so everything) was accepted. */
    private interface Rest {
        boolean run();
    }

    /** Writes {@code v} then {@code rest}; on failure the matcher and {@code out} are as before. */
    private boolean emit(JsonNode v, StringBuilder out, Rest rest) {
        if (!commitValues || !v.isContainerNode()) {
            return emitSearching(v, out, rest);
        }
        int steps0 = m.stepCount();
        int len = out.length();
        // a value written before (a candidate tried earlier) most likely reads the same here: one run
        String before = written.get(v);
        if (before != null && text(before, out, () -> true)) {
            if (rest.run()) {
                return true;
            }
            m.rollback(m.stepCount() - steps0);
            out.setLength(len);
            return false;
        }
        if (!emitSearching(v, out, () -> true)) {
            return false;
        }
        written.put(v, out.substring(len));
        if (rest.run()) {
            return true;
        }
        m.rollback(m.stepCount() - steps0);
        out.setLength(len);
        return false;
    }

    private boolean emitSearching(JsonNode v, StringBuilder out, Rest rest) {
        if (v.isObject()) {
            List<Map.Entry<String, JsonNode>> members = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                members.add(it.next());
            }
            return text("{", out, () -> members(members, new boolean[members.size()], members.size(), true,
                    new boolean[members.size()], out, rest));
        }
        if (v.isArray()) {
            return text("[", out, () -> items(v, 0, out, rest));
        }
        return text(TestSuiteCompliance.compact(v, false), out, rest);
    }

    /**
     * Writes the members not yet {@code used}, then the closing brace, then {@code rest}.
     *
     * @param mustStayViable with {@code pruneLateKeys}: members that could come next before the
     *     member just written; if one cannot come next any more, its place in the order was passed
     */
    private boolean members(List<Map.Entry<String, JsonNode>> all, boolean[] used, int left, boolean first,
            boolean[] mustStayViable, StringBuilder out, Rest rest) {
        if (left == 0) {
            return text("}", out, rest);
        }
        String[] keys = new String[all.size()];
        boolean[] viableNow = new boolean[all.size()];
        for (int i = 0; i < all.size(); i++) {
            if (!used[i]) {
                keys[i] = (first ? "" : ",") + TestSuiteCompliance.compact(
                        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.textNode(all.get(i).getKey()),
                        false) + ":";
                viableNow[i] = viable(keys[i]);
                if (pruneLateKeys && mustStayViable[i] && !viableNow[i]) {
                    return false;
                }
            }
        }
        for (int i = 0; i < all.size(); i++) {
            if (used[i] || !viableNow[i]) {
                continue;
            }
            used[i] = true;
            int idx = i;
            boolean ok = text(keys[i], out, () -> emit(all.get(idx).getValue(), out,
                    () -> members(all, used, left - 1, false, viableNow, out, rest)));
            used[i] = false;
            if (ok) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code s} can be written next (the matcher is left as it was). */
    private boolean viable(String s) {
        if (++steps > (pruneLateKeys ? MAX_PRUNED_STEPS : MAX_STEPS)) {
            throw new BudgetExceeded();
        }
        if (!m.acceptBytes(s.getBytes(StandardCharsets.UTF_8))) {
            return false;
        }
        m.rollback(1);
        return true;
    }

    private boolean items(JsonNode arr, int i, StringBuilder out, Rest rest) {
        if (i == arr.size()) {
            return text("]", out, rest);
        }
        return text(i == 0 ? "" : ",", out, () -> emit(arr.get(i), out, () -> items(arr, i + 1, out, rest)));
    }

    private boolean text(String s, StringBuilder out, Rest rest) {
        if (++steps > (pruneLateKeys ? MAX_PRUNED_STEPS : MAX_STEPS)) {
            throw new BudgetExceeded();
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int len = out.length();
        if (b.length > 0 && !m.acceptBytes(b)) {
            return false;
        }
        out.append(s);
        if (rest.run()) {
            return true;
        }
        out.setLength(len);
        if (b.length > 0) {
            m.rollback(1);
        }
        return false;
    }
}
