package dev.stencil.schemas;

/**
 * Value regexes for the {@code format}s whose RFC grammar is regular and small enough to be exact,
 * written out from the RFC productions (not copied from any library).
 */
final class Formats {
    /** RFC 2673 / RFC 3986 {@code dec-octet "." dec-octet "." dec-octet "." dec-octet}: no leading zeros. */
    static final String IPV4 = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}";

    /**
     * RFC 3339 {@code full-date}, with each month's day count and February 29 only in leap years
     * (divisible by 4, except centuries not divisible by 400).
     */
    static final String DATE = "[0-9]{4}-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)"
            + "|02-(0[1-9]|1[0-9]|2[0-8]))"
            + "|([0-9]{2}(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)-02-29";

    private Formats() {
    }

    /** RFC 4291 section 2.2 text forms, as RFC 3986's {@code IPv6address} production spells them (no zone id). */
    static String ipv6() {
        String h16 = "[0-9a-fA-F]{1,4}";
        String ls32 = "(" + h16 + ":" + h16 + "|" + IPV4 + ")";
        StringBuilder sb = new StringBuilder("(");
        sb.append("(").append(h16).append(":){6}").append(ls32);
        sb.append("|::(").append(h16).append(":){5}").append(ls32);
        // [ *k( h16 ":" ) h16 ] "::" followed by (4 - k)... per the RFC's table
        String[] after = {"(" + h16 + ":){4}" + ls32, "(" + h16 + ":){3}" + ls32, "(" + h16 + ":){2}" + ls32,
            h16 + ":" + ls32, ls32, h16, ""};
        for (int k = 0; k < after.length; k++) {
            String before = k == 0 ? h16 : "((" + h16 + ":){0," + k + "}" + h16 + ")";
            sb.append("|(").append(before).append(")?::").append(after[k]);
        }
        return sb.append(")").toString();
    }

    // ---- RFC 3986 building blocks (ASCII; a URI has no other characters)
    private static final String HEX = "[0-9A-Fa-f]";
    private static final String PCT = "%" + HEX + HEX;
    private static final String UNRESERVED = "A-Za-z0-9\\-._~";
    private static final String SUB_DELIMS = "!$&'()*+,;=";
    /** {@code pchar = unreserved / pct-encoded / sub-delims / ":" / "@"}. */
    private static final String PCHAR = "([" + UNRESERVED + SUB_DELIMS + ":@]|" + PCT + ")";
    private static final String SEGMENT = PCHAR + "*";
    private static final String SEGMENT_NZ = PCHAR + "+";
    /** {@code segment-nz-nc}: a first relative segment may not contain ':' (it would read as a scheme). */
    private static final String SEGMENT_NZ_NC = "([" + UNRESERVED + SUB_DELIMS + "@]|" + PCT + ")+";
    private static final String QUERY_OR_FRAGMENT = "(" + PCHAR + "|[/?])*";

    /** RFC 3986 section 3.2: {@code [ userinfo "@" ] host [ ":" port ]}, host an IP-literal, IPv4 or reg-name. */
    private static String authority() {
        String userinfo = "([" + UNRESERVED + SUB_DELIMS + ":]|" + PCT + ")*";
        String ipvFuture = "[vV]" + HEX + "+\\.[" + UNRESERVED + SUB_DELIMS + ":]+";
        String ipLiteral = "\\[(" + ipv6() + "|" + ipvFuture + ")\\]";
        String regName = "([" + UNRESERVED + SUB_DELIMS + "]|" + PCT + ")*";
        return "(" + userinfo + "@)?(" + ipLiteral + "|" + IPV4 + "|" + regName + ")(:[0-9]*)?";
    }

    private static final String PATH_ABEMPTY = "(/" + SEGMENT + ")*";
    private static final String PATH_ABSOLUTE = "/(" + SEGMENT_NZ + "(/" + SEGMENT + ")*)?";

    /** RFC 3986 {@code URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ]}. */
    static String uri() {
        String hierPart = "(//" + authority() + PATH_ABEMPTY + "|" + PATH_ABSOLUTE + "|" + SEGMENT_NZ + "(/" + SEGMENT
                + ")*|)";
        return "[A-Za-z][A-Za-z0-9+\\-.]*:" + hierPart + "(\\?" + QUERY_OR_FRAGMENT + ")?(#" + QUERY_OR_FRAGMENT + ")?";
    }

    /** RFC 3986 {@code URI-reference = URI / relative-ref}. */
    static String uriReference() {
        String relativePart = "(//" + authority() + PATH_ABEMPTY + "|" + PATH_ABSOLUTE + "|" + SEGMENT_NZ_NC + "(/"
                + SEGMENT + ")*|)";
        String relativeRef = relativePart + "(\\?" + QUERY_OR_FRAGMENT + ")?(#" + QUERY_OR_FRAGMENT + ")?";
        return "(" + uri() + ")|(" + relativeRef + ")";
    }

    /**
     * RFC 1123 section 2.1 host names (RFC 952 labels, a digit may lead): dot-separated labels of letters,
     * digits and hyphens, neither starting nor ending with a hyphen, 1 to 63 characters each. The
     * 253-character total is a separate length constraint ({@link #HOSTNAME_MAX_LENGTH}).
     */
    static final String HOSTNAME = "[A-Za-z0-9]([A-Za-z0-9\\-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9\\-]{0,61}"
            + "[A-Za-z0-9])?)*";
    /** The longest host name in text form (255 octets on the wire, RFC 1034 section 3.1). */
    static final int HOSTNAME_MAX_LENGTH = 253;

    /**
     * RFC 5321 section 4.1.2 {@code Mailbox = Local-part "@" ( Domain / address-literal )}. The
     * local part is a dot-string of atoms or a quoted string; the domain is RFC 5321 sub-domains
     * ({@code Let-dig [Ldh-str]}); the address literal is IPv4 or {@code IPv6:} plus an IPv6 address.
     * {@code General-address-literal} is left out: it needs an IANA-registered tag and none but IPv6
     * exists. The size limits of section 4.5.3.1 are not part of the syntax and are not applied.
     */
    static String email() {
        String atext = "[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~]";
        String dotString = atext + "+(\\." + atext + "+)*";
        // qtextSMTP = %d32-33 / %d35-91 / %d93-126; quoted-pairSMTP = "\" %d32-126
        String quoted = "\"([ !#-\\[\\]-~]|\\\\[ -~])*\"";
        String subDomain = "[A-Za-z0-9]([A-Za-z0-9\\-]*[A-Za-z0-9])?";
        String domain = subDomain + "(\\." + subDomain + ")*";
        String literal = "\\[(" + IPV4 + "|IPv6:" + ipv6() + ")\\]";
        return "(" + dotString + "|" + quoted + ")@(" + domain + "|" + literal + ")";
    }

    /** RFC 6901 {@code json-pointer = *( "/" reference-token )}, '~' only as {@code ~0} or {@code ~1}. */
    static final String JSON_POINTER = "(/([^/~]|~[01])*)*";

    private static final String HOUR = "([01][0-9]|2[0-3])";
    private static final String MINUTE = "[0-5][0-9]";
    private static final String SECFRAC = "(\\.[0-9]+)?";

    private static final String OFFSET = "([Zz]|[+-]" + HOUR + ":" + MINUTE + ")";

    /** RFC 3339 {@code full-time} with seconds 00-59 ("Z" in either case). */
    static final String TIME = HOUR + ":" + MINUTE + ":[0-5][0-9]" + SECFRAC + OFFSET;

    /**
     * RFC 3339 {@code full-time} with a leap second: second 60 is valid only when the time, moved to
     * UTC by its offset, is 23:59, so for each of the 2 x 24 x 60 numeric offsets (and Z) the one
     * local hour:minute that qualifies is listed. Remembering hour:minute until the offset is read
     * takes about 1440 x 12 automaton states; with every character also spelled as a JSON escape
     * it exceeds the automaton cap, so this alternative is compiled in plain (unescaped) spelling
     * only (see {@link StringLexemes#formatDfa}).
     */
    static String leapTime() {
        // offsets by the local time they go with, nested hour -> minute so the automaton builds fast
        java.util.Map<Integer, java.util.List<String>> offsetsByLocal = new java.util.TreeMap<>();
        int utc = 23 * 60 + 59;
        offsetsByLocal.computeIfAbsent(utc, k -> new java.util.ArrayList<>()).add("[Zz]");
        for (int sign = -1; sign <= 1; sign += 2) {
            for (int off = 0; off < 24 * 60; off++) {
                // local = UTC + offset for "+", UTC - offset for "-"
                int local = Math.floorMod(utc + sign * off, 24 * 60);
                offsetsByLocal.computeIfAbsent(local, k -> new java.util.ArrayList<>()).add(
                        String.format("%s%02d:%02d", sign > 0 ? "\\+" : "-", off / 60, off % 60));
            }
        }
        StringBuilder leap = new StringBuilder("(");
        for (int hour = 0; hour < 24; hour++) {
            leap.append(hour == 0 ? "" : "|").append(String.format("%02d:(", hour));
            for (int minute = 0; minute < 60; minute++) {
                leap.append(minute == 0 ? "" : "|").append(String.format("%02d:60", minute)).append(SECFRAC)
                        .append("(").append(String.join("|", offsetsByLocal.get(hour * 60 + minute))).append(")");
            }
            leap.append(")");
        }
        return leap.append(")").toString();
    }

    /** RFC 3339 {@code date-time}: {@code full-date "T" full-time}, "T" in either case; seconds 00-59. */
    static final String DATE_TIME = "(" + DATE + ")[Tt]" + TIME;

    /** {@link #DATE_TIME} with a leap second. */
    static String leapDateTime() {
        return "(" + DATE + ")[Tt]" + leapTime();
    }

    /** RFC 3339 appendix A (ISO 8601) {@code duration}. */
    static final String DURATION;

    static {
        String second = "[0-9]+S";
        String minute = "[0-9]+M(" + second + ")?";
        String hour = "[0-9]+H(" + minute + ")?";
        String time = "T(" + hour + "|" + minute + "|" + second + ")";
        String day = "[0-9]+D";
        String month = "[0-9]+M(" + day + ")?";
        String year = "[0-9]+Y(" + month + ")?";
        String date = "(" + day + "|" + month + "|" + year + ")(" + time + ")?";
        DURATION = "P(" + date + "|" + time + "|[0-9]+W)";
    }

    /** draft-handrews-relative-json-pointer: a non-negative integer, then "#" or a JSON pointer. */
    static final String RELATIVE_JSON_POINTER = "(0|[1-9][0-9]*)(#|" + JSON_POINTER + ")";
}
