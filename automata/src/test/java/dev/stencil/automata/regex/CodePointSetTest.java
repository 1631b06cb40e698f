package dev.stencil.automata.regex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Set algebra of {@link CodePointSet} against {@link BitSet}s over the whole code space. */
class CodePointSetTest {
    /** Where UTF-8 lengths, surrogates and planes begin and end. */
    private static final List<Integer> EDGES = List.of(0, 1, 0x7E, 0x7F, 0x80, 0x7FF, 0x800, 0xFFF, 0x1000,
            0xD7FF, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x3FFFF, 0x40000, 0xFFFFF,
            0x100000, 0x10FFFE, 0x10FFFF);

    static Arbitrary<CodePointSet> sets() {
        Arbitrary<Integer> point = Arbitraries.oneOf(Arbitraries.of(EDGES),
                Arbitraries.integers().between(0, 0x2FF), Arbitraries.integers().between(0, 0x10FFFF));
        return point.list().ofMinSize(0).ofMaxSize(12).map(points -> {
            CodePointSet.Builder b = new CodePointSet.Builder();
            for (int i = 0; i + 1 < points.size(); i += 2) {
                b.add(Math.min(points.get(i), points.get(i + 1)), Math.max(points.get(i), points.get(i + 1)));
            }
            return b.build();
        });
    }

    @Provide
    Arbitrary<CodePointSet> anySet() {
        return sets();
    }

    private static BitSet bits(CodePointSet set) {
        BitSet b = new BitSet();
        for (CodePointSet.Range r : set.ranges()) {
            b.set(r.lo(), r.hi() + 1);
        }
        return b;
    }

    private static BitSet scalars() {
        BitSet b = new BitSet();
        b.set(0, 0x110000);
        b.clear(0xD800, 0xE000);
        return b;
    }

    @Property(tries = 300)
    void algebraMatchesBitSets(@ForAll("anySet") CodePointSet a, @ForAll("anySet") CodePointSet b) {
        BitSet union = bits(a);
        union.or(bits(b));
        assertEquals(union, bits(a.union(b)));
        BitSet inter = bits(a);
        inter.and(bits(b));
        assertEquals(inter, bits(a.intersect(b)));
        BitSet comp = scalars();
        comp.andNot(bits(a));
        assertEquals(comp, bits(a.complement()));
        BitSet minus = bits(a);
        minus.andNot(bits(b));
        assertEquals(minus, bits(a.minus(b)));
        assertEquals(a, a.complement().complement());
    }

    @Property(tries = 300)
    void rangesAreCanonical(@ForAll("anySet") CodePointSet a) {
        List<CodePointSet.Range> ranges = a.ranges();
        for (int i = 0; i < ranges.size(); i++) {
            CodePointSet.Range r = ranges.get(i);
            assertFalse(r.lo() <= 0xDFFF && r.hi() >= 0xD800, "surrogates are never members");
            if (i > 0) {
                assertTrue(ranges.get(i - 1).hi() + 1 < r.lo(), "sorted, disjoint, non-adjacent");
            }
        }
        assertEquals(bits(a).cardinality(), a.size());
        assertEquals(a.isEmpty(), a.size() == 0);
    }

    @Property(tries = 200)
    void containsAgreesWithRanges(@ForAll("anySet") CodePointSet a, @ForAll("points") int cp) {
        assertEquals(bits(a).get(cp), a.contains(cp));
    }

    @Provide
    Arbitrary<Integer> points() {
        return Arbitraries.oneOf(Arbitraries.of(EDGES), Arbitraries.integers().between(0, 0x10FFFF));
    }

    @Example
    void readyMadeSets() {
        assertEquals(CodePointSet.of('0', '9'), CodePointSet.digits());
        assertTrue(CodePointSet.wordChars().contains('_'));
        assertFalse(CodePointSet.wordChars().contains('-'));
        for (int cp : new int[] {'\t', '\n', 0x0B, '\f', '\r', ' ', 0xA0, 0x1680, 0x2000, 0x200A, 0x2028, 0x2029,
            0x202F, 0x205F, 0x3000, 0xFEFF}) {
            assertTrue(CodePointSet.ecmaWhitespace().contains(cp), Integer.toHexString(cp));
        }
        assertFalse(CodePointSet.ecmaWhitespace().contains(0x85));
        assertFalse(CodePointSet.ecmaWhitespace().contains(0x200B));
        assertEquals(0x110000 - 0x800, CodePointSet.any().size());
        assertEquals(CodePointSet.any().size() - 4, CodePointSet.anyButLineTerminators().size());
        assertTrue(CodePointSet.anyButLineTerminators().contains(0x85));
        assertTrue(CodePointSet.of(0xD800, 0xDFFF).isEmpty());
        assertEquals(CodePointSet.ofRanges(0xD000, 0xD7FF, 0xE000, 0xE000), CodePointSet.of(0xD000, 0xE000));
        assertThrows(IllegalArgumentException.class, () -> CodePointSet.of(5, 4));
        assertThrows(IllegalArgumentException.class, () -> CodePointSet.of(0, 0x110000));
    }

    @Example
    void caseVariantsCloseOverSimpleMappings() {
        assertEquals(CodePointSet.ofCodePoints("kK\u212A"), CodePointSet.single('k').withCaseVariants());
        assertEquals(CodePointSet.ofCodePoints("sS\u017F"), CodePointSet.single('S').withCaseVariants());
        assertEquals(CodePointSet.ofCodePoints("\u00e9\u00c9"), CodePointSet.single(0xE9).withCaseVariants());
        assertEquals(CodePointSet.single('1'), CodePointSet.single('1').withCaseVariants());
        // ß has no single-code-point upper case, so it stays alone (ẞ U+1E9E lowercases to it)
        assertTrue(CodePointSet.single(0xDF).withCaseVariants().contains(0x1E9E));
    }

    @Example
    void printsAsParseableClasses() {
        assertEquals("\\d", CodePointSet.digits().toString());
        assertEquals("[^]", CodePointSet.any().toString());
        assertEquals(".", CodePointSet.anyButLineTerminators().toString());
        assertEquals("[]", CodePointSet.empty().toString());
        assertEquals("[\\-a-c]", CodePointSet.ofCodePoints("abc-").toString());
        assertEquals("\\p{L}", UnicodeProperties.lookup("L").orElseThrow().toString());
        assertEquals("\\P{Lu}", UnicodeProperties.lookup("Lu").orElseThrow().complement().toString());
    }
}
