package dev.stencil.automata.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Re-serialises JSON text exactly as JavaScript's {@code JSON.stringify(JSON.parse(text))} does,
 * so that our benchmarks feed byte-for-byte the same documents as the XGrammar peer harness:
 * compact separators, integer-like keys first in ascending order, later duplicate keys replace
 * earlier values in place, and numbers printed by ECMAScript's Number-to-String rules
 * ({@code 1.0 -> 1}, {@code 1e21 -> 1e+21}, {@code 0.000001 -> 0.000001}, {@code 1e-7 -> 1e-7}).
 */
public final class JsStringify {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsStringify() {
    }

    /** Parses {@code json} (one value) and prints it the JSON.stringify way. */
    public static String stringify(String json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            p.nextToken();
            Object v = read(p);
            StringBuilder sb = new StringBuilder();
            write(v, sb);
            return sb.toString();
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    /** Reads the value at the parser's current token into maps, lists, strings, BigDecimal, Boolean or null. */
    public static Object read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String k = p.currentName();
                    p.nextToken();
                    m.put(k, read(p));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new BigDecimal(p.getText());
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IOException("unexpected token " + t);
        }
    }

    @SuppressWarnings("unchecked")
    static void write(Object v, StringBuilder sb) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Boolean b) {
            sb.append(b);
        } else if (v instanceof String s) {
            quote(s, sb);
        } else if (v instanceof BigDecimal d) {
            sb.append(number(d.doubleValue()));
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(l.get(i), sb);
            }
            sb.append(']');
        } else {
            Map<String, Object> m = (Map<String, Object>) v;
            List<String> keys = new ArrayList<>();
            List<String> indexKeys = new ArrayList<>();
            for (String k : m.keySet()) {
                (isArrayIndex(k) ? indexKeys : keys).add(k);
            }
            indexKeys.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
            indexKeys.addAll(keys);
            sb.append('{');
            boolean first = true;
            for (String k : indexKeys) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                quote(k, sb);
                sb.append(':');
                write(m.get(k), sb);
            }
            sb.append('}');
        }
    }

    /** ECMAScript array index: canonical decimal of an integer in [0, 2^32 - 2]. */
    static boolean isArrayIndex(String k) {
        if (k.isEmpty() || k.length() > 10 || (k.length() > 1 && k.charAt(0) == '0')) {
            return false;
        }
        for (int i = 0; i < k.length(); i++) {
            if (k.charAt(i) < '0' || k.charAt(i) > '9') {
                return false;
            }
        }
        return Long.parseLong(k) <= 4294967294L;
    }

    static void quote(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    boolean lone = Character.isSurrogate(c) && !(Character.isHighSurrogate(c)
                            && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)))
                            && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1)));
                    if (c < 0x20 || lone) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** ECMAScript Number::toString for finite doubles; non-finite values print as null, as JSON.stringify does. */
    static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "null";
        }
        if (d == 0) {
            return "0";
        }
        String sign = d < 0 ? "-" : "";
        BigDecimal shortest = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = shortest.unscaledValue().toString();
        int k = digits.length();
        int n = k - shortest.scale(); // value = 0.digits * 10^n
        StringBuilder sb = new StringBuilder(sign);
        if (k <= n && n <= 21) {
            sb.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            sb.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            sb.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            int e = n - 1;
            sb.append(digits.charAt(0));
            if (k > 1) {
                sb.append('.').append(digits, 1, k);
            }
            sb.append('e').append(e < 0 ? "-" : "+").append(Math.abs(e));
        }
        return sb.toString();
    }
}
