package dev.stencil.automata.bench;

/** Receives progress of a long-running report; the CLI draws it on stderr. */
@FunctionalInterface
public interface Progress {
    Progress NONE = (phase, done, total) -> { };

    /** {@code done} of {@code total} units of {@code phase} are finished. */
    void update(String phase, long done, long total);
}
