package dev.stencil.grammars;

import dev.stencil.automata.GrammarException;

/**
 * A grammar source that a front end cannot read or translate. The message starts with
 * {@code file:line:column:} (1-based line and column) so that editors and terminals can jump to the
 * spot; the parts are also available separately.
 */
public class GrammarSyntaxException extends GrammarException {
    private final String file;
    private final int line;
    private final int column;

    /**
     * @param file the grammar file name as the user gave it (or a label such as {@code <string>})
     * @param line 1-based line, or 0 when the problem has no single position
     * @param column 1-based column, or 0 when unknown
     */
    public GrammarSyntaxException(String file, int line, int column, String message) {
        super(format(file, line, column, message));
        this.file = file;
        this.line = line;
        this.column = column;
    }

    private static String format(String file, int line, int column, String message) {
        if (line <= 0) {
            return file + ": " + message;
        }
        return file + ":" + line + ":" + (column > 0 ? column + ":" : "") + " " + message;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
