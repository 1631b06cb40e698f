package dev.stencil.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;

/**
 * The interval {@code minimum}/{@code maximum}/{@code exclusiveMinimum}/{@code exclusiveMaximum}
 * allow, read per draft (draft 4's boolean exclusive flags modify the bound; later drafts give the
 * exclusive bound as a number), and intersected over several schemas. Exact decimal arithmetic only.
 */
record NumberBounds(BigDecimal lower, boolean lowerExclusive, BigDecimal upper, boolean upperExclusive) {
    static final NumberBounds NONE = new NumberBounds(null, false, null, false);

    static NumberBounds of(SchemaNode s) {
        JsonNode j = s.json();
        if (!j.isObject()) {
            return NONE;
        }
        NumberBounds b = NONE;
        JsonNode min = j.get("minimum");
        JsonNode max = j.get("maximum");
        JsonNode xmin = j.get("exclusiveMinimum");
        JsonNode xmax = j.get("exclusiveMaximum");
        if (s.draft().booleanExclusiveBounds()) {
            boolean xl = xmin != null && xmin.asBoolean();
            boolean xu = xmax != null && xmax.asBoolean();
            if (min != null && min.isNumber()) {
                b = b.and(new NumberBounds(min.decimalValue(), xl, null, false));
            }
            if (max != null && max.isNumber()) {
                b = b.and(new NumberBounds(null, false, max.decimalValue(), xu));
            }
            return b;
        }
        if (min != null && min.isNumber()) {
            b = b.and(new NumberBounds(min.decimalValue(), false, null, false));
        }
        if (max != null && max.isNumber()) {
            b = b.and(new NumberBounds(null, false, max.decimalValue(), false));
        }
        if (xmin != null && xmin.isNumber()) {
            b = b.and(new NumberBounds(xmin.decimalValue(), true, null, false));
        }
        if (xmax != null && xmax.isNumber()) {
            b = b.and(new NumberBounds(null, false, xmax.decimalValue(), true));
        }
        return b;
    }

    static NumberBounds of(List<SchemaNode> parts) {
        NumberBounds b = NONE;
        for (SchemaNode p : parts) {
            b = b.and(of(p));
        }
        return b;
    }

    boolean isUnbounded() {
        return lower == null && upper == null;
    }

    /** The tighter of the two intervals on each side. */
    NumberBounds and(NumberBounds o) {
        BigDecimal lo = lower;
        boolean lx = lowerExclusive;
        if (o.lower != null) {
            int c = lo == null ? -1 : lo.compareTo(o.lower);
            if (c < 0 || (c == 0 && o.lowerExclusive)) {
                lo = o.lower;
                lx = o.lowerExclusive;
            }
        }
        BigDecimal hi = upper;
        boolean hx = upperExclusive;
        if (o.upper != null) {
            int c = hi == null ? 1 : hi.compareTo(o.upper);
            if (c > 0 || (c == 0 && o.upperExclusive)) {
                hi = o.upper;
                hx = o.upperExclusive;
            }
        }
        return new NumberBounds(lo, lx, hi, hx);
    }

    boolean contains(BigDecimal x) {
        if (lower != null) {
            int c = x.compareTo(lower);
            if (c < 0 || (c == 0 && lowerExclusive)) {
                return false;
            }
        }
        if (upper != null) {
            int c = x.compareTo(upper);
            return c < 0 || (c == 0 && !upperExclusive);
        }
        return true;
    }

    /** The least integer allowed, or null when unbounded below. */
    BigInteger integerLower() {
        if (lower == null) {
            return null;
        }
        BigInteger c = lower.setScale(0, RoundingMode.CEILING).toBigIntegerExact();
        if (lowerExclusive && lower.compareTo(new BigDecimal(c)) == 0) {
            c = c.add(BigInteger.ONE);
        }
        return c;
    }

    /** The greatest integer allowed, or null when unbounded above. */
    BigInteger integerUpper() {
        if (upper == null) {
            return null;
        }
        BigInteger f = upper.setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
        if (upperExclusive && upper.compareTo(new BigDecimal(f)) == 0) {
            f = f.subtract(BigInteger.ONE);
        }
        return f;
    }
}
