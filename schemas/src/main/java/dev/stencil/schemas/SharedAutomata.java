package dev.stencil.schemas;

import dev.stencil.automata.regex.ByteDfa;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Byte automata of schema pieces that depend on nothing but their text (a property name's
 * spellings, the keys other than a set of names, a pattern, a string constraint), shared by every
 * compilation in the process. Real schemas repeat names ("id", "name", "type") and patterns across
 * objects and across schemas; each such automaton is built and minimised once.
 *
 * <p>Least-recently-used eviction on an estimate of the tables' memory ({@link #BUDGET_STATES}
 * states, about 1 KB each); thread-safe. A failed construction (too large) is not cached, so it
 * fails again with its own error where it is asked for.
 */
final class SharedAutomata {
    /** About 64 MB of transition tables. */
    static final long BUDGET_STATES = 64_000;

    private static final Map<String, ByteDfa> ENTRIES = new LinkedHashMap<>(256, 0.75f, true);
    private static long states;

    private SharedAutomata() {
    }

    /** Forgets every entry (benchmarks that time compiling from nothing). */
    static void clear() {
        synchronized (ENTRIES) {
            ENTRIES.clear();
            states = 0;
        }
    }

    /** The automaton stored under {@code key}, building it (outside the lock) on a miss. */
    static ByteDfa get(String key, Supplier<ByteDfa> build) {
        synchronized (ENTRIES) {
            ByteDfa d = ENTRIES.get(key);
            if (d != null) {
                return d;
            }
        }
        ByteDfa d = build.get();
        synchronized (ENTRIES) {
            ByteDfa old = ENTRIES.put(key, d);
            states += d.stateCount() - (old == null ? 0 : old.stateCount());
            var it = ENTRIES.entrySet().iterator();
            while (states > BUDGET_STATES && it.hasNext()) {
                ByteDfa evicted = it.next().getValue();
                if (evicted == d) {
                    break;
                }
                states -= evicted.stateCount();
                it.remove();
            }
        }
        return d;
    }
}
