package dev.stencil.automata.json;

/**
 * Where JSON output may put whitespace between tokens.
 *
 * <ul>
 *   <li>{@link #compact()}: none at all ({@code {"a":1}}).</li>
 *   <li>{@link #flexible(int)}: between any two tokens, one run of at most {@code maxRun} bytes of
 *       space, tab, CR or LF (default 20). Bounded so a model cannot loop on whitespace.</li>
 *   <li>{@link #any()}: unbounded runs, as RFC 8259 allows.</li>
 * </ul>
 */
public record Whitespace(Kind kind, int maxRun) {
    public enum Kind { COMPACT, FLEXIBLE, ANY }

    public static final int DEFAULT_MAX_RUN = 20;

    public Whitespace {
        if (kind == Kind.FLEXIBLE && maxRun < 1) {
            throw new IllegalArgumentException("flexible whitespace needs maxRun >= 1, got " + maxRun);
        }
    }

    public static Whitespace compact() {
        return new Whitespace(Kind.COMPACT, 0);
    }

    public static Whitespace flexible() {
        return new Whitespace(Kind.FLEXIBLE, DEFAULT_MAX_RUN);
    }

    public static Whitespace flexible(int maxRun) {
        return new Whitespace(Kind.FLEXIBLE, maxRun);
    }

    public static Whitespace any() {
        return new Whitespace(Kind.ANY, -1);
    }

    /** Parses {@code compact}, {@code flexible}, {@code flexible:N} or {@code any}. */
    public static Whitespace parse(String s) {
        String v = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.equals("compact")) {
            return compact();
        }
        if (v.equals("any")) {
            return any();
        }
        if (v.equals("flexible")) {
            return flexible();
        }
        if (v.startsWith("flexible:")) {
            try {
                return flexible(Integer.parseInt(v.substring("flexible:".length())));
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("unknown whitespace policy '" + s + "'; expected compact, flexible, flexible:N or any");
    }

    @Override
    public String toString() {
        return switch (kind) {
            case COMPACT -> "compact";
            case ANY -> "any";
            case FLEXIBLE -> maxRun == DEFAULT_MAX_RUN ? "flexible" : "flexible:" + maxRun;
        };
    }
}
