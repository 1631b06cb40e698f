package dev.stencil.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Two gaps found by generating against real schemas (./stencil eval jsonschemabench). */
class DraftDifferencesTest {
    @Test
    void draft4IntegersInAnEnumHaveNoFraction() {
        // draft 4: 1.0 is a number, not an integer; from draft 6 on it is an integer
        Instances.of("{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"integer\",\"enum\":[0,1]}")
                .accepts("0", "1").rejects("1.0", "0.00", "2");
        Instances.of("{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"integer\",\"enum\":[0,1]}")
                .accepts("0", "1", "1.0").rejects("2");
        Instances.of("{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"enum\":[1]}").accepts("1", "1.0");
    }

    @Test
    void dependenciesIsHonouredInEveryDraft() {
        // 2019-09 replaced it, but validators still apply it: compiling without it would under-constrain
        for (String draft : new String[] {"http://json-schema.org/draft-04/schema#",
                "https://json-schema.org/draft/2020-12/schema"}) {
            Instances.of("{\"$schema\":\"" + draft + "\",\"properties\":{\"a\":{\"type\":\"number\"}},"
                    + "\"dependencies\":{\"a\":[\"b\"]}}")
                    .accepts("{\"a\":1,\"b\":2}", "{\"b\":1}", "{}").rejects("{\"a\":1}");
        }
    }
}
