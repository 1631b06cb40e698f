package dev.stencil.automata.mask;

import dev.stencil.automata.parser.ParseNode;

/**
 * ANTLR's longest-match fallback, as a second hypothesis carried by a position. ANTLR's lexer
 * reads as far as any lexeme can continue; when the input then fails (a byte no lexeme in play
 * takes, or the end of the input) in a state that accepts nothing, it emits the lexeme of the
 * <em>last</em> accepting position and restarts right after it. So while the lexeme in progress
 * runs on past an accept through non-accepting states, the position also carries where lexing
 * would be had the lexeme ended at that accept: this object, which has already read every byte
 * since the accept (it is stepped alongside the main lexeme, so no bytes are stored and the
 * overshoot may be as long as the input). It is dropped as soon as the lexeme accepts again.
 *
 * <p>Immutable (positions that share it may be forked and rolled back freely). Only ANTLR-style
 * lexing creates one; with parser-driven lexing (JSON Schema, GBNF) every fallback is null.
 */
public final class Fallback {
    final ParseNode node;
    final int lexState;
    /** The fallback of this position itself (its own lexeme may be past an accept too), or null. */
    final Fallback fallback;

    Fallback(ParseNode node, int lexState, Fallback fallback) {
        this.node = node;
        this.lexState = lexState;
        this.fallback = fallback;
    }

    static Fallback of(MaskEngine.Position p) {
        return new Fallback(p.node, p.lexState, p.fallback);
    }

    MaskEngine.Position toPosition() {
        return new MaskEngine.Position(node, lexState, fallback);
    }
}
