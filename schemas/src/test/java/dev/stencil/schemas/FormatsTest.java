package dev.stencil.schemas;

import org.junit.jupiter.api.Test;

/** Exact format grammars; draft 7 so that the networknt oracle asserts format too. */
class FormatsTest {
    private static String draft7(String format) {
        return "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"string\",\"format\":\"" + format + "\"}";
    }

    @Test
    void dateKnowsMonthLengthsAndLeapYears() {
        Instances.of(draft7("date"))
                .accepts("\"2024-02-29\"", "\"2000-02-29\"", "\"1999-12-31\"", "\"2023-04-30\"")
                .rejects("\"2023-02-29\"", "\"1900-02-29\"", "\"2023-04-31\"", "\"2023-13-01\"", "\"2023-1-01\"",
                        "\"20230101\"", "\"2023-00-10\"");
    }

    @Test
    void dateTimeAndTimeWithLeapSecondsOnlyAt2359Utc() {
        Instances.of(draft7("date-time"))
                .accepts(qs("1963-06-19T08:30:06.283185Z", "1963-06-19t08:30:06z", "2024-02-29T23:59:59+14:00",
                        "1998-12-31T23:59:60Z", "1998-12-31T15:59:60.123-08:00"))
                .rejects(qs("1998-12-31T22:59:60Z", "1963-06-19T08:30:06",
                        "2023-02-29T00:00:00Z", "1963-06-19T24:00:00Z", "1963-06-19T08:30:06+1:00"))
                // RFC 3339's ABNF has "T" (either case); networknt also takes a space, per a note in the RFC
                .blocksSpelling(qs("1963-06-19 08:30:06Z"));
        Instances.of("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"string\","
                + "\"format\":\"time\"}", SchemaOptions.defaults().withWhitespace(
                        dev.stencil.automata.json.Whitespace.compact()))
                .accepts(qs("23:59:60Z", "08:30:06.5z", "01:29:60+01:30", "15:59:60-08:00", "00:00:00+23:59"))
                .blocksSpelling(qs("22:59:60Z", "08:30:06", "01:29:60+01:00", "24:00:00Z"));
    }

    @Test
    void durationAndRelativeJsonPointer() {
        Instances.of("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"format\":\"duration\"}",
                SchemaOptions.defaults().withWhitespace(dev.stencil.automata.json.Whitespace.compact()))
                .accepts(qs("P4DT12H30M5S", "PT1M", "P1W", "P2Y", "P1M3D", "PT36H"))
                .blocksSpelling(qs("P", "PT", "P1D2H", "P2S", "PT1D", "P1Y2W"));
        Instances.of(draft7("relative-json-pointer")).accepts(qs("1", "0/foo/bar", "2#", "0"))
                .rejects(qs("/foo", "-1/foo", "01/a", "0##"));
    }

    @Test
    void ipv6TextForms() {
        Instances.of(draft7("ipv6"))
                .accepts("\"::1\"", "\"::\"", "\"fe80::1:2\"", "\"2001:db8:0:0:0:0:2:1\"", "\"::ffff:192.168.1.1\"",
                        "\"1:2:3:4:5:6:7::\"")
                .rejects("\"1:2:3:4:5:6:7:8:9\"", "\"12345::\"", "\"1::2::3\"", "\":1\"", "\"::ffff:256.1.1.1\"",
                        "\"g::1\"");
    }

    @Test
    void ipv4StillExact() {
        Instances.of(draft7("ipv4")).accepts("\"192.168.0.1\"").rejects("\"192.168.0\"", "\"1.2.3.256\"",
                "\"1.2.3.4x\"");
    }

    private static String q(String value) {
        return Instances.JSON.valueToTree(value).toString();
    }

    private static String[] qs(String... values) {
        String[] out = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = q(values[i]);
        }
        return out;
    }

    @Test
    void emailFollowsRfc5321Mailbox() {
        Instances.of(draft7("email"))
                .accepts(qs("joe.bloggs@example.com", "te~st@example.com", "~test@example.com", "test~@example.com",
                        "\"joe bloggs\"@example.com", "\"joe..bloggs\"@example.com", "joe.bloggs@[127.0.0.1]",
                        "joe.bloggs@[IPv6:::1]", "a+b@example.com"))
                .rejects(qs("2962", ".test@example.com", "test.@example.com", "te..st@example.com",
                        "joe.bloggs@[127.0.0.300]", "joe.bloggs@[IPv6:::12345]", "joe.bloggs@invalid=domain.com",
                        "a@-x.com", "a b@example.com", "@example.com"));
    }

    @Test
    void hostnameLabelsAndLength() {
        String label63 = "a".repeat(63);
        // hostname is compiled only under a maxLength of 63 or less (see StringLexemes.formatDfa)
        Instances.of("{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"string\","
                + "\"format\":\"hostname\",\"maxLength\":63}")
                .accepts(qs("www.example.com", "xn--4gbwdl.xn--wgbh1c", "hostname", "1host", "a-b.c",
                        label63))
                .rejects(qs("-a-host-name-that-starts-with--", "not_a_valid_host_name", "a-.com", "",
                        "a..b", "host name"));
    }

    @Test
    void hostnameWithoutALengthBoundRegexAndUriTemplateAreCompileErrors() {
        SchemaCompiler strict = new SchemaCompiler(SchemaOptions.defaults());
        for (String f : new String[] {"hostname", "regex", "uri-template"}) {
            SchemaException e = org.junit.jupiter.api.Assertions.assertThrows(SchemaException.class,
                    () -> strict.compile("{\"type\":\"string\",\"format\":\"" + f + "\"}"));
            org.junit.jupiter.api.Assertions.assertEquals("format", e.keyword());
            org.junit.jupiter.api.Assertions.assertEquals("#", e.pointer());
        }
    }

    @Test
    void uriIsRfc3986AbsoluteUri() {
        Instances.of(draft7("uri"))
                .accepts(qs("http://foo.bar/?baz=qux#quux", "http://foo.com/blah_(wiki)#cite-1",
                        "http://foo.bar/?q=Test%20URL-encoded%20stuff", "http://223.255.255.254", "ftp://ftp.is.co.za/rfc/rfc1808.txt",
                        "mailto:John.Doe@example.com", "urn:oasis:names:specification:docbook:dtd:xml:4.1.2",
                        "http://[2001:db8::7]/c=GB?objectClass?one", "tel:+1-816-555-1212"))
                .rejects(qs("//foo.bar/?baz=qux#quux", "/abc", "\\\\WINDOWS\\fileshare", "abc", "http:// shouldfail.com",
                        ":// should fail", "bar,baz:foo", "http://x/%zz"));
    }

    @Test
    void uriReferenceAllowsRelativeReferences() {
        Instances.of(draft7("uri-reference"))
                .accepts(qs("http://foo.bar/?baz=qux#quux", "//foo.bar/?baz=qux#quux", "/abc", "abc", "#fragment",
                        "", "../x?y"))
                .rejects(qs("\\\\WINDOWS\\fileshare", "#frag\\ment", "a b"));
    }

    @Test
    void jsonPointerEscapes() {
        Instances.of(draft7("json-pointer"))
                .accepts(qs("", "/foo/bar~0/baz~1/%a", "/foo//bar", "/~0~1", "/é"))
                .rejects(qs("/foo/bar~", "#", "foo", "/~2"));
    }
}
