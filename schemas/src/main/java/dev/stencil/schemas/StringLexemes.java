package dev.stencil.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stencil.automata.GrammarException;
import dev.stencil.automata.ir.Lexeme;
import dev.stencil.automata.json.JsonGrammar;
import dev.stencil.automata.regex.AnchoredRegex;
import dev.stencil.automata.regex.ByteDfa;
import dev.stencil.automata.regex.Regex;
import dev.stencil.automata.regex.RegexParser;
import dev.stencil.automata.regex.RegexSyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * String lexemes for {@code pattern}, {@code minLength}/{@code maxLength} and {@code format}: each
 * constraint becomes a regex over decoded values, is encoded to JSON string syntax
 * ({@link JsonStringEncoding}) and the byte automata are intersected. Because every spelling of
 * every value is kept, escaped and raw output are treated alike.
 */
final class StringLexemes {
    /** Above this, a {@code maxLength} automaton (about ten states per counted character) gets too big. */
    static final int MAX_COUNTED_LENGTH = 2000;

    /**
     * Formats whose grammar is known here: value regexes over code points (full match), built lazily
     * because some (the URI forms, date-time with its leap-second table) are large.
     */
    private static final Map<String, java.util.function.Supplier<List<Regex>>> FORMATS = Map.ofEntries(
            Map.entry("uuid", () -> List.of(RegexParser.parse(
                    "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"))),
            Map.entry("ipv4", () -> List.of(RegexParser.parse(Formats.IPV4))),
            Map.entry("ipv6", () -> List.of(RegexParser.parse(Formats.ipv6()))),
            Map.entry("date", () -> List.of(RegexParser.parse(Formats.DATE))),
            Map.entry("email", () -> List.of(RegexParser.parse(Formats.email()))),
            Map.entry("hostname", () -> List.of(RegexParser.parse(Formats.HOSTNAME))),
            Map.entry("uri", () -> List.of(RegexParser.parse(Formats.uri()))),
            Map.entry("uri-reference", () -> List.of(RegexParser.parse(Formats.uriReference()))),
            Map.entry("json-pointer", () -> List.of(RegexParser.parse(Formats.JSON_POINTER))),
            Map.entry("relative-json-pointer", () -> List.of(RegexParser.parse(Formats.RELATIVE_JSON_POINTER))),
            Map.entry("time", () -> List.of(RegexParser.parse(Formats.TIME))),
            Map.entry("date-time", () -> List.of(RegexParser.parse(Formats.DATE_TIME))),
            Map.entry("duration", () -> List.of(RegexParser.parse(Formats.DURATION))));

    /**
     * Format automata shared by all compilations (they depend on nothing but the format name):
     * key "raw:" + format for the value automaton, "json:" + format for the JSON string automaton.
     */
    private static final Map<String, ByteDfa> FORMAT_DFAS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The automaton of a known format, compiled once per process. For {@code hostname} the raw
     * automaton includes the 253-character total; the JSON one does not, because every character may
     * also be spelled as a six-byte escape and the product with a 253-step counter is too large: it is
     * used only where {@code maxLength} bounds the value to 63 code points or fewer (a bound up to 253
     * would imply the total too, but its product with the escape-aware length counter is too large).
     */
    static ByteDfa formatDfa(String format, boolean quoted) {
        return FORMAT_DFAS.computeIfAbsent((quoted ? "json:" : "raw:") + format, k -> {
            ByteDfa d = null;
            List<Regex> rs = new ArrayList<>(FORMATS.get(format).get());
            if (!quoted && format.equals("hostname")) {
                rs.add(Regex.repeat(Regex.any(), 1, Formats.HOSTNAME_MAX_LENGTH));
            }
            for (Regex r : rs) {
                ByteDfa x = ByteDfa.compile(quoted ? JsonStringEncoding.quoted(r) : r);
                d = d == null ? x : d.intersect(x);
            }
            java.util.function.Supplier<String> plain = PLAIN_ALTERNATIVES.get(format);
            if (plain != null) {
                Regex alt = RegexParser.parse(plain.get());
                d = d.union(ByteDfa.compile(quoted ? Regex.seq(Regex.literal("\""), alt, Regex.literal("\"")) : alt));
            }
            return d;
        });
    }

    /**
     * Further values of a format, compiled in plain spelling only (no JSON escapes inside the
     * string): the leap-second times, whose escape-aware automaton is too large. The values stay
     * producible; only their escaped spellings are not.
     */
    private static final Map<String, java.util.function.Supplier<String>> PLAIN_ALTERNATIVES = Map.of(
            "time", Formats::leapTime, "date-time", Formats::leapDateTime);

    /** Formats the specs define; a format outside this list is an unknown annotation, ignored. */
    private static final Set<String> KNOWN_FORMATS = Set.of("date-time", "date", "time", "duration", "email",
            "idn-email", "hostname", "idn-hostname", "ipv4", "ipv6", "uri", "uri-reference", "iri", "iri-reference",
            "uuid", "uri-template", "json-pointer", "relative-json-pointer", "regex");

    private final CompilationSession session;
    private final Map<String, Lexeme> cache = new HashMap<>();
    private final Map<String, ByteDfa> valueDfas = new HashMap<>();
    private final Map<Regex, ByteDfa> quotedDfas = new HashMap<>();
    /** States of the intersections this compilation built so far (see {@link #charged}). */
    private long intersectedStates;
    private ByteDfa anyString;

    StringLexemes(CompilationSession session) {
        this.session = session;
    }

    /** The value regexes (over code points, full-match) that {@code pattern} and {@code format} of s impose. */
    private List<Regex> valueRegexes(SchemaNode s, List<String> description, List<String> formats) {
        List<Regex> out = new ArrayList<>();
        JsonNode pattern = s.get("pattern");
        if (pattern != null && pattern.isTextual()) {
            out.add(searchRegex(pattern.asText(), s));
            description.add("p" + pattern.asText());
        }
        JsonNode format = s.get("format");
        if (format != null && format.isTextual() && session.options().formatAssertion()) {
            String f = format.asText();
            if (FORMATS.containsKey(f)) {
                formats.add(f);
                description.add("f" + f);
            } else if (KNOWN_FORMATS.contains(f)) {
                session.unsupported("format", s, "format '" + f + "' has no exact grammar yet; "
                        + "turn format assertion off to treat it as an annotation");
            }
        }
        return out;
    }

    /** ECMA-262 search semantics: a pattern matches anywhere unless anchored with ^ / $. */
    private Regex searchRegex(String pattern, SchemaNode s) {
        return searchRegex(pattern, s, "pattern");
    }

    private Regex searchRegex(String pattern, SchemaNode s, String keyword) {
        AnchoredRegex a;
        try {
            a = RegexParser.parseAnchored(pattern);
        } catch (RegexSyntaxException e) {
            throw new SchemaException(keyword, s.pointer(), "cannot compile /" + pattern + "/ exactly: "
                    + e.getMessage(), e);
        }
        Regex r = a.regex();
        if (!a.anchoredStart()) {
            r = Regex.seq(Regex.star(Regex.any()), r);
        }
        if (!a.anchoredEnd()) {
            r = Regex.seq(r, Regex.star(Regex.any()));
        }
        return r;
    }

    /** Automaton over raw UTF-8 values for pattern and format of one schema, or null when it has neither. */
    ByteDfa valueConstraint(SchemaNode s) {
        List<String> desc = new ArrayList<>();
        List<String> formats = new ArrayList<>();
        List<Regex> rs = valueRegexes(s, desc, formats);
        if (rs.isEmpty() && formats.isEmpty()) {
            return null;
        }
        String key = String.join("\u0000", desc);
        ByteDfa cached = valueDfas.get(key);
        if (cached != null) {
            return cached;
        }
        ByteDfa d = SharedAutomata.get("val\u0000" + key, () -> {
            ByteDfa v = null;
            for (Regex r : rs) {
                ByteDfa x = compile(r, s, "pattern");
                v = v == null ? x : v.intersect(x);
            }
            for (String f : formats) {
                v = v == null ? formatDfa(f, false) : v.intersect(formatDfa(f, false));
            }
            return v;
        });
        valueDfas.put(key, d);
        return d;
    }

    /**
     * The lexeme of strings allowed by all of {@code parts}, {@link JsonGrammar#stringLexeme()} when
     * they constrain nothing, or null when no string is allowed.
     */
    Lexeme lexeme(List<SchemaNode> parts) {
        List<String> desc = new ArrayList<>();
        List<Regex> constraints = new ArrayList<>();
        List<String> formats = new ArrayList<>();
        long min = 0;
        long max = -1;
        SchemaNode lengthAt = null;
        List<ByteDfa> excluded = new ArrayList<>();
        for (SchemaNode s : parts) {
            JsonNode not = s.get(Negation.NOT_STRING);
            if (not != null) {
                ByteDfa x = negatedStrings(session.child(s, not, ""));
                if (x != null) {
                    excluded.add(x);
                    desc.add("n" + session.id(not));
                }
            }
            constraints.addAll(valueRegexes(s, desc, formats));
            JsonNode mn = s.get("minLength");
            if (mn != null && mn.isNumber()) {
                min = Math.max(min, (long) Math.ceil(mn.asDouble()));
                lengthAt = s;
            }
            JsonNode mx = s.get("maxLength");
            if (mx != null && mx.isNumber()) {
                long v = (long) Math.floor(mx.asDouble());
                max = max < 0 ? v : Math.min(max, v);
                lengthAt = s;
            }
        }
        if (max >= 0 && min > max) {
            return null;
        }
        if (min > 0 || max >= 0) {
            if (Math.max(min, max) > MAX_COUNTED_LENGTH) {
                session.unsupported(max > MAX_COUNTED_LENGTH ? "maxLength" : "minLength", lengthAt,
                        "lengths above " + MAX_COUNTED_LENGTH + " code points are not compiled yet");
                if (max > MAX_COUNTED_LENGTH) {
                    max = -1;
                }
                min = Math.min(min, MAX_COUNTED_LENGTH);
            }
            if (min > 0 || max >= 0) {
                constraints.add(Regex.repeat(Regex.any(), (int) min, (int) max));
                desc.add("len" + min + "," + max);
            }
        }
        // a bound of 63 keeps the product with the length counter small; the total limit then holds trivially
        if (formats.contains("hostname") && (max < 0 || max > 63)) {
            SchemaNode at = parts.stream().filter(s -> s.get("format") != null && "hostname".equals(s.get("format").asText())).findFirst()
                    .orElse(parts.get(0));
            session.unsupported("format", at, "hostname's " + Formats.HOSTNAME_MAX_LENGTH + "-character limit "
                    + "needs a too large automaton over JSON string spellings; with \"maxLength\" <= 63 it is "
                    + "exact, or turn format assertion off");
            formats.remove("hostname");
        }
        if (constraints.isEmpty() && formats.isEmpty() && excluded.isEmpty()) {
            return JsonGrammar.stringLexeme();
        }
        desc.sort(null);
        String key = String.join("\u0000", desc);
        if (cache.containsKey(key)) {
            return cache.get(key);
        }
        SchemaNode lengthPointer = lengthAt == null ? parts.get(0) : lengthAt;
        // the key names the language exactly (patterns, formats, length bounds), so the automaton is
        // shared across compilations; negated parts are named by session ids and are not
        Supplier<ByteDfa> constrained = () -> constrainedStrings(constraints, formats, parts, lengthPointer);
        ByteDfa d = constraints.isEmpty() && formats.isEmpty() ? null
                : excluded.isEmpty() ? SharedAutomata.get("str\u0000" + key, constrained) : constrained.get();
        for (ByteDfa x : excluded) {
            try {
                d = x.complementWithin(d == null ? anyString(parts.get(0)) : d);
            } catch (GrammarException e) {
                throw tooLarge("not", parts, e);
            }
        }
        Lexeme lex = d.isEmptyLanguage() ? null : Lexeme.ofDfa("STR" + cache.size(), d);
        cache.put(key, lex);
        return lex;
    }

    /**
     * The JSON string spellings of the values every regex and format accepts. Stops at the first
     * empty intersection: combinations of anyOf/not branches are often contradictory, and the
     * rest of their constraints need not be intersected.
     */
    private ByteDfa constrainedStrings(List<Regex> constraints, List<String> formats, List<SchemaNode> parts,
            SchemaNode lengthAt) {
        ByteDfa d = null;
        for (Regex r : constraints) {
            ByteDfa x = quoted(r, lengthAt);
            d = d == null ? x : charged(intersect(d, x, parts, "pattern"), parts);
            if (d.isEmptyLanguage()) {
                return d;
            }
        }
        for (String f : formats) {
            d = d == null ? formatDfa(f, true) : intersect(d, formatDfa(f, true), parts, "format");
            if (d.isEmptyLanguage()) {
                return d;
            }
        }
        return d;
    }

    /**
     * The automaton of the JSON spellings of {@code r}'s strings, built once per compilation: the
     * combinations of a schema's anyOf/oneOf/not branches meet the same patterns and length bound
     * over and over (Handwritten/allany19: 58 combinations of a handful of patterns, each of
     * whose automata was rebuilt every time, 1–3 ms each).
     */
    private ByteDfa quoted(Regex r, SchemaNode at) {
        ByteDfa d = quotedDfas.get(r);
        if (d == null) {
            d = compile(JsonStringEncoding.quoted(r), at, "pattern");
            quotedDfas.put(r, d);
        }
        return d;
    }

    /**
     * Spellings of the strings a {@link Negation#NOT_STRING} group allows (to be excluded), or null
     * when it allows none. The group holds string-level keywords only, or an {@code enum} of strings.
     */
    private ByteDfa negatedStrings(SchemaNode group) {
        JsonNode values = group.get("enum");
        if (values != null) {
            ByteDfa d = null;
            for (JsonNode v : values) {
                ByteDfa x = literal(v.asText(), group).compile();
                d = d == null ? x : d.union(x);
            }
            return d;
        }
        Lexeme lex = lexeme(List.of(group));
        return lex == null ? null : lex.compile();
    }

    private ByteDfa anyString(SchemaNode at) {
        if (anyString == null) {
            anyString = compile(JsonStringEncoding.quoted(Regex.star(Regex.any())), at, "properties");
        }
        return anyString;
    }

    /** A JSON string literal whose decoded value is exactly {@code value}, in any spelling. */
    Lexeme literal(String value, SchemaNode at) {
        String key = "lit\u0000" + value;
        if (cache.containsKey(key)) {
            return cache.get(key);
        }
        if (hasLoneSurrogate(value)) {
            throw new SchemaException("enum", at.pointer(), "string with a lone surrogate cannot be produced as UTF-8");
        }
        boolean canonical = session.options().canonicalLiterals();
        Lexeme lex = Lexeme.ofDfa("LIT" + cache.size(), SharedAutomata.get(
                (canonical ? "lit1\u0000" : "lit0\u0000") + value, () -> {
                    // canonical: the one spelling JSON serialisers write (raw characters, short escapes);
                    // otherwise every spelling, escapes included, that decodes to the value
                    ByteDfa d = canonical ? null : JsonStringEncoding.quotedLiteral(value);
                    return d != null ? d : compile(canonical ? canonicalQuoted(value)
                            : JsonStringEncoding.quoted(Regex.literal(value)), at, "enum");
                }));
        cache.put(key, lex);
        return lex;
    }

    /** {@code value} as the one JSON string literal a serialiser writes (Jackson's escaping). */
    private static Regex canonicalQuoted(String value) {
        if (hasLoneSurrogate(value)) {
            throw new IllegalArgumentException("lone surrogate");
        }
        return Regex.literal(JsonValues.quote(value));
    }

    /** Whether {@code value} has a surrogate outside a pair (no UTF-8 spelling). */
    private static boolean hasLoneSurrogate(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(++i)))) {
                return true;
            }
        }
        return false;
    }

    /** String literals whose decoded value is none of {@code names}: keys of additional properties. */
    Lexeme excluding(List<String> names, SchemaNode at) {
        if (names.isEmpty()) {
            return JsonGrammar.stringLexeme();
        }
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        String key = "not\u0000" + String.join("\u0000", sorted);
        if (cache.containsKey(key)) {
            return cache.get(key);
        }
        ByteDfa others = SharedAutomata.get(key, () -> {
            ByteDfa named = sorted.stream().anyMatch(StringLexemes::hasLoneSurrogate) ? null
                    : JsonStringEncoding.quotedLiterals(sorted);
            if (named == null) {
                List<Regex> alts = new ArrayList<>();
                for (String n : sorted) {
                    alts.add(Regex.literal(n));
                }
                named = compile(JsonStringEncoding.quoted(Regex.alt(alts)), at, "properties");
            }
            return named.complementWithin(anyString(at));
        });
        Lexeme lex = Lexeme.ofDfa("XKEY" + cache.size(), others);
        cache.put(key, lex);
        return lex;
    }


    private final Map<String, ByteDfa> rawPatterns = new HashMap<>();
    private final Map<String, ByteDfa> quotedPatterns = new HashMap<>();

    /** Whether the ECMA-262 {@code pattern} finds a match in {@code value} (the patternProperties test). */
    boolean patternMatches(String pattern, String value, SchemaNode at) {
        ByteDfa d = rawPatterns.computeIfAbsent(pattern, p -> SharedAutomata.get("rawpat\u0000" + p,
                () -> compile(searchRegex(p, at, "patternProperties"), at, "patternProperties")));
        return d.matches(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Keys that match exactly the patterns in the bit mask {@code patterns}. */
    record KeyRegion(long patterns, Lexeme keys) {
    }

    private int regionCount;

    /** Non-empty regions an object may have before the enumeration is a compile error. */
    static final int MAX_KEY_REGIONS = 128;

    /**
     * The non-empty regions of the key space: keys equal to none of {@code names}, accepted by every
     * {@code keyRules} automaton, split by which of {@code patterns} they match. Enumerated depth
     * first, pattern by pattern (matches / does not match), dropping a branch as soon as its key set
     * is empty: with mostly disjoint patterns this is linear in their number, not 2^n.
     */
    List<KeyRegion> keyRegions(List<String> patterns, List<String> names, List<ByteDfa> keyRules, SchemaNode at,
            List<SchemaNode> owners) {
        ByteDfa d = excluding(names, at).compile();
        for (ByteDfa r : keyRules) {
            d = d.intersect(r);
        }
        List<KeyRegion> out = new ArrayList<>();
        if (!d.isEmptyLanguage()) {
            split(d, 0, 0L, patterns, owners, out, at);
        }
        return out;
    }

    private void split(ByteDfa keys, int i, long mask, List<String> patterns, List<SchemaNode> owners,
            List<KeyRegion> out, SchemaNode at) {
        if (i == patterns.size()) {
            if (out.size() >= MAX_KEY_REGIONS) {
                throw new SchemaException("patternProperties", at.pointer(), "more than " + MAX_KEY_REGIONS
                        + " distinct combinations of patterns match keys of one object");
            }
            out.add(new KeyRegion(mask, Lexeme.ofDfa("KEY" + (regionCount++), keys)));
            return;
        }
        ByteDfa p = quotedPattern(patterns.get(i), owners.get(i));
        ByteDfa in = keys.intersect(p);
        if (!in.isEmptyLanguage()) {
            split(in, i + 1, mask | (1L << i), patterns, owners, out, at);
        }
        ByteDfa rest = p.complementWithin(keys);
        if (!rest.isEmptyLanguage()) {
            split(rest, i + 1, mask, patterns, owners, out, at);
        }
    }

    private ByteDfa quotedPattern(String pattern, SchemaNode at) {
        return quotedPatterns.computeIfAbsent(pattern, p -> SharedAutomata.get("qpat\u0000" + p,
                () -> compile(JsonStringEncoding.quoted(searchRegex(p, at, "patternProperties")), at,
                        "patternProperties")));
    }

    /**
     * Automaton states the string-constraint intersections of one compilation may produce in all.
     * Each combination of anyOf/oneOf/not branches intersects its own constraints, and with a
     * length bound each product carries the escape-aware length counter: Handwritten/allany19's 58
     * combinations built one ~84,000-state automaton after another for 1.2–2.9 s before one went
     * over the per-automaton cap; with this budget it fails in about half a second, and every
     * JSONSchemaBench schema that compiled without it still compiles (8,837, allany20 included).
     */
    static final long MAX_INTERSECTED_STATES = 400_000;

    /** Counts {@code d}'s states against {@link #MAX_INTERSECTED_STATES}; returns {@code d}. */
    private ByteDfa charged(ByteDfa d, List<SchemaNode> parts) {
        intersectedStates += d.stateCount();
        if (intersectedStates > MAX_INTERSECTED_STATES) {
            throw new SchemaException("pattern", parts.get(0).pointer(), "the string constraints of this schema's "
                    + "combinations (last from " + pointers(parts) + ") need more than " + MAX_INTERSECTED_STATES
                    + " automaton states in all; too complex to compile exactly");
        }
        return d;
    }

    /** {@code a ∩ b}, or a compile error naming the keyword that added {@code b} and where the constraints meet. */
    private static ByteDfa intersect(ByteDfa a, ByteDfa b, List<SchemaNode> parts, String keyword) {
        try {
            return a.intersect(b);
        } catch (GrammarException e) {
            throw tooLarge(keyword, parts, e);
        }
    }

    /** The JSON pointers of {@code parts}, comma-separated (for error messages). */
    private static String pointers(List<SchemaNode> parts) {
        StringBuilder where = new StringBuilder();
        for (SchemaNode p : parts) {
            where.append(where.length() == 0 ? "" : ", ").append(p.pointer());
        }
        return where.toString();
    }

    private static SchemaException tooLarge(String keyword, List<SchemaNode> parts, GrammarException e) {
        return new SchemaException(keyword, parts.get(0).pointer(), "the string constraints that apply together here (from "
                + pointers(parts) + ") combine into an automaton too large to compile exactly: " + e.getMessage(), e);
    }

    private static ByteDfa compile(Regex r, SchemaNode at, String keyword) {
        try {
            return ByteDfa.compile(r);
        } catch (GrammarException e) {
            throw new SchemaException(keyword, at.pointer(), "automaton too large: " + e.getMessage(), e);
        }
    }
}
