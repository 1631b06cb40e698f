package dev.stencil.automata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stencil.automata.check.ReferenceRecognizer;
import dev.stencil.automata.json.JsonGrammar;
import dev.stencil.automata.json.Whitespace;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Random JSON documents, rendered in each whitespace policy and tokenized with the real GPT-2
 * tokenizer, must be accepted token by token and end accepting; corrupted ones must be blocked
 * at exactly the token that holds the first byte no valid document could have there.
 */
class JsonPropertiesTest {
    private static final Map<Whitespace.Kind, CompiledGrammar> GRAMMARS = Map.of(
            Whitespace.Kind.COMPACT, CompiledGrammar.compile(JsonGrammar.grammar(Whitespace.compact()), TestVocab.gpt2Index()),
            Whitespace.Kind.FLEXIBLE, CompiledGrammar.compile(JsonGrammar.grammar(Whitespace.flexible()), TestVocab.gpt2Index()),
            Whitespace.Kind.ANY, CompiledGrammar.compile(JsonGrammar.grammar(Whitespace.any()), TestVocab.gpt2Index()),
            Whitespace.Kind.SPACED, CompiledGrammar.compile(JsonGrammar.grammar(Whitespace.spaced()), TestVocab.gpt2Index()));

    @Provide
    Arbitrary<Object> json() {
        return JsonValues.values(4);
    }

    @Property(tries = 150)
    void randomDocumentsAreAcceptedInEveryPolicy(@ForAll("json") Object value, @ForAll long seed) {
        for (Whitespace.Kind kind : Whitespace.Kind.values()) {
            String text = JsonValues.render(value, kind, new Random(seed));
            CompiledGrammar cg = GRAMMARS.get(kind);
            Matcher m = cg.newMatcher();
            long[] mask = m.newMask();
            for (int id : TestVocab.gpt2().encode(text)) {
                m.fillNextTokenMask(mask);
                assertTrue((mask[id >>> 6] & (1L << id)) != 0, () -> kind + ": mask blocks a token of " + text);
                assertTrue(m.accept(id), () -> kind + ": rejected a token of " + text);
            }
            assertTrue(m.isAccepting(), () -> kind + ": not accepting at the end of " + text);
            assertTrue(m.accept(TestVocab.gpt2Index().eosTokenId()));
        }
    }

    @Provide
    Arbitrary<Tuple.Tuple3<Object, Integer, String>> corrupted() {
        return net.jqwik.api.Combinators.combine(JsonValues.values(3), Arbitraries.integers().between(0, 10_000),
                        Arbitraries.of("x", "\"", ",", "}", "]", "{", ":", " ", "\u0001", "-", "0", "é", "\\", "tru"))
                .as(Tuple::of);
    }

    @Property(tries = 300)
    void corruptedDocumentsAreBlockedAtTheFirstBadByte(@ForAll("corrupted") Tuple.Tuple3<Object, Integer, String> t) {
        CompiledGrammar cg = GRAMMARS.get(Whitespace.Kind.FLEXIBLE);
        String clean = JsonValues.render(t.get1(), Whitespace.Kind.FLEXIBLE, new Random(t.get2()));
        int at = t.get2() % (clean.length() + 1);
        String text = clean.substring(0, at) + t.get3() + clean.substring(at);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);

        // i = length of the longest viable prefix, by the reference recognizer, byte by byte
        ReferenceRecognizer.Cursor c = new ReferenceRecognizer(cg.bnf(), false).start();
        int i = 0;
        while (i < bytes.length && c.feed(new byte[] {bytes[i]})) {
            i++;
        }
        boolean complete = i == bytes.length && c.canEnd();

        Matcher m = cg.newMatcher();
        int start = 0;
        for (int id : TestVocab.gpt2().encode(text)) {
            int end = start + TestVocab.gpt2Index().tokenBytes(id).length;
            boolean accepted = m.accept(id);
            if (end <= i) {
                assertTrue(accepted, "blocked too early: token ending at " + end + ", first bad byte " + i + " in " + text);
            } else {
                assertFalse(accepted, "accepted past the first bad byte " + i + " (token " + start + ".." + end + ") in " + text);
                return;
            }
            start = end;
        }
        assertEquals(complete, m.isAccepting(), "end state of " + text);
    }

    /** Random JSON values and their rendering. */
    static final class JsonValues {
        static Arbitrary<Object> values(int depth) {
            Arbitrary<Object> scalar = Arbitraries.oneOf(
                    Arbitraries.strings().withCharRange(' ', '~').withChars('é', '日', '\n', '\t', '"', '\\', '\u0001').ofMaxLength(12).map(s -> s),
                    Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(8).map(s -> s),
                    Arbitraries.integers().between(-100000, 100000).map(i -> (Object) (long) i),
                    Arbitraries.doubles().between(-1e6, 1e6).ofScale(4).map(d -> (Object) d),
                    Arbitraries.of(true, false).map(b -> b),
                    Arbitraries.just(JSON_NULL));
            if (depth == 0) {
                return scalar;
            }
            Arbitrary<Object> list = values(depth - 1).list().ofMaxSize(4).map(l -> l);
            Arbitrary<Object> map = Arbitraries.maps(Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(6), values(depth - 1))
                    .ofMaxSize(4).map(m -> m);
            return Arbitraries.frequencyOf(Tuple.of(3, scalar), Tuple.of(2, list), Tuple.of(2, map));
        }

        static final Object JSON_NULL = new Object();

        static String render(Object v, Whitespace.Kind kind, Random rnd) {
            StringBuilder sb = new StringBuilder();
            if (kind == Whitespace.Kind.SPACED && rnd.nextBoolean()) {
                sb.append(' '); // the one space spaced allows before the value
            }
            ws(sb, kind, rnd);
            write(v, sb, kind, rnd);
            ws(sb, kind, rnd);
            return sb.toString();
        }

        private static void ws(StringBuilder sb, Whitespace.Kind kind, Random rnd) {
            if (kind == Whitespace.Kind.COMPACT || kind == Whitespace.Kind.SPACED || rnd.nextInt(3) == 0) {
                return;
            }
            int n = 1 + rnd.nextInt(kind == Whitespace.Kind.FLEXIBLE ? Whitespace.DEFAULT_MAX_RUN : 40);
            for (int i = 0; i < n; i++) {
                sb.append(" \t\n\r".charAt(rnd.nextInt(4)));
            }
        }

        @SuppressWarnings("unchecked")
        private static void write(Object v, StringBuilder sb, Whitespace.Kind kind, Random rnd) {
            if (v == JSON_NULL) {
                sb.append("null");
            } else if (v instanceof String s) {
                sb.append('"');
                for (char ch : s.toCharArray()) {
                    switch (ch) {
                        case '"' -> sb.append("\\\"");
                        case '\\' -> sb.append("\\\\");
                        case '\n' -> sb.append("\\n");
                        case '\t' -> sb.append(rnd.nextBoolean() ? "\\t" : "\\u0009");
                        default -> sb.append(ch < 0x20 ? String.format("\\u%04X", (int) ch) : String.valueOf(ch));
                    }
                }
                sb.append('"');
            } else if (v instanceof Double d) {
                sb.append(rnd.nextBoolean() ? d.toString().replace("E", "e") : String.valueOf(d));
            } else if (v instanceof List<?> l) {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        ws(sb, kind, rnd);
                        sb.append(kind == Whitespace.Kind.SPACED ? ", " : ",");
                    }
                    ws(sb, kind, rnd);
                    write(l.get(i), sb, kind, rnd);
                }
                ws(sb, kind, rnd);
                sb.append(']');
            } else if (v instanceof Map<?, ?> m) {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                    if (!first) {
                        sb.append(kind == Whitespace.Kind.SPACED ? ", " : ",");
                    }
                    first = false;
                    ws(sb, kind, rnd);
                    write(e.getKey(), sb, kind, rnd);
                    ws(sb, kind, rnd);
                    sb.append(kind == Whitespace.Kind.SPACED ? ": " : ":");
                    ws(sb, kind, rnd);
                    write(e.getValue(), sb, kind, rnd);
                }
                ws(sb, kind, rnd);
                sb.append('}');
            } else {
                sb.append(v);
            }
        }
    }
}
