package dev.stencil.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The Java API beyond JSON Schema: records and classes, regex and GBNF, concurrent generators. */
class JavaApiTest {
    private final Stencil stencil = TestModels.stencil();

    record Person(String name, int age) {
    }

    enum Level { JUNIOR, SENIOR }

    record Employee(String name, List<String> skills, Level level, boolean active, double salary) {
    }

    static final class Account {
        String id;
        long balance;
    }

    record Node(String name, List<Node> children) {
    }

    record WithObject(String name, Object payload) {
    }

    record WithDate(java.util.Date when) {
    }

    @Test
    void recordSchemaIsClosedAndTyped() throws Exception {
        assertEquals(new ObjectMapper().readTree("{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
                + "\"age\":{\"type\":\"integer\",\"minimum\":-2147483648,\"maximum\":2147483647}},"
                + "\"required\":[\"name\",\"age\"],\"additionalProperties\":false}").toString(), TypeSchema.of(Person.class).toString());
        var employee = TypeSchema.of(Employee.class);
        assertEquals("array", employee.at("/properties/skills/type").asText());
        assertEquals("string", employee.at("/properties/skills/items/type").asText());
        assertEquals("[\"JUNIOR\",\"SENIOR\"]", employee.at("/properties/level/enum").toString());
        assertEquals("number", employee.at("/properties/salary/type").asText());
        assertEquals("[\"id\",\"balance\"]", TypeSchema.of(Account.class).get("required").toString());
    }

    @Test
    void typesWithoutAnExactSchemaAreErrorsNamingTheField() {
        assertTrue(assertThrows(DecoderException.class, () -> TypeSchema.of(Node.class)).getMessage().contains("Node.children[]"));
        assertTrue(assertThrows(DecoderException.class, () -> TypeSchema.of(WithObject.class)).getMessage().contains("WithObject.payload"));
        assertTrue(assertThrows(DecoderException.class, () -> TypeSchema.of(WithDate.class)).getMessage().contains("java.util.Date"));
    }

    @Test
    void generatesARecord() {
        Person p = stencil.schema(Person.class).prompt(stencil.promptForKeys(List.of("name", "age"))).maxTokens(64)
                .generate(Person.class);
        assertNotNull(p.name());
        assertTrue(!p.name().isEmpty(), p.toString());
        Account a = stencil.schema(Account.class).prompt(stencil.promptForKeys(List.of("id", "balance"))).maxTokens(64)
                .generate(Account.class);
        assertNotNull(a.id);
        // an output cut off before it is complete is an exception, never a half-filled object
        assertThrows(DecoderException.class, () -> stencil.schema(Person.class)
                .prompt(stencil.promptForKeys(List.of("name", "age"))).maxTokens(3).generate(Person.class));
    }

    @Test
    void regexAndGbnfGenerators() {
        String p = stencil.promptForKeys(List.of("id"));
        GenerationResult phone = stencil.regex("[0-9]{3}-[0-9]{4}").prompt(p).maxTokens(16).generate();
        assertEquals(FinishReason.STOP, phone.finishReason());
        assertTrue(phone.text().matches("[0-9]{3}-[0-9]{4}"), phone.text());
        GenerationResult answer = stencil.gbnf("root ::= \"yes\" | \"no\"\n").prompt(p).maxTokens(8).generate();
        assertEquals(FinishReason.STOP, answer.finishReason());
        assertTrue(answer.text().equals("yes") || answer.text().equals("no"), answer.text());
        assertThrows(RuntimeException.class, () -> stencil.regex("(unclosed"));
    }

    @Test
    void oneLoadedModelServesConcurrentGenerators() throws Exception {
        List<List<String>> keyLists = List.of(List.of("name", "age"), List.of("id", "email"), List.of("title", "tags"),
                List.of("city", "country"));
        List<String> sequential = new ArrayList<>();
        for (List<String> keys : keyLists) {
            sequential.add(stencil.json().prompt(stencil.promptForKeys(keys)).maxTokens(64).generate().text());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 2; round++) {
                List<Future<String>> futures = new ArrayList<>();
                for (List<String> keys : keyLists) {
                    futures.add(pool.submit(() -> stencil.json().prompt(stencil.promptForKeys(keys)).maxTokens(64).generate().text()));
                }
                for (int i = 0; i < futures.size(); i++) {
                    assertEquals(sequential.get(i), futures.get(i).get());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
