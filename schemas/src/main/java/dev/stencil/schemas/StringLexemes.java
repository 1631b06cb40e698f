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

/**
 * String lexemes for {@code pattern}, {@code minLength}/{@code maxLength} and {@code format}: each
 * constraint becomes a regex over decoded values, is encoded to JSON string syntax
 * ({@link JsonStringEncoding}) and the byte automata are intersected. Because every spelling of
 * every value is kept, escaped and raw output are treated alike.
 */
final class StringLexemes {
    /** Above this, a {@code maxLength} automaton (about ten states per counted character) gets too big. */
    static final int MAX_COUNTED_LENGTH = 2000;

    /** Formats whose grammar is known here; value regexes over code points. */
    private static final Map<String, String> FORMATS = Map.of(
            "uuid", "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
            "ipv4", Formats.IPV4,
            "ipv6", Formats.ipv6(),
            "date", Formats.DATE);

    /** Formats the specs define; a format outside this list is an unknown annotation, ignored. */
    private static final Set<String> KNOWN_FORMATS = Set.of("date-time", "date", "time", "duration", "email",
            "idn-email", "hostname", "idn-hostname", "ipv4", "ipv6", "uri", "uri-reference", "iri", "iri-reference",
            "uuid", "uri-template", "json-pointer", "relative-json-pointer", "regex");

    private final CompilationSession session;
    private final Map<String, Lexeme> cache = new HashMap<>();
    private final Map<String, ByteDfa> valueDfas = new HashMap<>();
    private ByteDfa anyString;

    StringLexemes(CompilationSession session) {
        this.session = session;
    }

    /** The value regexes (over code points, full-match) that {@code pattern} and {@code format} of s impose. */
    private List<Regex> valueRegexes(SchemaNode s, List<String> description) {
        List<Regex> out = new ArrayList<>();
        JsonNode pattern = s.get("pattern");
        if (pattern != null && pattern.isTextual()) {
            out.add(searchRegex(pattern.asText(), s));
            description.add("p" + pattern.asText());
        }
        JsonNode format = s.get("format");
        if (format != null && format.isTextual() && session.options().formatAssertion()) {
            String f = format.asText();
            String re = FORMATS.get(f);
            if (re != null) {
                out.add(RegexParser.parse(re));
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
        AnchoredRegex a;
        try {
            a = RegexParser.parseAnchored(pattern);
        } catch (RegexSyntaxException e) {
            throw new SchemaException("pattern", s.pointer(), "cannot compile /" + pattern + "/ exactly: "
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
        List<Regex> rs = valueRegexes(s, desc);
        if (rs.isEmpty()) {
            return null;
        }
        String key = String.join("\u0000", desc);
        ByteDfa cached = valueDfas.get(key);
        if (cached != null) {
            return cached;
        }
        ByteDfa d = null;
        for (Regex r : rs) {
            ByteDfa x = compile(r, s, "pattern");
            d = d == null ? x : d.intersect(x);
        }
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
        long min = 0;
        long max = -1;
        SchemaNode lengthAt = null;
        for (SchemaNode s : parts) {
            constraints.addAll(valueRegexes(s, desc));
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
        if (constraints.isEmpty()) {
            return JsonGrammar.stringLexeme();
        }
        desc.sort(null);
        String key = String.join("\u0000", desc);
        if (cache.containsKey(key)) {
            return cache.get(key);
        }
        ByteDfa d = null;
        for (Regex r : constraints) {
            ByteDfa x = compile(JsonStringEncoding.quoted(r), lengthAt == null ? parts.get(0) : lengthAt, "pattern");
            d = d == null ? x : d.intersect(x);
        }
        Lexeme lex = d.isEmptyLanguage() ? null : Lexeme.ofDfa("STR" + cache.size(), d);
        cache.put(key, lex);
        return lex;
    }

    /** A JSON string literal whose decoded value is exactly {@code value}, in any spelling. */
    Lexeme literal(String value, SchemaNode at) {
        String key = "lit\u0000" + value;
        if (cache.containsKey(key)) {
            return cache.get(key);
        }
        Regex r;
        try {
            r = JsonStringEncoding.quoted(Regex.literal(value));
        } catch (IllegalArgumentException e) {
            throw new SchemaException("enum", at.pointer(), "string with a lone surrogate cannot be produced as UTF-8");
        }
        Lexeme lex = Lexeme.ofDfa("LIT" + cache.size(), compile(r, at, "enum"));
        cache.put(key, lex);
        return lex;
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
        if (anyString == null) {
            anyString = compile(JsonStringEncoding.quoted(Regex.star(Regex.any())), at, "properties");
        }
        List<Regex> alts = new ArrayList<>();
        for (String n : sorted) {
            alts.add(Regex.literal(n));
        }
        ByteDfa named = compile(JsonStringEncoding.quoted(Regex.alt(alts)), at, "properties");
        Lexeme lex = Lexeme.ofDfa("XKEY" + cache.size(), named.complementWithin(anyString));
        cache.put(key, lex);
        return lex;
    }

    private static ByteDfa compile(Regex r, SchemaNode at, String keyword) {
        try {
            return ByteDfa.compile(r);
        } catch (GrammarException e) {
            throw new SchemaException(keyword, at.pointer(), "automaton too large: " + e.getMessage(), e);
        }
    }
}
