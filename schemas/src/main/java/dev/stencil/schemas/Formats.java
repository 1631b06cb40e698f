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
}
