package dev.stencil.grammars.antlr;

import java.nio.charset.StandardCharsets;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CodePointCharStream;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Lexer;
import org.antlr.v4.runtime.LexerInterpreter;
import org.antlr.v4.runtime.ParserInterpreter;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.ParseCancellationException;
import org.antlr.v4.tool.Rule;

/**
 * ANTLR's own verdict on an input: its lexer and parser interpreters (built by the tool from the
 * same grammar model the translation read), with an error listener that records the first error
 * instead of recovering. An input passes when it lexes without a token recognition error, parses
 * from the start rule without a syntax error, and the parse consumes every token up to EOF (an
 * interpreter would otherwise stop early on a start rule that does not end in {@code EOF}, while a
 * matcher must accept the whole text).
 *
 * <p>One lexer and one parser interpreter serve every check, so ANTLR's prediction caches (its
 * lookahead DFAs, which it builds lazily and which do not depend on the input) carry over from
 * input to input, as they do across the instances of a generated parser; a fresh interpreter per
 * input starts them empty and, on a large HTML page, spends most of a minute rebuilding them.
 * Parsing is ANTLR's two-stage strategy: SLL prediction first, and only when that fails (or stops
 * before EOF) the full LL prediction, whose verdict is then the answer. An SLL success is a valid
 * parse, so it is never a different verdict, only a faster one. Not thread-safe: one oracle per
 * thread ({@link #check} is synchronized for safety).
 */
public final class AntlrOracle {
    private final AntlrGrammar grammar;
    private final int startRule;
    private final LexerInterpreter lexer;
    private final ParserInterpreter parser;
    private final FirstLexerError lexError = new FirstLexerError();

    /** Records the first token recognition error of one input (the lexer itself goes on). */
    private static final class FirstLexerError extends BaseErrorListener {
        int index = -1;
        String message;

        @Override
        public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int col, String msg,
                                RecognitionException e) {
            if (index < 0) {
                index = ((Lexer) recognizer).getInputStream().index();
                message = line + ":" + col + " " + msg;
            }
        }
    }

    /**
     * Verdict on one input.
     *
     * @param ok lexed and parsed without error, whole input consumed
     * @param errorByte UTF-8 byte offset of the first rejected character (-1 when ok): for a lexer
     *     error the character that no token can continue with, for a parser error the start of the
     *     offending token
     * @param message ANTLR's message for the first error, or null
     */
    public record Verdict(boolean ok, int errorByte, String message) {
    }

    public AntlrOracle(AntlrGrammar grammar) {
        this.grammar = grammar;
        Rule r = grammar.parser().getRule(grammar.grammar().start());
        if (r == null) {
            throw new IllegalArgumentException("no ANTLR rule " + grammar.grammar().start());
        }
        this.startRule = r.index;
        this.lexer = grammar.lexer().createLexerInterpreter(CharStreams.fromString(""));
        lexer.removeErrorListeners();
        lexer.addErrorListener(lexError);
        this.parser = grammar.parser().createParserInterpreter(new CommonTokenStream(lexer));
        parser.removeErrorListeners();
        parser.setErrorHandler(new BailErrorStrategy());
    }

    /** Runs ANTLR's lexer and parser interpreters on {@code input}. */
    public synchronized Verdict check(String input) {
        CodePointCharStream chars = CharStreams.fromString(input);
        lexError.index = -1;
        lexError.message = null;
        lexer.setInputStream(chars);
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        try {
            tokens.fill();
        } catch (java.util.EmptyStackException e) {
            // popMode with no mode saved: ANTLR's lexer throws; the input cannot be lexed
            int at = lexer._tokenStartCharIndex;
            return new Verdict(false, byteOffset(input, at), "lexer popMode with an empty mode stack at " + at);
        }
        parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
        parser.setTokenStream(tokens);
        try {
            parser.parse(startRule);
            if (tokens.LA(1) == Token.EOF) {
                return verdict(input, -1, null);
            }
        } catch (ParseCancellationException e) {
            // SLL may fail where LL succeeds: decide with LL below
        }
        parser.getInterpreter().setPredictionMode(PredictionMode.LL);
        tokens.seek(0);
        parser.setTokenStream(tokens);
        int parseError = -1;
        String parseMessage = null;
        try {
            parser.parse(startRule);
            if (tokens.LA(1) != Token.EOF) {
                Token t = tokens.LT(1);
                parseError = t.getStartIndex();
                parseMessage = t.getLine() + ":" + t.getCharPositionInLine() + " input continues after the start rule at "
                        + t.getText();
            }
        } catch (ParseCancellationException e) {
            Token t = e.getCause() instanceof RecognitionException re && re.getOffendingToken() != null
                    ? re.getOffendingToken() : tokens.LT(1);
            parseError = t.getType() == Token.EOF ? input.codePointCount(0, input.length()) : t.getStartIndex();
            parseMessage = t.getLine() + ":" + t.getCharPositionInLine() + " syntax error at "
                    + (t.getType() == Token.EOF ? "<EOF>" : t.getText());
        }
        return verdict(input, parseError, parseMessage);
    }

    /** Combines the recorded lexer error (if any) with the parser's: the earliest is the first rejected character. */
    private Verdict verdict(String input, int parseError, String parseMessage) {
        if (lexError.index < 0 && parseError < 0) {
            return new Verdict(true, -1, null);
        }
        int cp;
        String msg;
        if (lexError.index >= 0 && (parseError < 0 || lexError.index <= parseError)) {
            cp = lexError.index;
            msg = "lexer " + lexError.message;
        } else {
            cp = parseError;
            msg = "parser " + parseMessage;
        }
        return new Verdict(false, byteOffset(input, cp), msg);
    }

    private static int byteOffset(String s, int codePoints) {
        int n = Math.min(codePoints, s.codePointCount(0, s.length()));
        return s.substring(0, s.offsetByCodePoints(0, n)).getBytes(StandardCharsets.UTF_8).length;
    }
}
