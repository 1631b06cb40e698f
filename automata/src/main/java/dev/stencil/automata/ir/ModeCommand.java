package dev.stencil.automata.ir;

/**
 * A lexer-mode command run when a lexeme ends (ANTLR's {@code pushMode(M)}, {@code popMode},
 * {@code mode(M)}). The lexer's modes form a stack: the current mode picks the lexemes that
 * compete at the next boundary, so the stack is part of every lexer position.
 */
public record ModeCommand(Kind kind, int mode) {
    public enum Kind {
        /** Save the current mode and switch to {@code mode}. */
        PUSH,
        /** Return to the last saved mode; an error when none is saved (ANTLR throws). */
        POP,
        /** Switch to {@code mode} without saving the current one. */
        SET
    }

    public static ModeCommand push(int mode) {
        return new ModeCommand(Kind.PUSH, mode);
    }

    public static ModeCommand pop() {
        return new ModeCommand(Kind.POP, -1);
    }

    public static ModeCommand set(int mode) {
        return new ModeCommand(Kind.SET, mode);
    }
}
