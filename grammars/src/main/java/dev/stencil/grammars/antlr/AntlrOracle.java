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
import org.antlr.v4.runtime.misc.ParseCancellationException;
import org.antlr.v4.tool.Rule;

/**
 * ANTLR's own verdict on an input: its lexer and parser interpreters (built by the tool from the
 * same grammar model the translation read), with an error listener that records the first error
 * instead of recovering. An input passes when it lexes without a token recognition error, parses
 * from the start rule without a syntax error, and the parse consumes every token up to EOF (an
 * interpreter would otherwise stop early on a start rule that does not end in {@code EOF}, while a
 * matcher must accept the whole text).
 */
public final class AntlrOracle {
    private final AntlrGrammar grammar;
    private final int startRule;

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
    }

    /** Runs ANTLR's lexer and parser interpreters on {@code input}. */
    public Verdict check(String input) {
        CodePointCharStream chars = CharStreams.fromString(input);
        LexerInterpreter lexer = grammar.lexer().createLexerInterpreter(chars);
        int[] lexError = {-1};
        String[] lexMessage = {null};
        lexer.removeErrorListeners();
        lexer.addErrorListener(new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int col, String msg,
                                    RecognitionException e) {
                if (lexError[0] < 0) {
                    lexError[0] = ((Lexer) recognizer).getInputStream().index();
                    lexMessage[0] = line + ":" + col + " " + msg;
                }
            }
        });
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        try {
            tokens.fill();
        } catch (java.util.EmptyStackException e) {
            // popMode with no mode saved: ANTLR's lexer throws; the input cannot be lexed
            int at = lexer._tokenStartCharIndex;
            return new Verdict(false, byteOffset(input, at), "lexer popMode with an empty mode stack at " + at);
        }
        int parseError = -1;
        String parseMessage = null;
        ParserInterpreter parser = grammar.parser().createParserInterpreter(tokens);
        parser.removeErrorListeners();
        parser.setErrorHandler(new BailErrorStrategy());
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
        if (lexError[0] < 0 && parseError < 0) {
            return new Verdict(true, -1, null);
        }
        // the earliest error is the first rejected character
        int cp;
        String msg;
        if (lexError[0] >= 0 && (parseError < 0 || lexError[0] <= parseError)) {
            cp = lexError[0];
            msg = "lexer " + lexMessage[0];
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
