package dev.stencil.automata.json;

/**
 * Where JSON output may put whitespace between tokens.
 *
 * <ul>
 *   <li>{@link #compact()}: none at all ({@code {"a":1}}).</li>
 *   <li>{@link #flexible(int)}: between any two tokens, one run of at most {@code maxRun} bytes of
 *       space, tab, CR or LF (default 20). Bounded so a model cannot loop on whitespace.</li>
 *   <li>{@link #any()}: unbounded runs, as RFC 8259 allows.</li>
 *   <li>{@link #spaced()}: the layout of Python's {@code json.dumps} and of most JSON a model has
 *       read: separators {@code ", "} and {@code ": "}, no other whitespace except one optional
 *       space before the whole value (a model answers {@code "A:"} with {@code " {"}). For
 *       generation: every separator is then forced, so jump-forward can write it without sampling,
 *       and a model cannot wander off into runs of newlines.</li>
 * </ul>
 */
public record Whitespace(Kind kind, int maxRun) {
    public enum Kind { COMPACT, FLEXIBLE, ANY, SPACED }

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

    public static Whitespace spaced() {
        return new Whitespace(Kind.SPACED, 0);
    }

    /** The separator between members and between elements: {@code ", "} when spaced, else {@code ","}. */
    public String comma() {
        return kind == Kind.SPACED ? ", " : ",";
    }

    /** The separator between a member's name and its value: {@code ": "} when spaced, else {@code ":"}. */
    public String colon() {
        return kind == Kind.SPACED ? ": " : ":";
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
        if (v.equals("spaced")) {
            return spaced();
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
        throw new IllegalArgumentException("unknown whitespace policy '" + s + "'; expected compact, flexible, flexible:N, any or spaced");
    }

    @Override
    public String toString() {
        return switch (kind) {
            case COMPACT -> "compact";
            case ANY -> "any";
            case SPACED -> "spaced";
            case FLEXIBLE -> maxRun == DEFAULT_MAX_RUN ? "flexible" : "flexible:" + maxRun;
        };
    }
}
