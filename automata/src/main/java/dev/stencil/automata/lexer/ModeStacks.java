package dev.stencil.automata.lexer;

import dev.stencil.automata.ir.ModeCommand;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Interned lexer-mode stacks. A stack is the current mode plus the modes saved below it by
 * {@code pushMode}; each distinct stack gets one small int id, so a stack costs nothing to
 * store in a parser state and compares by {@code ==}. Id 0 is the start: the default mode with
 * nothing saved. Stacks are persistent (a push links to the stack below), so the table only
 * grows with the distinct stacks a parse actually visits.
 *
 * <p>Thread-safe.
 */
public final class ModeStacks {
    /** Result of {@link #apply} for a {@code popMode} with nothing saved, which ANTLR's lexer rejects. */
    public static final int INVALID = -1;
    /** The stack the lexer starts with. */
    public static final int START = 0;

    private final List<int[]> frames = new ArrayList<>(); // id -> {mode, id of the stack below or -1}
    private final Map<Long, Integer> ids = new HashMap<>();

    public ModeStacks() {
        intern(0, -1);
    }

    /** The current mode of stack {@code id}. */
    public synchronized int mode(int id) {
        return frames.get(id)[0];
    }

    /** Depth of stack {@code id}: the number of modes saved below the current one. */
    public synchronized int depth(int id) {
        int d = 0;
        for (int below = frames.get(id)[1]; below >= 0; below = frames.get(below)[1]) {
            d++;
        }
        return d;
    }

    /** The stack after running {@code commands} in order on stack {@code id}, or {@link #INVALID}. */
    public synchronized int apply(int id, ModeCommand[] commands) {
        int cur = id;
        for (ModeCommand c : commands) {
            int[] f = frames.get(cur);
            switch (c.kind()) {
                case PUSH -> cur = intern(c.mode(), cur);
                case SET -> cur = intern(c.mode(), f[1]);
                case POP -> {
                    if (f[1] < 0) {
                        return INVALID;
                    }
                    cur = f[1];
                }
                default -> throw new IllegalStateException(c.toString());
            }
        }
        return cur;
    }

    private int intern(int mode, int below) {
        long key = ((long) mode << 32) | (below & 0xffffffffL);
        Integer id = ids.get(key);
        if (id == null) {
            id = frames.size();
            frames.add(new int[] {mode, below});
            ids.put(key, id);
        }
        return id;
    }
}
