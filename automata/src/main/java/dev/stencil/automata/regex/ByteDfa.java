package dev.stencil.automata.regex;

import dev.stencil.automata.GrammarException;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A minimal, trimmed deterministic automaton over bytes 0..255: the lexeme form that the mask
 * engine walks tokenizer byte strings through.
 *
 * <p>Compiled from a {@link Regex}, it accepts exactly the UTF-8 encodings of the strings the regex
 * fully matches; it never accepts, nor has a path for, ill-formed UTF-8 (overlong forms, encoded
 * surrogates, stray continuation bytes, code points above U+10FFFF).
 *
 * <p>Invariants of every instance:
 * <ul>
 *   <li>states are {@code 0..stateCount()-1}; {@link #start()} is 0;</li>
 *   <li>no dead states: every state can reach an accepting state, so {@code next} returning -1 is
 *       the only way a byte is refused, and any state reached is a viable prefix. The one exception
 *       is the automaton of the empty language: a single non-accepting start state with no
 *       transitions ({@link #isEmptyLanguage()});</li>
 *   <li>minimal, and numbered canonically (breadth-first from the start, bytes ascending), so two
 *       instances are {@link #equals equal} exactly when they accept the same language.</li>
 * </ul>
 *
 * <p>The transition function is kept with byte classes ({@link DfaTable}): {@code next} looks the
 * byte's class up and indexes {@code state * classCount + class}. A flat 256-column table would
 * cost 1 KiB per state to build and hold (40 MiB for a JSON string of up to 2000 characters);
 * {@link #transitionTable()} still hands one out on request. The accessors are allocation-free and
 * safe to call from many threads, since instances are immutable.
 */
public final class ByteDfa {
    /** Default cap on DFA (and 10x that on NFA) states; a larger automaton is reported as an error. */
    public static final int DEFAULT_MAX_STATES = 100_000;

    /** Longest pattern text quoted in error messages and {@link #toString()}. */
    private static final int DESCRIPTION_LIMIT = 200;

    /** Transitions: {@code state * classCount + byteClass[byte]}, -1 for none (copied out of compact for the hot path). */
    private final int[] table;
    private final int[] byteClass;
    private final int classCount;
    private final boolean[] accepting;
    /** The same automaton as the construction stages' form (sharing the arrays above), for products. */
    private final DfaTable compact;
    /** See {@link #classRunStarts()}. */
    private final int[] classRunStarts;
    /** Printed only for error messages and toString, so compiling never pays for it. */
    private final Supplier<String> description;

    private ByteDfa(DfaTable minimal, Supplier<String> description) {
        this.table = minimal.table;
        this.byteClass = minimal.byteClass;
        this.classCount = minimal.classCount;
        this.accepting = minimal.accepting;
        this.compact = minimal;
        this.classRunStarts = runStarts(minimal.byteClass);
        this.description = description;
    }

    /**
     * Compiles {@code regex} with the {@linkplain #DEFAULT_MAX_STATES default state cap}.
     *
     * @throws GrammarException if the automaton would exceed the cap; the message names the pattern
     */
    public static ByteDfa compile(Regex regex) {
        return compile(regex, DEFAULT_MAX_STATES);
    }

    /**
     * Compiles {@code regex}: byte-level Thompson NFA and subset construction, or for large counted
     * repetitions a direct composition of the parts' DFAs ({@link StructuralCompiler}); then
     * trimming and minimisation.
     *
     * @param maxStates cap on the states of the intermediate DFA; the NFA may use ten times as many
     * @throws GrammarException if an automaton would exceed its cap; the message names the pattern
     */
    public static ByteDfa compile(Regex regex, int maxStates) {
        return compile(regex, maxStates, StructuralCompiler.DEFAULT_THRESHOLD);
    }

    /**
     * As {@link #compile(Regex, int)}, composing subtrees estimated larger than
     * {@code structuralThreshold} from their parts' DFAs (see {@link StructuralCompiler}); tests
     * compare 0 (compose wherever possible) with {@code Long.MAX_VALUE} (subset construction only).
     */
    static ByteDfa compile(Regex regex, int maxStates, long structuralThreshold) {
        Objects.requireNonNull(regex, "regex");
        if (maxStates < 1) {
            throw new IllegalArgumentException("maxStates must be positive: " + maxStates);
        }
        Supplier<String> description = memoize(() -> describe(regex.toString()));
        int nfaCap = (int) Math.min(Integer.MAX_VALUE, 10L * maxStates);
        DfaTable dfa = StructuralCompiler.compile(regex, maxStates, nfaCap, description, structuralThreshold);
        return new ByteDfa(DfaMinimizer.minimize(dfa), description);
    }

    /**
     * Compiles a deterministic automaton over code points to a minimal byte DFA over UTF-8:
     * state {@code i} has an edge on {@code sets[k]} to {@code targets[k]} for each k with
     * {@code from[k] == i}. {@code name} describes it in errors.
     *
     * @throws GrammarException past the default state cap
     */
    public static ByteDfa ofCodePointAutomaton(String name, int states, int start, boolean[] accepting, int[] from,
                                               CodePointSet[] sets, int[] targets) {
        Supplier<String> description = () -> name;
        int nfaCap = (int) Math.min(Integer.MAX_VALUE, 10L * DEFAULT_MAX_STATES);
        ByteNfa nfa = ByteNfa.ofCodePointAutomaton(states, start, accepting, from, sets, targets, nfaCap, description);
        DfaTable dfa = SubsetConstruction.determinize(nfa, DEFAULT_MAX_STATES, description);
        return new ByteDfa(DfaMinimizer.minimize(dfa), description);
    }

    /** The automaton accepting exactly {@code bytes} (which need not be valid UTF-8). */
    public static ByteDfa literal(byte[] bytes) {
        int n = bytes.length + 1;
        int[] table = new int[n * 256];
        Arrays.fill(table, -1);
        for (int i = 0; i < bytes.length; i++) {
            table[i * 256 + (bytes[i] & 0xFF)] = i + 1;
        }
        boolean[] accepting = new boolean[n];
        accepting[n - 1] = true;
        byte[] copy = bytes.clone();
        Supplier<String> description = memoize(() -> {
            StringBuilder hex = new StringBuilder("bytes[");
            for (byte b : copy) {
                hex.append(String.format("%02X", b & 0xFF));
            }
            return describe(hex.append(']').toString());
        });
        // a chain is already minimal and trimmed; running it through keeps one code path
        return new ByteDfa(DfaMinimizer.minimize(DfaTable.fromFlat(n, 0, table, accepting)), description);
    }

    /**
     * An automaton given by its transition table (for constructions no regex states compactly, such
     * as remainders modulo k): minimised and trimmed here, so the table may hold unreachable or dead
     * states. The caller keeps to well-formed UTF-8 (say, ASCII only).
     *
     * @param table {@code stateCount * 256} entries, {@code state * 256 + byte}, -1 for no transition
     */
    public static ByteDfa fromTable(int stateCount, int start, int[] table, boolean[] accepting, String description) {
        if (table.length != stateCount * 256 || accepting.length != stateCount) {
            throw new IllegalArgumentException("table must have stateCount*256 entries");
        }
        return new ByteDfa(DfaMinimizer.minimize(DfaTable.fromFlat(stateCount, start, table.clone(),
                accepting.clone())), () -> description);
    }

    /** The start state; always 0. */
    public int start() {
        return 0;
    }

    /**
     * The state after reading byte {@code b} in {@code state}, or -1 if the byte is refused.
     * {@code b} may be given as 0..255 or as a signed Java byte; only its low 8 bits are used.
     */
    public int next(int state, int b) {
        return table[state * classCount + byteClass[b & 0xFF]];
    }

    /**
     * The bytes where a new byte class starts, ascending, then 256: every state sends all bytes
     * of {@code [starts[r], starts[r + 1])} to the same target. Lets callers tabulate a row in a
     * few dozen steps instead of 256.
     */
    public int[] classRunStarts() {
        return classRunStarts;
    }

    private static int[] runStarts(int[] byteClass) {
        int[] starts = new int[257];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (b == 0 || byteClass[b] != byteClass[b - 1]) {
                starts[n++] = b;
            }
        }
        starts[n++] = 256;
        return Arrays.copyOf(starts, n);
    }

    /** Whether the input read so far is a complete match. */
    public boolean isAccepting(int state) {
        return accepting[state];
    }

    /** Number of states. */
    public int stateCount() {
        return accepting.length;
    }

    /** Whether the empty string is accepted. */
    public boolean acceptsEmpty() {
        return accepting[0];
    }

    /** Whether no string at all is accepted (the single-state automaton described in the class comment). */
    public boolean isEmptyLanguage() {
        return accepting.length == 1 && !accepting[0] && Arrays.stream(table).allMatch(t -> t < 0);
    }

    /** Whether the whole of {@code utf8} is accepted. */
    public boolean matches(byte[] utf8) {
        int state = 0;
        for (byte b : utf8) {
            state = table[state * classCount + byteClass[b & 0xFF]];
            if (state < 0) {
                return false;
            }
        }
        return accepting[state];
    }

    /**
     * A copy of the transition table, {@code stateCount() * 256} entries indexed
     * {@code state * 256 + byte}, -1 where there is no transition. Built on each call (1 KiB per
     * state); fetch it once per bulk pass, or walk {@link #classRunStarts()} with {@link #next}.
     */
    public int[] transitionTable() {
        return compact.expand();
    }

    /** Strings accepted by both automata. */
    public ByteDfa intersect(ByteDfa other) {
        return product(other, ProductConstruction.Mode.INTERSECTION, " ∩ ");
    }

    /** Strings accepted by either automaton. */
    public ByteDfa union(ByteDfa other) {
        return product(other, ProductConstruction.Mode.UNION, " ∪ ");
    }

    /** As {@link #union(ByteDfa)}, with a cap of {@code maxStates} product states instead of the default. */
    public ByteDfa union(ByteDfa other, int maxStates) {
        return product(other, ProductConstruction.Mode.UNION, " ∪ ", maxStates);
    }

    /**
     * Strings of {@code universe} that this automaton does not accept. Complementing within a
     * universe (say, the automaton of {@code [^]*}) rather than within all byte strings keeps the
     * result inside well-formed UTF-8.
     */
    public ByteDfa complementWithin(ByteDfa universe) {
        return universe.product(this, ProductConstruction.Mode.DIFFERENCE, " ∖ ");
    }

    private ByteDfa product(ByteDfa other, ProductConstruction.Mode mode, String operator) {
        return product(other, mode, operator, DEFAULT_MAX_STATES);
    }

    private ByteDfa product(ByteDfa other, ProductConstruction.Mode mode, String operator, int maxStates) {
        // capture the operands' descriptions, not the operands, so their tables can be collected
        Supplier<String> left = this.description;
        Supplier<String> right = other.description;
        Supplier<String> description = memoize(() -> describe("(" + left.get() + ")" + operator + "(" + right.get()
                + ")"));
        DfaTable result = ProductConstruction.product(compact, other.compact, mode, maxStates, description);
        return new ByteDfa(DfaMinimizer.minimize(result), description);
    }

    /** Computes once, on first use; the suppliers may be called from several threads, hence volatile. */
    private static Supplier<String> memoize(Supplier<String> supplier) {
        return new Supplier<>() {
            private volatile String value;

            @Override
            public String get() {
                String v = value;
                if (v == null) {
                    v = supplier.get();
                    value = v;
                }
                return v;
            }
        };
    }

    private static String describe(String text) {
        return text.length() <= DESCRIPTION_LIMIT ? text : text.substring(0, DESCRIPTION_LIMIT) + "…";
    }

    /**
     * Same language: both are minimal and canonically numbered, so equal transition functions
     * suffice. The byte classes may be cut differently (they depend on how an automaton was built),
     * so unless they coincide the functions are compared byte by byte.
     */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ByteDfa other) || !Arrays.equals(accepting, other.accepting)) {
            return false;
        }
        if (classCount == other.classCount && Arrays.equals(byteClass, other.byteClass)) {
            return Arrays.equals(table, other.table);
        }
        for (int s = 0; s < accepting.length; s++) {
            for (int b = 0; b < 256; b++) {
                if (next(s, b) != other.next(s, b)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Over the byte-level transition function, so that it agrees with {@link #equals} whatever the classes. */
    @Override
    public int hashCode() {
        int h = Arrays.hashCode(accepting);
        for (int s = 0; s < accepting.length; s++) {
            // hash the maximal runs of bytes with one target (where the target changes, and to what),
            // which do not depend on how the bytes were cut into classes
            int previous = -2;
            for (int r = 0; r + 1 < classRunStarts.length; r++) {
                int target = next(s, classRunStarts[r]);
                if (target != previous) {
                    h = 31 * (31 * h + classRunStarts[r]) + target;
                    previous = target;
                }
            }
        }
        return h;
    }

    @Override
    public String toString() {
        return "ByteDfa[" + stateCount() + " states: " + description.get() + "]";
    }
}
