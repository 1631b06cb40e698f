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
}
