package dev.stencil.grammars.antlr;

import dev.stencil.grammars.GrammarSyntaxException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.antlr.runtime.RecognitionException;
import org.antlr.v4.Tool;
import org.antlr.v4.parse.ANTLRParser;
import org.antlr.v4.tool.ANTLRMessage;
import org.antlr.v4.tool.ANTLRToolListener;
import org.antlr.v4.tool.ErrorSeverity;
import org.antlr.v4.tool.Grammar;
import org.antlr.v4.tool.LexerGrammar;
import org.antlr.v4.tool.ast.GrammarRootAST;

/**
 * Reads ANTLR 4 grammars ({@code .g4}) with ANTLR's own tool library and translates them to the
 * grammar IR (see {@link AntlrTranslator}). Accepts one combined grammar, or a lexer grammar plus a
 * parser grammar (in any order; the parser's {@code tokenVocab} is satisfied by the given lexer
 * rather than by a {@code .tokens} file). Errors that ANTLR reports, and constructs Stencil cannot
 * honour, come back as {@link GrammarSyntaxException} naming the file, line and column.
 */
public final class AntlrGrammarReader {

    private AntlrGrammarReader() {
    }

    /**
     * Reads and translates the grammar in {@code files}.
     *
     * @param startRule the parser rule generation starts from; null for the first parser rule
     * @param strict fail on actions and semantic predicates instead of ignoring them with a warning
     */
    public static AntlrGrammar read(List<Path> files, String startRule, boolean strict) {
        List<Source> sources = new ArrayList<>();
        for (Path f : files) {
            try {
                sources.add(new Source(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8), f.toAbsolutePath()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read ANTLR grammar " + f, e);
            }
        }
        return readSources(sources, startRule, strict);
    }

    /**
     * A grammar file's name (for messages), text, and path on disk if it has one: ANTLR resolves
     * {@code import X;} to {@code X.g4} beside that path.
     */
    public record Source(String fileName, String text, Path path) {
        public Source(String fileName, String text) {
            this(fileName, text, null);
        }
    }

    /** {@link #read(List, String, boolean)} on texts already in memory. */
    public static AntlrGrammar readSources(List<Source> sources, String startRule, boolean strict) {
        Source lexer = null;
        Source parser = null;
        Source combined = null;
        // grammars that another one imports are ANTLR's to load (from disk, beside the importer);
        // only the importers take a role here
        java.util.Set<String> imported = new java.util.HashSet<>();
        for (Source s : sources) {
            imported.addAll(imports(s));
        }
        for (Source s : sources) {
            if (imported.contains(grammarName(s))) {
                continue;
            }
            switch (grammarType(s)) {
                case ANTLRParser.LEXER -> lexer = only(lexer, s, "lexer");
                case ANTLRParser.PARSER -> parser = only(parser, s, "parser");
                default -> combined = only(combined, s, "combined");
            }
        }
        Grammar g;
        LexerGrammar lg;
        if (combined != null) {
            if (lexer != null || parser != null) {
                throw new GrammarSyntaxException(combined.fileName(), 0, 0,
                        "a combined grammar cannot be given together with separate lexer or parser grammars");
            }
            g = load(combined, null);
            lg = g.getImplicitLexer();
            if (lg == null) {
                throw new GrammarSyntaxException(combined.fileName(), 0, 0, "the grammar defines no lexer rules");
            }
        } else if (lexer != null && parser != null) {
            lg = (LexerGrammar) load(lexer, null);
            g = load(parser, lg);
        } else {
            Source s = lexer != null ? lexer : parser;
            throw new GrammarSyntaxException(s == null ? "<none>" : s.fileName(), 0, 0,
                    "need a combined grammar, or both a lexer grammar and a parser grammar");
        }
        return new AntlrTranslator(g, lg, strict).translate(startRule);
    }

    private static Source only(Source previous, Source s, String kind) {
        if (previous != null) {
            throw new GrammarSyntaxException(s.fileName(), 0, 0, "two " + kind + " grammars given: "
                    + previous.fileName() + " and " + s.fileName());
        }
        return s;
    }

    private static int grammarType(Source s) {
        return parse(s).grammarType;
    }

    private static GrammarRootAST parse(Source s) {
        Tool tool = new Tool();
        Collector errors = new Collector(s.fileName());
        tool.removeListeners();
        tool.addListener(errors);
        GrammarRootAST ast = tool.parseGrammarFromString(s.text());
        errors.throwFirst();
        if (ast == null) {
            throw new GrammarSyntaxException(s.fileName(), 0, 0, "not an ANTLR 4 grammar");
        }
        return ast;
    }

    private static String grammarName(Source s) {
        return parse(s).getChild(0).getText();
    }

    /** Names of the grammars that {@code s} imports ({@code import A, B = C;} gives A and C). */
    private static List<String> imports(Source s) {
        List<String> out = new ArrayList<>();
        org.antlr.v4.tool.ast.GrammarAST imp = (org.antlr.v4.tool.ast.GrammarAST) parse(s).getFirstChildWithType(ANTLRParser.IMPORT);
        if (imp != null) {
            for (int i = 0; i < imp.getChildCount(); i++) {
                org.antlr.runtime.tree.Tree c = imp.getChild(i);
                out.add(c.getType() == ANTLRParser.ASSIGN ? c.getChild(1).getText() : c.getText());
            }
        }
        return out;
    }

    private static Grammar load(Source s, LexerGrammar vocab) {
        Collector errors = new Collector(s.fileName());
        Grammar g;
        // the full path lets ANTLR find imported grammars beside the file; messages show the name only
        String name = s.path() != null ? s.path().toString() : s.fileName();
        try {
            g = vocab == null && isLexer(s) ? new LexerGrammar(name, s.text(), errors)
                    : new NoTokensFileGrammar(name, s.text(), vocab, errors);
        } catch (RecognitionException | UnsupportedOperationException e) {
            errors.throwFirst();
            throw new GrammarSyntaxException(s.fileName(), 0, 0, "ANTLR cannot parse the grammar: " + e);
        }
        errors.throwFirst();
        return g;
    }

    private static boolean isLexer(Source s) {
        return grammarType(s) == ANTLRParser.LEXER;
    }

    /** A parser grammar that takes its token vocabulary from the given lexer, not from a .tokens file. */
    private static final class NoTokensFileGrammar extends Grammar {
        NoTokensFileGrammar(String fileName, String text, Grammar vocab, ANTLRToolListener listener)
                throws RecognitionException {
            super(fileName, text, vocab, listener);
        }

        @Override
        public void importTokensFromTokensFile() {
            // the lexer grammar was handed to the constructor; there is no .tokens file to read
        }
    }

    /** Keeps ANTLR's first error so it can be rethrown with file, line and column. */
    private static final class Collector implements ANTLRToolListener {
        private final String fileName;
        private ANTLRMessage first;

        Collector(String fileName) {
            this.fileName = fileName;
        }

        @Override
        public void info(String msg) {
        }

        @Override
        public void error(ANTLRMessage msg) {
            if (first == null && msg.getErrorType().severity != ErrorSeverity.WARNING
                    && msg.getErrorType().severity != ErrorSeverity.WARNING_ONE_OFF) {
                first = msg;
            }
        }

        @Override
        public void warning(ANTLRMessage msg) {
        }

        void throwFirst() {
            if (first != null) {
                String text;
                try {
                    text = first.getMessageTemplate(false).render();
                } catch (RuntimeException e) {
                    text = first.getErrorType().name();
                }
                String file = first.fileName != null ? Path.of(first.fileName).getFileName().toString() : fileName;
                throw new GrammarSyntaxException(file, Math.max(first.line, 0), first.charPosition + 1,
                        "ANTLR error " + first.getErrorType().code + ": " + text);
            }
        }
    }
}
