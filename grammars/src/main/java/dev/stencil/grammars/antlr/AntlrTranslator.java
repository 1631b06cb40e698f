package dev.stencil.grammars.antlr;

import dev.stencil.automata.GrammarException;
import dev.stencil.automata.ir.Expr;
import dev.stencil.automata.ir.Lexeme;
import dev.stencil.automata.ir.ModeCommand;
import dev.stencil.automata.regex.CodePointSet;
import dev.stencil.automata.regex.Regex;
import dev.stencil.grammars.GrammarSyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.antlr.runtime.tree.Tree;
import org.antlr.v4.automata.LexerATNFactory;
import org.antlr.v4.misc.CharSupport;
import org.antlr.v4.parse.ANTLRParser;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.Interval;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.antlr.v4.tool.Grammar;
import org.antlr.v4.tool.LeftRecursiveRule;
import org.antlr.v4.tool.LexerGrammar;
import org.antlr.v4.tool.Rule;
import org.antlr.v4.tool.ast.GrammarAST;
import org.antlr.v4.tool.ast.QuantifierAST;

/**
 * Translates ANTLR's processed grammar model to the IR.
 *
 * <p>Lexer: every non-fragment lexer rule becomes one lexeme (fragments are inlined) whose
 * priority is the rule's position, so ties go to the rule defined first; the implicit tokens that
 * parser-rule literals create come first, as in ANTLR. {@code -> skip} and {@code -> channel(..)}
 * rules become ignorables, {@code -> type(X)} makes the lexeme a token of type X. A rule whose
 * body contains a non-greedy loop ({@code .*?}) gets the language ANTLR's ordered simulation gives
 * it ({@link OrderedLexerRule}): the order of alternatives decides which threads survive an accept,
 * so {@code '/' ('\\' '/' | ~'/')*? '/' [a-z]*} keeps escapes and trailing flags.
 * Lexer modes become IR modes with the same commands ({@code pushMode}, {@code popMode},
 * {@code mode}); {@code more} is translated as {@code skip}, which the parser cannot tell apart.
 * A rule that refers to {@code EOF} also gets an end-only lexeme for its matches through it.
 *
 * <p>Parser: rules keep their structure; left-recursive rules are taken in their original,
 * unrewritten form because the Earley core handles left recursion. A token reference becomes the
 * alternation of the lexemes that produce that token type. {@code EOF} is
 * {@code Lexeme.endOfInput()}, which the parser takes only once the input has ended (so
 * {@code eol : NEWLINE | EOF} cannot match in the middle). Actions and predicates are dropped with a warning each (the
 * language becomes a superset), or rejected in strict mode.
 */
final class AntlrTranslator {
    private static final String ALL_TOKENS_RULE = "$tokens";

    private final Grammar g;
    private final LexerGrammar lg;
    private final boolean strict;
    private final LexerATNFactory charSets;
    // a combined grammar's implicit lexer repeats its named actions: report each once
    private final Set<String> warnings = new java.util.LinkedHashSet<>();
    private final Map<String, Regex> fragmentCache = new HashMap<>();
    private final Set<String> inProgress = new HashSet<>();
    private final Map<String, boolean[]> fragmentFlags = new HashMap<>();
    private final Map<Integer, List<Lexeme>> lexemesByType = new LinkedHashMap<>();
    private boolean nonGreedy;
    /** Whether the rule being translated refers to {@code EOF}: then it goes through {@link OrderedLexerRule}. */
    private boolean refersToEof;

    AntlrTranslator(Grammar g, LexerGrammar lg, boolean strict) {
        this.g = g;
        this.lg = lg;
        this.strict = strict;
        this.charSets = new LexerATNFactory(lg);
    }

    AntlrGrammar translate(String startRule) {
        dev.stencil.automata.ir.Grammar.Builder b = dev.stencil.automata.ir.Grammar.builder(g.name != null ? g.name : g.ast.getChild(0).getText());
        checkGrammarLevelCode(g);
        if (lg != g) {
            checkGrammarLevelCode(lg);
        }
        translateLexer(b);
        String first = null;
        for (Rule r : g.rules.values()) {
            if (Grammar.isTokenName(r.name)) {
                continue;
            }
            if (first == null) {
                first = r.name;
            }
            GrammarAST ast = r instanceof LeftRecursiveRule lr ? lr.getOriginalAST() : r.ast;
            b.rule(r.name, parserBlock(block(ast)));
        }
        if (first == null) {
            throw error(g.ast, "the grammar has no parser rules");
        }
        String start = startRule != null ? startRule : first;
        if (!g.rules.containsKey(start) || Grammar.isTokenName(start)) {
            throw new GrammarSyntaxException(file(g.ast), 0, 0, "start rule '" + start + "' is not a parser rule of grammar " + g.name);
        }
        // Every lexer rule must compete at every boundary (ANTLR lexes before it parses), including
        // rules no parser rule mentions; an unreachable rule listing them all puts them in the IR.
        List<Expr> all = new ArrayList<>();
        lexemesByType.values().forEach(ls -> ls.forEach(l -> all.add(Expr.lex(l))));
        if (!all.isEmpty()) {
            b.rule(ALL_TOKENS_RULE, new Expr.Alt(all));
        }
        return new AntlrGrammar(b.start(start).build(), List.copyOf(warnings), g, lg);
    }

    // ------------------------------------------------------------------ lexer

    private void translateLexer(dev.stencil.automata.ir.Grammar.Builder b) {
        for (String mode : lg.modes.keySet()) {
            b.mode(mode); // ids in declaration order; DEFAULT_MODE is always 0
        }
        int priority = 0;
        for (Rule r : lg.rules.values()) {
            priority++;
            if (r.isFragment()) {
                continue;
            }
            // group the alternatives by their commands: usually one group for the whole rule
            Map<String, List<Regex>> groups = new LinkedHashMap<>();
            Map<String, List<GrammarAST>> groupBodies = new LinkedHashMap<>();
            Map<String, GrammarAST> groupCommands = new LinkedHashMap<>();
            nonGreedy = false;
            refersToEof = false;
            GrammarAST block = block(r.ast);
            for (GrammarAST alt : children(block)) {
                GrammarAST commands = null;
                GrammarAST body = alt;
                if (alt.getType() == ANTLRParser.LEXER_ALT_ACTION) {
                    body = (GrammarAST) alt.getChild(0);
                    commands = alt;
                }
                if (body.getType() != ANTLRParser.ALT) {
                    continue; // options of the block
                }
                String key = commands == null ? "" : commandKey(commands);
                groups.computeIfAbsent(key, k -> new ArrayList<>()).add(lexer(body, r));
                groupBodies.computeIfAbsent(key, k -> new ArrayList<>()).add(body);
                groupCommands.putIfAbsent(key, commands);
            }
            int mode = b.mode(r.mode != null ? r.mode : "DEFAULT_MODE");
            int k = 0;
            for (Map.Entry<String, List<Regex>> e : groups.entrySet()) {
                String name = groups.size() == 1 ? r.name : r.name + "#" + (++k);
                GrammarAST commands = groupCommands.get(e.getKey());
                int type = lg.getTokenType(r.name);
                boolean hidden = false;
                List<ModeCommand> modeCommands = new ArrayList<>();
                if (commands != null) {
                    for (int i = 1; i < commands.getChildCount(); i++) {
                        GrammarAST c = (GrammarAST) commands.getChild(i);
                        String cmd = c.getType() == ANTLRParser.LEXER_ACTION_CALL ? c.getChild(0).getText() : c.getText();
                        switch (cmd) {
                            // 'more' glues the text to the next token: for the parser, which sees only
                            // that token's type, it is the same as skipping it (at the end of the input
                            // ANTLR emits EOF in both cases)
                            case "skip", "channel", "more" -> hidden = true;
                            case "type" -> type = tokenTypeOf(c.getChild(1).getText(), c);
                            case "pushMode" -> modeCommands.add(ModeCommand.push(modeId(b, c)));
                            case "mode" -> modeCommands.add(ModeCommand.set(modeId(b, c)));
                            case "popMode" -> modeCommands.add(ModeCommand.pop());
                            default -> throw error(c, "unknown lexer command '" + cmd + "' in rule " + r.name);
                        }
                    }
                }
                if (groups.size() > 1 && !modeCommands.isEmpty()) {
                    // alternatives of one rule tie at the same length, and ANTLR then takes the first
                    // alternative; the IR's ties are by rule, so it cannot tell them apart
                    throw error(commands, "rule " + r.name + " has alternatives with different lexer commands"
                            + " that switch modes; Stencil cannot order them (split the rule)");
                }
                for (Lexeme lexeme : lexemes(name, Regex.alt(e.getValue()), groupBodies.get(e.getKey()), r)) {
                    b.priority(lexeme, priority);
                    b.lexemeMode(lexeme, mode);
                    if (!modeCommands.isEmpty()) {
                        b.modeCommands(lexeme, modeCommands);
                    }
                    if (lexeme.name().endsWith(AT_EOF_SUFFIX)) {
                        b.endOnly(lexeme);
                    }
                    if (hidden) {
                        b.ignorable(lexeme, true);
                    } else {
                        lexemesByType.computeIfAbsent(type, t -> new ArrayList<>()).add(lexeme);
                    }
                }
            }
        }
    }

    /** Suffix of the lexeme that holds a rule's matches through {@code EOF} (see {@link #lexemes}). */
    private static final String AT_EOF_SUFFIX = "@EOF";

    private int modeId(dev.stencil.automata.ir.Grammar.Builder b, GrammarAST command) {
        String mode = command.getChild(1).getText();
        if (!lg.modes.containsKey(mode)) {
            throw error(command, "lexer command " + command.getChild(0).getText() + "(" + mode + ") names no mode of the lexer");
        }
        return b.mode(mode);
    }

    private static String commandKey(GrammarAST commands) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < commands.getChildCount(); i++) {
            sb.append(commands.getChild(i).toStringTree()).append(';');
        }
        return sb.toString();
    }

    private int tokenTypeOf(String name, GrammarAST at) {
        int t = lg.getTokenType(name);
        if (t == Token.INVALID_TYPE) {
            t = g.getTokenType(name);
        }
        if (t == Token.INVALID_TYPE) {
            throw error(at, "type(" + name + ") names no token");
        }
        return t;
    }

    /**
     * The lexemes of one rule (or one command group of it): usually one; a rule that refers to
     * {@code EOF} gets a second, end-only lexeme {@code name@EOF} for its matches through
     * {@code EOF} (and no first one if every match needs {@code EOF}).
     */
    private List<Lexeme> lexemes(String name, Regex regex, List<GrammarAST> alts, Rule r) {
        try {
            Lexeme l;
            Lexeme end = null;
            if (nonGreedy || refersToEof) {
                // ANTLR's non-greedy loops depend on the order of alternatives, and EOF is a symbol
                // of its own: see OrderedLexerRule
                OrderedLexerRule a = orderedRule(alts, r);
                l = Lexeme.ofDfa(name, a.language(name, orderedStart, orderedStop));
                if (refersToEof) {
                    end = Lexeme.ofDfa(name + AT_EOF_SUFFIX, a.languageAtEof());
                }
            } else {
                l = Lexeme.of(name, regex);
            }
            List<Lexeme> out = new ArrayList<>();
            if (l.compile().acceptsEmpty()) {
                throw error(r.ast, "lexer rule " + r.name + " matches the empty string, which ANTLR forbids too");
            }
            if (!refersToEof || !l.compile().isEmptyLanguage()) {
                out.add(l);
            }
            if (end != null) {
                if (end.compile().acceptsEmpty()) {
                    throw error(r.ast, "lexer rule " + r.name + " matches the empty string at the end of the input");
                }
                if (!end.compile().isEmptyLanguage()) {
                    out.add(end);
                }
            }
            if (out.isEmpty()) {
                throw error(r.ast, "lexer rule " + r.name + " matches nothing");
            }
            return out;
        } catch (GrammarSyntaxException e) {
            throw e;
        } catch (GrammarException | IllegalArgumentException | IllegalStateException e) {
            throw error(r.ast, "lexer rule " + r.name + " cannot be compiled: " + e.getMessage());
        }
    }

    private int orderedStart;
    private int orderedStop;

    private OrderedLexerRule orderedRule(List<GrammarAST> alts, Rule r) {
        OrderedLexerRule a = new OrderedLexerRule();
        orderedStart = a.newState();
        orderedStop = a.newState();
        for (GrammarAST alt : alts) {
            int s = a.newState();
            a.epsilon(orderedStart, s);
            a.epsilon(nfa(a, alt, r, s, new HashSet<>()), orderedStop);
        }
        return a;
    }

    /** Thompson construction with ANTLR's ordering of epsilon edges; returns the end state of {@code t} begun at {@code from}. */
    private int nfa(OrderedLexerRule a, GrammarAST t, Rule r, int from, Set<String> inlining) {
        switch (t.getType()) {
            case ANTLRParser.ALT: {
                int at = from;
                for (GrammarAST c : children(t)) {
                    if (c.getType() != ANTLRParser.ELEMENT_OPTIONS) {
                        at = nfa(a, c, r, at, inlining);
                    }
                }
                return at;
            }
            case ANTLRParser.LEXER_ALT_ACTION:
                return nfa(a, (GrammarAST) t.getChild(0), r, from, inlining);
            case ANTLRParser.BLOCK: {
                int end = a.newState();
                for (GrammarAST c : children(t)) {
                    if (c.getType() == ANTLRParser.ALT || c.getType() == ANTLRParser.LEXER_ALT_ACTION) {
                        int s = a.newState();
                        a.epsilon(from, s);
                        a.epsilon(nfa(a, c, r, s, inlining), end);
                    }
                }
                return end;
            }
            case ANTLRParser.CLOSURE:
            case ANTLRParser.POSITIVE_CLOSURE:
            case ANTLRParser.OPTIONAL: {
                boolean greedy = !(t instanceof QuantifierAST q) || q.isGreedy();
                GrammarAST body = (GrammarAST) t.getChild(0);
                int end = a.newState();
                if (t.getType() == ANTLRParser.OPTIONAL) {
                    int decision = a.newState();
                    a.epsilon(from, decision);
                    int s = a.newState();
                    int bodyEnd = nfa(a, body, r, s, inlining);
                    a.epsilon(bodyEnd, end);
                    orderedChoice(a, decision, s, end, greedy);
                    return end;
                }
                if (t.getType() == ANTLRParser.CLOSURE) {
                    int entry = a.newState(); // StarLoopEntry: the decision ANTLR marks non-greedy
                    a.epsilon(from, entry);
                    int s = a.newState();
                    int bodyEnd = nfa(a, body, r, s, inlining);
                    a.epsilon(bodyEnd, entry);
                    orderedChoice(a, entry, s, end, greedy);
                    return end;
                }
                int s = a.newState();
                a.epsilon(from, s);
                int bodyEnd = nfa(a, body, r, s, inlining);
                int loop = a.newState(); // PlusLoopback: the decision ANTLR marks non-greedy
                a.epsilon(bodyEnd, loop);
                orderedChoice(a, loop, s, end, greedy);
                return end;
            }
            case ANTLRParser.STRING_LITERAL: {
                String s = CharSupport.getStringFromGrammarStringLiteral(t.getText());
                if (s == null) {
                    throw error(t, "invalid string literal " + t.getText());
                }
                int at = from;
                for (int cp : s.codePoints().toArray()) {
                    int n = a.newState();
                    a.edge(at, r.caseInsensitive ? caseVariants(cp, cp) : CodePointSet.single(cp), n);
                    at = n;
                }
                return at;
            }
            case ANTLRParser.LEXER_CHAR_SET:
            case ANTLRParser.RANGE:
            case ANTLRParser.SET:
            case ANTLRParser.NOT:
            case ANTLRParser.WILDCARD: {
                int n = a.newState();
                a.edge(from, t.getType() == ANTLRParser.WILDCARD ? CodePointSet.any() : charSet(t, r), n);
                return n;
            }
            case ANTLRParser.TOKEN_REF: {
                if (t.getText().equals("EOF")) {
                    int n = a.newState();
                    a.eofEdge(from, n);
                    return n;
                }
                Rule ref = lg.getRule(t.getText());
                if (ref == null || !inlining.add(ref.name)) {
                    throw error(t, "lexer rule " + r.name + " refers to undefined or recursive rule " + t.getText());
                }
                int end = nfa(a, block(ref.ast), ref, from, inlining);
                inlining.remove(ref.name);
                return end;
            }
            case ANTLRParser.EPSILON:
            case ANTLRParser.ACTION:
            case ANTLRParser.SEMPRED:
                return from;
            default:
                throw error(t, "unsupported lexer construct '" + t.getText() + "' in rule " + r.name);
        }
    }

    /** A decision: greedy tries the body first, non-greedy the exit first (and marks the decision). */
    private static void orderedChoice(OrderedLexerRule a, int decision, int body, int exit, boolean greedy) {
        if (greedy) {
            a.epsilon(decision, body, exit);
        } else {
            a.markNonGreedy(decision);
            a.epsilon(decision, exit, body);
        }
    }

    private Regex lexer(GrammarAST t, Rule r) {
        switch (t.getType()) {
            case ANTLRParser.ALT: {
                List<Regex> parts = new ArrayList<>();
                for (GrammarAST c : children(t)) {
                    if (c.getType() == ANTLRParser.ELEMENT_OPTIONS) {
                        continue;
                    }
                    parts.add(lexer(c, r));
                }
                return Regex.seq(parts);
            }
            case ANTLRParser.BLOCK: {
                List<Regex> alts = new ArrayList<>();
                for (GrammarAST c : children(t)) {
                    if (c.getType() == ANTLRParser.ALT || c.getType() == ANTLRParser.LEXER_ALT_ACTION) {
                        alts.add(lexer(c.getType() == ANTLRParser.ALT ? c : (GrammarAST) c.getChild(0), r));
                    }
                }
                return Regex.alt(alts);
            }
            case ANTLRParser.CLOSURE:
            case ANTLRParser.POSITIVE_CLOSURE:
            case ANTLRParser.OPTIONAL: {
                if (t instanceof QuantifierAST q && !q.isGreedy()) {
                    nonGreedy = true;
                }
                Regex body = lexer((GrammarAST) t.getChild(0), r);
                return t.getType() == ANTLRParser.CLOSURE ? Regex.star(body)
                        : t.getType() == ANTLRParser.POSITIVE_CLOSURE ? Regex.plus(body) : Regex.optional(body);
            }
            case ANTLRParser.STRING_LITERAL: {
                String s = CharSupport.getStringFromGrammarStringLiteral(t.getText());
                if (s == null) {
                    throw error(t, "invalid string literal " + t.getText());
                }
                if (!r.caseInsensitive) {
                    return Regex.literal(s);
                }
                List<Regex> chars = new ArrayList<>();
                s.codePoints().forEach(cp -> chars.add(Regex.chars(caseVariants(cp, cp))));
                return Regex.seq(chars);
            }
            case ANTLRParser.LEXER_CHAR_SET:
            case ANTLRParser.RANGE:
            case ANTLRParser.SET:
            case ANTLRParser.NOT:
                return Regex.chars(charSet(t, r));
            case ANTLRParser.WILDCARD:
                return Regex.any();
            case ANTLRParser.TOKEN_REF:
                return tokenRef(t, r);
            case ANTLRParser.EPSILON:
                return Regex.empty();
            case ANTLRParser.ACTION:
            case ANTLRParser.SEMPRED:
                ignored(t, r);
                return Regex.empty();
            default:
                throw error(t, "unsupported lexer construct '" + t.getText() + "' in rule " + r.name);
        }
    }

    private Regex tokenRef(GrammarAST t, Rule r) {
        String name = t.getText();
        if (name.equals("EOF")) {
            refersToEof = true; // the rule is translated by OrderedLexerRule, which knows EOF
            return Regex.empty();
        }
        Rule ref = lg.getRule(name);
        if (ref == null) {
            throw error(t, "lexer rule " + r.name + " refers to undefined rule " + name);
        }
        Regex cached = fragmentCache.get(name);
        if (cached != null) {
            // a cached fragment still makes the rule non-greedy or EOF-aware
            nonGreedy |= fragmentFlags.get(name)[0];
            refersToEof |= fragmentFlags.get(name)[1];
            return cached;
        }
        if (!inProgress.add(name)) {
            throw error(t, "lexer rule " + name + " is recursive; recursive lexer rules are not regular and are not supported");
        }
        boolean savedNonGreedy = nonGreedy;
        boolean savedEof = refersToEof;
        nonGreedy = false;
        refersToEof = false;
        Regex body = lexer(block(ref.ast), ref);
        inProgress.remove(name);
        fragmentCache.put(name, body);
        fragmentFlags.put(name, new boolean[] {nonGreedy, refersToEof});
        nonGreedy |= savedNonGreedy;
        refersToEof |= savedEof;
        return body;
    }

    /** The code points of a one-character lexer element: a set, range, char literal, {@code ~x} or a set-like rule. */
    private CodePointSet charSet(GrammarAST t, Rule r) {
        switch (t.getType()) {
            case ANTLRParser.LEXER_CHAR_SET: {
                charSets.currentRule = r;
                return fromIntervals(charSets.getSetFromCharSetLiteral(t));
            }
            case ANTLRParser.RANGE: {
                int a = CharSupport.getCharValueFromGrammarCharLiteral(t.getChild(0).getText());
                int z = CharSupport.getCharValueFromGrammarCharLiteral(t.getChild(1).getText());
                if (a < 0 || z < 0 || z < a) {
                    throw error(t, "invalid range " + t.toStringTree());
                }
                return r.caseInsensitive ? caseVariants(a, z) : CodePointSet.of(a, z);
            }
            case ANTLRParser.NOT:
                return charSet((GrammarAST) t.getChild(0), r).complement();
            case ANTLRParser.SET: {
                CodePointSet s = CodePointSet.empty();
                for (GrammarAST c : children(t)) {
                    s = s.union(charSet(c, r));
                }
                return s;
            }
            case ANTLRParser.BLOCK: {
                CodePointSet s = CodePointSet.empty();
                for (GrammarAST alt : children(t)) {
                    if (alt.getType() == ANTLRParser.ALT && alt.getChildCount() == 1) {
                        s = s.union(charSet((GrammarAST) alt.getChild(0), r));
                    } else if (alt.getType() == ANTLRParser.ALT) {
                        throw error(alt, "a set element must be a single character");
                    }
                }
                return s;
            }
            default: {
                Regex x = lexer(t, r);
                if (x instanceof Regex.Chars c) {
                    return c.set();
                }
                throw error(t, "'" + t.getText() + "' is not a single-character set, so it cannot be negated or put in a set");
            }
        }
    }

    private static CodePointSet caseVariants(int lo, int hi) {
        CodePointSet.Builder b = new CodePointSet.Builder();
        b.add(lo, hi);
        if (hi - lo > 0x3000) {
            return b.build().withCaseVariants();
        }
        // ANTLR's caseInsensitive adds the lower- and upper-case form of each character
        for (int cp = lo; cp <= hi; cp++) {
            int l = Character.toLowerCase(cp);
            int u = Character.toUpperCase(cp);
            b.add(l, l);
            b.add(u, u);
        }
        return b.build();
    }

    private static CodePointSet fromIntervals(IntervalSet set) {
        CodePointSet.Builder b = new CodePointSet.Builder();
        for (Interval i : set.getIntervals()) {
            b.add(i.a, i.b);
        }
        return b.build();
    }

    // ------------------------------------------------------------------ parser

    private Expr parserBlock(GrammarAST block) {
        List<Expr> alts = new ArrayList<>();
        for (GrammarAST alt : children(block)) {
            if (alt.getType() == ANTLRParser.ALT) {
                alts.add(parser(alt));
            }
        }
        return alts.size() == 1 ? alts.get(0) : new Expr.Alt(alts);
    }

    private Expr parser(GrammarAST t) {
        switch (t.getType()) {
            case ANTLRParser.ALT: {
                List<Expr> parts = new ArrayList<>();
                for (GrammarAST c : children(t)) {
                    if (c.getType() != ANTLRParser.ELEMENT_OPTIONS) {
                        parts.add(parser(c));
                    }
                }
                return parts.size() == 1 ? parts.get(0) : new Expr.Seq(parts);
            }
            case ANTLRParser.BLOCK:
                return parserBlock(t);
            case ANTLRParser.CLOSURE:
                return Expr.star(parser((GrammarAST) t.getChild(0)));
            case ANTLRParser.POSITIVE_CLOSURE:
                return Expr.plus(parser((GrammarAST) t.getChild(0)));
            case ANTLRParser.OPTIONAL:
                return Expr.opt(parser((GrammarAST) t.getChild(0)));
            case ANTLRParser.RULE_REF:
                return Expr.ref(t.getText());
            case ANTLRParser.TOKEN_REF:
                return t.getText().equals("EOF") ? Expr.lex(Lexeme.endOfInput()) : token(g.getTokenType(t.getText()), t);
            case ANTLRParser.STRING_LITERAL:
                return token(g.getTokenType(t.getText()), t);
            case ANTLRParser.SET: {
                List<Expr> alts = new ArrayList<>();
                for (GrammarAST c : children(t)) {
                    alts.add(parser(c));
                }
                return new Expr.Alt(alts);
            }
            case ANTLRParser.NOT: {
                Set<Integer> excluded = new HashSet<>();
                GrammarAST c = (GrammarAST) t.getChild(0);
                for (GrammarAST e : c.getType() == ANTLRParser.SET ? children(c) : List.of(c)) {
                    excluded.add(g.getTokenType(e.getText()));
                }
                return anyTokenBut(excluded, t);
            }
            case ANTLRParser.WILDCARD:
                return anyTokenBut(Set.of(), t);
            case ANTLRParser.ASSIGN:
            case ANTLRParser.PLUS_ASSIGN:
                return parser((GrammarAST) t.getChild(1));
            case ANTLRParser.EPSILON:
                return Expr.empty();
            case ANTLRParser.ACTION:
            case ANTLRParser.SEMPRED:
                ignored(t, null);
                return Expr.empty();
            default:
                throw error(t, "unsupported parser construct '" + t.getText() + "'");
        }
    }

    private Expr token(int type, GrammarAST at) {
        if (type == Token.INVALID_TYPE) {
            throw error(at, "token " + at.getText() + " is not defined by the lexer");
        }
        if (type == Token.EOF) {
            return Expr.lex(Lexeme.endOfInput());
        }
        List<Lexeme> ls = lexemesByType.get(type);
        if (ls == null) {
            // declared (tokens {...}) but produced by no lexer rule: it can never appear
            Lexeme never = Lexeme.of("<no lexer rule produces " + g.getTokenDisplayName(type) + ">", Regex.nothing());
            return Expr.lex(never);
        }
        return ls.size() == 1 ? Expr.lex(ls.get(0)) : new Expr.Alt(ls.stream().map(Expr::lex).toList());
    }

    private Expr anyTokenBut(Set<Integer> excluded, GrammarAST at) {
        List<Expr> alts = new ArrayList<>();
        lexemesByType.forEach((type, ls) -> {
            if (!excluded.contains(type)) {
                ls.forEach(l -> alts.add(Expr.lex(l)));
            }
        });
        if (alts.isEmpty()) {
            throw error(at, "'" + at.toStringTree() + "' matches no token");
        }
        return new Expr.Alt(alts);
    }

    // ------------------------------------------------------------------ shared

    private void checkGrammarLevelCode(Grammar gr) {
        String superClass = gr.getOptionString("superClass");
        if (superClass != null) {
            ignoredText(gr.ast, "superClass = " + superClass + " (target code)");
        }
        if (gr.namedActions != null) {
            for (Map.Entry<String, org.antlr.v4.tool.ast.ActionAST> e : gr.namedActions.entrySet()) {
                ignoredText(e.getValue(), "@" + e.getKey() + " action");
            }
        }
    }

    private void ignored(GrammarAST t, Rule r) {
        String kind = t.getType() == ANTLRParser.SEMPRED ? "semantic predicate " : "action ";
        ignoredText(t, kind + abbreviate(t.getText()) + (r != null ? " in lexer rule " + r.name : ""));
    }

    private void ignoredText(GrammarAST t, String what) {
        String msg = file(t) + ":" + t.getLine() + ":" + (t.getCharPositionInLine() + 1) + ": ignored " + what;
        if (strict) {
            throw new GrammarSyntaxException(file(t), t.getLine(), t.getCharPositionInLine() + 1,
                    "strict mode: cannot honour " + what + "; without it the language would be a superset");
        }
        warnings.add(msg);
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 60 ? one.substring(0, 57) + "..." : one;
    }

    private static GrammarAST block(GrammarAST ruleAst) {
        GrammarAST b = (GrammarAST) ruleAst.getFirstChildWithType(ANTLRParser.BLOCK);
        if (b == null) {
            throw new IllegalStateException("ANTLR rule without a block: " + ruleAst.toStringTree());
        }
        return b;
    }

    private static List<GrammarAST> children(Tree t) {
        List<GrammarAST> out = new ArrayList<>();
        for (int i = 0; i < t.getChildCount(); i++) {
            out.add((GrammarAST) t.getChild(i));
        }
        return out;
    }

    private static String file(GrammarAST t) {
        String f = t.g != null ? t.g.fileName : null;
        return f == null ? "<grammar>" : Path.of(f).getFileName().toString();
    }

    private static GrammarSyntaxException error(GrammarAST t, String message) {
        return new GrammarSyntaxException(file(t), t.getLine(), t.getCharPositionInLine() + 1, message);
    }
}
