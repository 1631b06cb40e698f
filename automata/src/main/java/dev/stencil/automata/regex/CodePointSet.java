package dev.stencil.automata.regex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An immutable set of Unicode scalar values (code points 0..0x10FFFF excluding the surrogates
 * U+D800..U+DFFF), stored as sorted, disjoint, non-adjacent inclusive ranges.
 *
 * <p>Surrogates are never members: every factory silently clips them out, so {@code of(0xD000, 0xE000)}
 * holds U+D000..U+D7FF and U+E000, and {@link #complement()} is taken within the scalar values.
 * This is what a byte-level UTF-8 automaton can express: a surrogate has no well-formed UTF-8
 * encoding. Because the representation is canonical, {@link #equals} is set equality.
 */
public final class CodePointSet {
    /** The largest Unicode code point. */
    public static final int MAX_CODE_POINT = 0x10FFFF;
    static final int SURROGATE_MIN = 0xD800;
    static final int SURROGATE_MAX = 0xDFFF;

    private static final CodePointSet EMPTY = new CodePointSet(new int[0]);
    private static final CodePointSet ANY = of(0, MAX_CODE_POINT);
    private static final CodePointSet DIGITS = of('0', '9');
    private static final CodePointSet WORD = ofRanges('0', '9', 'A', 'Z', '_', '_', 'a', 'z');
    private static final CodePointSet ECMA_WHITESPACE = ofRanges(
            '\t', '\r', // \t \n \v \f \r
            ' ', ' ',
            0x00A0, 0x00A0,
            0x1680, 0x1680,
            0x2000, 0x200A,
            0x2028, 0x2029,
            0x202F, 0x202F,
            0x205F, 0x205F,
            0x3000, 0x3000,
            0xFEFF, 0xFEFF);
    private static final CodePointSet LINE_TERMINATORS = ofRanges('\n', '\n', '\r', '\r', 0x2028, 0x2029);
    private static final CodePointSet ANY_BUT_LINE_TERMINATORS = LINE_TERMINATORS.complement();

    /** One inclusive range of code points. */
    public record Range(int lo, int hi) {
        /** Rejects {@code lo > hi}. */
        public Range {
            if (lo > hi) {
                throw new IllegalArgumentException("empty range " + lo + ".." + hi);
            }
        }
    }

    /** lo0, hi0, lo1, hi1, ...: sorted, disjoint, non-adjacent, surrogate-free. */
    private final int[] bounds;
    /** Lazily computed {@link #hashCode()}; 0 until then (racy but idempotent, as in String). */
    private int hash;

    private CodePointSet(int[] bounds) {
        this.bounds = bounds;
    }

    /** The empty set. */
    public static CodePointSet empty() {
        return EMPTY;
    }

    /** All Unicode scalar values. */
    public static CodePointSet any() {
        return ANY;
    }

    /** {@code [0-9]}, the ECMAScript {@code \d}. */
    public static CodePointSet digits() {
        return DIGITS;
    }

    /** {@code [A-Za-z0-9_]}, the ECMAScript {@code \w}. */
    public static CodePointSet wordChars() {
        return WORD;
    }

    /** The ECMAScript {@code \s}: WhiteSpace plus LineTerminator as listed in ECMA-262. */
    public static CodePointSet ecmaWhitespace() {
        return ECMA_WHITESPACE;
    }

    /** What the ECMAScript {@code .} matches: every scalar value except \n, \r, U+2028 and U+2029. */
    public static CodePointSet anyButLineTerminators() {
        return ANY_BUT_LINE_TERMINATORS;
    }

    /** The single code point {@code cp} (empty if it is a surrogate). */
    public static CodePointSet single(int cp) {
        return of(cp, cp);
    }

    /**
     * The code points {@code lo..hi} inclusive, minus surrogates.
     *
     * @throws IllegalArgumentException if the bounds are outside 0..0x10FFFF or {@code lo > hi}
     */
    public static CodePointSet of(int lo, int hi) {
        return ofRanges(lo, hi);
    }

    /**
     * The union of the inclusive ranges given as pairs {@code lo0, hi0, lo1, hi1, ...}, in any
     * order and possibly overlapping.
     */
    public static CodePointSet ofRanges(int... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("ranges must come in lo, hi pairs");
        }
        Builder b = new Builder();
        for (int i = 0; i < pairs.length; i += 2) {
            b.add(pairs[i], pairs[i + 1]);
        }
        return b.build();
    }

    /** Every code point occurring in {@code s}; lone surrogates in {@code s} are ignored. */
    public static CodePointSet ofCodePoints(CharSequence s) {
        Builder b = new Builder();
        s.codePoints().forEach(cp -> b.add(cp, cp));
        return b.build();
    }

    /** Whether {@code cp} is a member. */
    public boolean contains(int cp) {
        // binary search over range starts
        int lo = 0;
        int hi = bounds.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (cp < bounds[2 * mid]) {
                hi = mid - 1;
            } else if (cp > bounds[2 * mid + 1]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** Whether the set has no members. */
    public boolean isEmpty() {
        return bounds.length == 0;
    }

    /** Number of code points in the set. */
    public int size() {
        int n = 0;
        for (int i = 0; i < bounds.length; i += 2) {
            n += bounds[i + 1] - bounds[i] + 1;
        }
        return n;
    }

    /** Number of maximal ranges. */
    public int rangeCount() {
        return bounds.length / 2;
    }

    /** Lower bound of range {@code i} (0-based, ascending). */
    public int rangeLo(int i) {
        return bounds[2 * i];
    }

    /** Upper bound (inclusive) of range {@code i}. */
    public int rangeHi(int i) {
        return bounds[2 * i + 1];
    }

    /** The maximal ranges in ascending order. */
    public List<Range> ranges() {
        List<Range> out = new ArrayList<>(rangeCount());
        for (int i = 0; i < bounds.length; i += 2) {
            out.add(new Range(bounds[i], bounds[i + 1]));
        }
        return Collections.unmodifiableList(out);
    }

    /** The members of either set. */
    public CodePointSet union(CodePointSet other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        Builder b = new Builder();
        b.addAll(this);
        b.addAll(other);
        return b.build();
    }

    /** The members of both sets. */
    public CodePointSet intersect(CodePointSet other) {
        int[] a = bounds;
        int[] c = other.bounds;
        int[] out = new int[a.length + c.length];
        int n = 0;
        int i = 0;
        int j = 0;
        while (i < a.length && j < c.length) {
            int lo = Math.max(a[i], c[j]);
            int hi = Math.min(a[i + 1], c[j + 1]);
            if (lo <= hi) {
                out[n++] = lo;
                out[n++] = hi;
            }
            // advance whichever range ends first; the other may still overlap the next one
            if (a[i + 1] < c[j + 1]) {
                i += 2;
            } else {
                j += 2;
            }
        }
        // pieces of canonical inputs are already disjoint, sorted and non-adjacent
        return new CodePointSet(Arrays.copyOf(out, n));
    }

    /** The scalar values not in this set. */
    public CodePointSet complement() {
        Builder b = new Builder();
        int next = 0;
        for (int i = 0; i < bounds.length; i += 2) {
            if (bounds[i] > next) {
                b.add(next, bounds[i] - 1);
            }
            next = bounds[i + 1] + 1;
        }
        if (next <= MAX_CODE_POINT) {
            b.add(next, MAX_CODE_POINT);
        }
        // the builder clips the surrogate gap, which is never a member of either side
        return b.build();
    }

    /** The members of this set that are not in {@code other}. */
    public CodePointSet minus(CodePointSet other) {
        return intersect(other.complement());
    }

    /**
     * This set closed under simple case mapping: every code point reachable from a member by
     * repeatedly applying {@link Character#toUpperCase(int)} and {@link Character#toLowerCase(int)}
     * (in either direction) is added. See {@link CaseFolding} for the limits.
     */
    public CodePointSet withCaseVariants() {
        return CaseFolding.close(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CodePointSet other && Arrays.equals(bounds, other.bounds);
    }

    /** Cached: sets key the per-compile map of UTF-8 automata, and large classes have many bounds. */
    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(bounds);
            hash = h;
        }
        return h;
    }

    /** A character class in the regex syntax that {@link RegexParser} reads, e.g. {@code [0-9a-f]}. */
    @Override
    public String toString() {
        return RegexPrinter.printSet(this);
    }

    /**
     * Accumulates ranges, then sorts and merges them once; cheaper than repeated {@link #union}
     * when a parser adds many pieces.
     */
    public static final class Builder {
        private int[] pairs = new int[16];
        private int n;

        /** Adds the inclusive range {@code lo..hi}; surrogates inside it are dropped. */
        public Builder add(int lo, int hi) {
            if (lo < 0 || hi > MAX_CODE_POINT || lo > hi) {
                throw new IllegalArgumentException(String.format(
                        "invalid code point range U+%04X..U+%04X (must satisfy 0 <= lo <= hi <= 0x10FFFF)", lo, hi));
            }
            if (lo < SURROGATE_MIN && hi > SURROGATE_MAX) {
                push(lo, SURROGATE_MIN - 1);
                push(SURROGATE_MAX + 1, hi);
            } else if (lo >= SURROGATE_MIN && hi <= SURROGATE_MAX) {
                // entirely surrogates: nothing to add
            } else if (lo >= SURROGATE_MIN && lo <= SURROGATE_MAX) {
                push(SURROGATE_MAX + 1, hi);
            } else if (hi >= SURROGATE_MIN && hi <= SURROGATE_MAX) {
                push(lo, SURROGATE_MIN - 1);
            } else {
                push(lo, hi);
            }
            return this;
        }

        /** Adds every member of {@code set}. */
        public Builder addAll(CodePointSet set) {
            for (int i = 0; i < set.bounds.length; i += 2) {
                push(set.bounds[i], set.bounds[i + 1]);
            }
            return this;
        }

        private void push(int lo, int hi) {
            if (n + 2 > pairs.length) {
                pairs = Arrays.copyOf(pairs, pairs.length * 2);
            }
            pairs[n++] = lo;
            pairs[n++] = hi;
        }

        /** The union of everything added so far. */
        public CodePointSet build() {
            int count = n / 2;
            if (count == 0) {
                return EMPTY;
            }
            // sort pairs by lo via packed longs (lo in the high half keeps the order)
            long[] packed = new long[count];
            for (int i = 0; i < count; i++) {
                packed[i] = ((long) pairs[2 * i] << 32) | (pairs[2 * i + 1] & 0xFFFFFFFFL);
            }
            Arrays.sort(packed);
            int[] out = new int[2 * count];
            int m = 0;
            for (long p : packed) {
                int lo = (int) (p >>> 32);
                int hi = (int) p;
                if (m > 0 && lo <= out[m - 1] + 1) {
                    out[m - 1] = Math.max(out[m - 1], hi);
                } else {
                    out[m++] = lo;
                    out[m++] = hi;
                }
            }
            return new CodePointSet(Arrays.copyOf(out, m));
        }
    }
}
